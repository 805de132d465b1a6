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
        var waiters: [(resume: CheckedContinuation<SQLiteConnection?, Never>, closing: Bool)] = []
        /// Set by `close`: no connection is handed out any more.
        var closed = false
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
        guard let connection = await checkout() else { throw SQLiteError(reason: .misuse, message: "the metadata store is closed") }
        defer { checkin(connection) }
        return try await body(connection)
    }

    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await withConnection { try await $0.query(sql, binds) }
    }

    /// Closes every connection once it is back: statements run on their callers' threads, so a
    /// connection closed while another task is inside it would be freed under that statement.
    func close() async throws {
        var taken: [SQLiteConnection] = []
        for _ in all { taken.append(await checkout(closing: true)!) }
        for c in taken { try await c.close() }
    }

    /// A free connection, waiting for one if none is; nil once the readers are closing. `closing`:
    /// `close` taking every connection back (the first such call marks the readers closed).
    private func checkout(closing: Bool = false) async -> SQLiteConnection? {
        await withCheckedContinuation { (c: CheckedContinuation<SQLiteConnection?, Never>) in
            let now = state.withLockedValue { s -> SQLiteConnection?? in
                if s.closed && !closing { return .some(nil) }
                if closing { s.closed = true }
                if let f = s.free.popLast() { return .some(f) }
                s.waiters.append((c, closing))
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    private func checkin(_ connection: SQLiteConnection) {
        let next = state.withLockedValue { s -> CheckedContinuation<SQLiteConnection?, Never>? in
            // Once closing, only `close` is handed connections; other waiters learn it is closed.
            while let w = s.waiters.first, s.closed && !w.closing {
                s.waiters.removeFirst()
                w.resume.resume(returning: nil)
            }
            if s.waiters.isEmpty { s.free.append(connection); return nil }
            return s.waiters.removeFirst().resume
        }
        next?.resume(returning: connection)
    }
}
