import CSQLite3
import NIOCore

/// One SQLite connection over Debian's libsqlite3, run in the calling task: statements execute
/// synchronously on the caller's thread, prepared once per connection and kept (`statements`).
///
/// Why not sqlite-nio, which the store used before: it runs each statement as a job on a shared
/// thread pool and hands each row back as its own event-loop task, then resumes the caller, and it
/// prepares every statement again each time. A 16 KiB PUT runs about eight statements (the bucket
/// read on a reader, then BEGIN, bucket, object, insert, inline blob, COMMIT on the writer): perf
/// showed a quarter of the server's CPU in context switches and SQLite's parser (BENCHMARKS.md,
/// issue 19). Here a statement is a few C calls on a thread that is already running.
///
/// Blocking: a statement's work is in memory (pages in the OS cache, the WAL written without
/// fsync: `WALGroupSync` does that on its own thread). Waiting for another process's write lock
/// is done by `SQLiteMetadataStore.begin` with async sleeps, not here.
///
/// Fairness: `query` is `async` but never suspends, so a loop of reads and nothing else holds its
/// cooperative thread until it ends; such loops yield (requests suspend on their network I/O, and
/// writes on the WAL sync).
///
/// Not thread-safe by itself: the writer is used under `AsyncLock`, each reader by one task at a
/// time (`SQLiteReaders`); the connection is opened in SQLite's multi-thread mode for that.
final class SQLiteConnection: @unchecked Sendable {
    private var db: OpaquePointer?
    private var statements: [String: PreparedStatement] = [:]
    /// Statements whose text carries values (a table name from the catalogue, an IN list) would
    /// fill the cache; past this many it is emptied and refilled by what is used.
    private static let cacheLimit = 256

    private init(_ db: OpaquePointer) { self.db = db }

    static func open(path: String, busyTimeoutMilliseconds: Int32) throws -> SQLiteConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let error = SQLiteError(code: rc, db: handle)
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        return SQLiteConnection(handle)
    }

    /// Sets how long a statement waits for another connection's lock (0: fail at once with busy).
    func setBusyTimeout(milliseconds: Int32) {
        if let db { sqlite3_busy_timeout(db, milliseconds) }
    }

    /// Runs one statement and returns its rows. `async` so callers need not know that it does not
    /// suspend.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try run(sql, binds)
    }

    func run(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteRow] {
        guard let db else { throw SQLiteError(reason: .misuse, message: "connection closed") }
        let statement = try prepared(sql, db)
        defer {
            sqlite3_reset(statement.handle)
            sqlite3_clear_bindings(statement.handle)
        }
        for (i, value) in binds.enumerated() {
            let rc = bind(value, at: Int32(i + 1), statement.handle)
            guard rc == SQLITE_OK else { throw SQLiteError(code: rc, db: db) }
        }
        var rows: [SQLiteRow] = []
        while true {
            let rc = sqlite3_step(statement.handle)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw SQLiteError(code: rc, db: db) }
            rows.append(SQLiteRow(names: statement.columns, values: (0..<Int32(statement.columns.count)).map { column($0, statement.handle) }))
        }
    }

    private func prepared(_ sql: String, _ db: OpaquePointer) throws -> PreparedStatement {
        if let s = statements[sql] { return s }
        var handle: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard rc == SQLITE_OK, let handle else { throw SQLiteError(code: rc, db: db) }
        let columns = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
        let statement = PreparedStatement(handle: handle, columns: columns)
        if statements.count >= Self.cacheLimit {
            for s in statements.values { sqlite3_finalize(s.handle) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, _ s: OpaquePointer) -> Int32 {
        switch value {
        case .null: return sqlite3_bind_null(s, index)
        case .integer(let i): return sqlite3_bind_int64(s, index, Int64(i))
        case .float(let d): return sqlite3_bind_double(s, index, d)
        case .text(let text):
            // Byte for byte, with its length: a key may hold U+0000, which a C string would cut.
            var text = text
            return text.withUTF8 { p in
                guard let base = p.baseAddress, p.count > 0 else { return sqlite3_bind_text(s, index, "", 0, Self.transient) }
                return sqlite3_bind_text(s, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(p.count), Self.transient)
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { p in
                guard let base = p.baseAddress, p.count > 0 else { return sqlite3_bind_zeroblob(s, index, 0) }
                return sqlite3_bind_blob(s, index, base, Int32(p.count), Self.transient)
            }
        }
    }

    private func column(_ i: Int32, _ s: OpaquePointer) -> SQLiteData {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER: return .integer(Int(sqlite3_column_int64(s, i)))
        case SQLITE_FLOAT: return .float(sqlite3_column_double(s, i))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(s, i))
            guard let p = sqlite3_column_text(s, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(s, i))
            guard let p = sqlite3_column_blob(s, i), count > 0 else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: p, count: count)))
        default: return .null
        }
    }

    func close() async throws {
        for s in statements.values { sqlite3_finalize(s.handle) }
        statements = [:]
        if let db {
            let rc = sqlite3_close_v2(db)
            guard rc == SQLITE_OK else { throw SQLiteError(code: rc, db: db) }
        }
        db = nil
    }

    deinit {
        for s in statements.values { sqlite3_finalize(s.handle) }
        if let db { sqlite3_close_v2(db) }
    }

    /// SQLite copies bound values before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private struct PreparedStatement {
        let handle: OpaquePointer
        let columns: [String]
    }
}

