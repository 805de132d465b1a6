import NIOConcurrencyHelpers

/// The reader connections: each runs one statement at a time, handed out in turn.
///
/// One shared reader connection was wrong. With several statements in flight on one connection
/// (concurrent requests), SQLite keeps that connection's read transaction open until the last of
/// them ends, so a statement started later still read the snapshot of the first: an UploadPart
/// right after its CreateMultipartUpload was acknowledged could answer NoSuchUpload, and a GET
/// after a PUT could miss it (found by scripts/soak: once in ~100,000 requests). A connection that
/// serves one statement at a time starts a fresh snapshot for each, so every read sees every write
/// acknowledged before it began, as S3's strong read-after-write consistency promises.
final class SQLiteReaders: Sendable {
    private struct State {
        var free: [SQLiteConnection]
        var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    }
    private let all: [SQLiteConnection]
    private let state: NIOLockedValueBox<State>

    init(_ connections: [SQLiteConnection]) {
        all = connections
        state = NIOLockedValueBox(State(free: connections))
    }

    static func open(path: String, count: Int, busyTimeoutMilliseconds: Int32) throws -> SQLiteReaders {
        SQLiteReaders(try (0..<count).map { _ in try SQLiteConnection.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds) })
    }

    func withConnection<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = await checkout()
        defer { checkin(connection) }
        return try await body(connection)
    }

    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await withConnection { try await $0.query(sql, binds) }
    }

    func close() async throws {
        for c in all { try await c.close() }
    }

    private func checkout() async -> SQLiteConnection {
        await withCheckedContinuation { (c: CheckedContinuation<SQLiteConnection, Never>) in
            let now = state.withLockedValue { s -> SQLiteConnection? in
                if let f = s.free.popLast() { return f }
                s.waiters.append(c)
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    private func checkin(_ connection: SQLiteConnection) {
        let next = state.withLockedValue { s -> CheckedContinuation<SQLiteConnection, Never>? in
            if s.waiters.isEmpty { s.free.append(connection); return nil }
            return s.waiters.removeFirst()
        }
        next?.resume(returning: connection)
    }
}
