import CairnModel
import CairnStorage
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The embedded metadata store: one SQLite file in WAL mode, one writer connection (transactions
/// serialised by `AsyncLock`) and a few reader connections, one statement at a time each
/// (`SQLiteReaders`), for single-statement reads.
public final class SQLiteMetadataStore: MetadataStore {
    let writer: SQLiteConnection
    let readers: SQLiteReaders
    let writeLock = AsyncLock()
    /// Makes commits durable after the write lock is released, several at a time.
    let walSync: WALGroupSync
    /// Blob deletions done but still queued: removed from `blob_deletions` by the next transaction,
    /// so freeing a blob costs no commit (and no fsync) of its own.
    let deletionsDone = NIOLockedValueBox<[BlobID]>([])

    public static func open(path: String, logger: Logger = Logger(label: "cairn.sqlite")) async throws -> SQLiteMetadataStore {
        let writer = try SQLiteConnection.open(path: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                       // REPLACE's implicit delete fires the usage triggers' delete side.
                       "PRAGMA recursive_triggers=ON"] {
            _ = try await writer.query(pragma)
        }
        for statement in SQLiteSchema.statements { _ = try await writer.query(statement) }
        for (table, column, type) in SQLiteSchema.addedColumns {
            let existing = try await writer.query("PRAGMA table_info(\(table))").compactMap { $0.column("name")?.string }
            if !existing.contains(column) { _ = try await writer.query("ALTER TABLE \(table) ADD COLUMN \(column) \(type)") }
        }
        for statement in SQLiteSchema.laterIndexes { _ = try await writer.query(statement) }
        try await createUsage(writer)
        let readers = try SQLiteReaders.open(path: path, count: 4, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        return SQLiteMetadataStore(writer: writer, readers: readers, walSync: WALGroupSync(walPath: path + "-wal"))
    }

    /// The usage counters (counted once from the tables when they first appear), their triggers,
    /// and the users and keys tables.
    static func createUsage(_ db: SQLiteConnection) async throws {
        _ = try await db.query("BEGIN IMMEDIATE")
        do {
            if try await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bucket_usage'").isEmpty {
                _ = try await db.query(SQLiteUsageSchema.usageTable)
                _ = try await db.query(SQLiteUsageSchema.backfill)
            }
            for statement in SQLiteUsageSchema.triggers + SQLiteUsageSchema.identityTables { _ = try await db.query(statement) }
            _ = try await db.query("COMMIT")
        } catch {
            _ = try? await db.query("ROLLBACK")
            throw error
        }
    }

    init(writer: SQLiteConnection, readers: SQLiteReaders, walSync: WALGroupSync) {
        self.writer = writer
        self.readers = readers
        self.walSync = walSync
    }

    /// Each connection is closed when no task is inside it (the writer under its lock), and the
    /// WAL sync thread last: closing the last connection checkpoints and syncs the WAL itself.
    public func close() async throws {
        try await withTransaction { _ in }  // forgets the deletions already done
        try await readers.close()
        try await writeLock.withLock(timeout: .seconds(60), onTimeout: MetadataError.busy) { try await writer.close() }
        try await walSync.close()
    }

    /// One IMMEDIATE transaction on the writer connection; rolls back on any error.
    /// How long a write waits, first for this process's other writers, then for SQLite's lock
    /// held by another process, before it gives up with `MetadataError.busy` (503 SlowDown):
    /// bounded waits instead of an unbounded queue behind a long transaction.
    static let writerWait: Duration = .seconds(5)
    static let busyTimeoutMilliseconds: Int32 = 5000

    /// COMMIT does not fsync (`synchronous=NORMAL`): the WAL is synced after the lock is released,
    /// shared with the other transactions that committed meanwhile (`WALGroupSync`), and only then
    /// does the transaction return.
    public func withTransaction<T: Sendable>(_ body: (any MetadataTransaction) async throws -> T) async throws -> T {
        let result = try await committing(body)
        await walSync.sync()
        return result
    }

    private func committing<T: Sendable>(_ body: (any MetadataTransaction) async throws -> T) async throws -> T {
        try await writeLock.withLock(timeout: Self.writerWait, onTimeout: MetadataError.busy) {
            try await begin()
            let done = deletionsDone.withLockedValue { d in defer { d = [] }; return d }
            do {
                for b in done { _ = try await writer.query("DELETE FROM blob_deletions WHERE blob = ?", [.text(b.rawValue)]) }
                let result = try await body(SQLiteTransaction(db: writer))
                _ = try await writer.query("COMMIT")
                return result
            } catch {
                _ = try? await writer.query("ROLLBACK")
                deletionsDone.withLockedValue { $0 += done }
                if let e = error as? SQLiteError, e.reason == .full { throw StorageFull("metadata database: \(e.message)") }
                throw error
            }
        }
    }

    /// `BEGIN IMMEDIATE`, waiting for another process's write lock with async sleeps (statements
    /// run on the caller's thread, which SQLite's own busy wait would block) for at most
    /// `writerWait`, then `MetadataError.busy`.
    private func begin() async throws {
        writer.setBusyTimeout(milliseconds: 0)
        defer { writer.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds) }
        let deadline = ContinuousClock.now + Self.writerWait
        var pause = Duration.milliseconds(1)
        while true {
            do {
                try await writer.query("BEGIN IMMEDIATE")
                return
            } catch let e as SQLiteError where [.busy, .locked, .busyTimeout].contains(e.reason) {
                guard ContinuousClock.now + pause < deadline else { throw MetadataError.busy }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        }
    }

    public func pendingBlobDeletions(limit: Int) async throws -> [BlobID] {
        let done = Set(deletionsDone.withLockedValue { $0 })
        return try await readers.query("SELECT blob FROM blob_deletions ORDER BY queued_ms LIMIT ?", [.integer(limit + done.count)])
            .map { BlobID(SQLiteRows.text($0, "blob")) }.filter { !done.contains($0) }.prefix(limit).map { $0 }
    }

    public func blobDeletionsDone(_ blobs: [BlobID]) async throws {
        deletionsDone.withLockedValue { $0 += blobs }
    }
}