/// A value bound to or read from a statement.
enum SQLiteData: Sendable, Equatable, CustomStringConvertible {
    case integer(Int)
    case float(Double)
    case text(String)
    case blob(ByteBuffer)
    case null

    /// The integer, converting a real or a numeric text as SQLite's affinity would.
    var integer: Int? {
        switch self {
        case .integer(let i): i
        case .float(let d): Int(exactly: d.rounded(.towardZero))
        case .text(let s): Int(s)
        case .blob, .null: nil
        }
    }

    /// The text, or a number's decimal form.
    var string: String? {
        switch self {
        case .integer(let i): String(i)
        case .float(let d): String(d)
        case .text(let s): s
        case .blob, .null: nil
        }
    }

    var description: String {
        switch self {
        case .integer(let i): String(i)
        case .float(let d): String(d)
        case .text(let s): "\"\(s)\""
        case .blob(let b): "<\(b.readableBytes) bytes>"
        case .null: "null"
        }
    }
}

/// One result row: the statement's column names (shared by its rows) and this row's values.
struct SQLiteRow: Sendable {
    let names: [String]
    let values: [SQLiteData]

    /// The value of the first column named `name`, nil when there is none.
    func column(_ name: String) -> SQLiteData? {
        names.firstIndex(of: name).map { values[$0] }
    }
}

/// A failed SQLite call: what the store tells apart (busy, locked, full), and SQLite's message.
struct SQLiteError: Error, CustomStringConvertible {
    enum Reason: Sendable, Equatable {
        case busy, busyTimeout, locked, full, constraint, misuse, other(Int32)
    }
    var reason: Reason
    var message: String

    init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    init(code: Int32, db: OpaquePointer?) {
        switch code {
        case Self.busyTimeoutCode: reason = .busyTimeout
        case _ where code & 0xff == SQLITE_BUSY: reason = .busy
        case _ where code & 0xff == SQLITE_LOCKED: reason = .locked
        case _ where code & 0xff == SQLITE_FULL: reason = .full
        case _ where code & 0xff == SQLITE_CONSTRAINT: reason = .constraint
        case _ where code & 0xff == SQLITE_MISUSE: reason = .misuse
        default: reason = .other(code)
        }
        message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
    }

    var description: String { "SQLite error \(reason): \(message)" }

    /// SQLITE_BUSY_TIMEOUT, `(SQLITE_BUSY | (3<<8))`: a macro Swift does not import.
    static let busyTimeoutCode: Int32 = SQLITE_BUSY | (3 << 8)
}
