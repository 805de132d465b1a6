import CairnModel
import CairnStorage
import Foundation
import Logging
import PostgresNIO

/// The metadata store for several nodes: every node runs the same code over one PostgreSQL database.
/// A pool of connections (`PostgresClient`); single-statement reads take any connection, a
/// transaction holds one from BEGIN to COMMIT.
///
/// Isolation: READ COMMITTED plus explicit row locks, taken by the transaction's reads of the rows
/// the locking contract names (see `PostgresTransaction`). Lock waits can deadlock (two
/// DeleteBuckets, or keys locked in different orders), and PostgreSQL then aborts one transaction
/// with 40P01: `withTransaction` runs `body` again on a fresh transaction, as the protocol allows.
public final class PostgresMetadataStore: MetadataStore {
    let client: PostgresClient
    let logger: Logger
    /// Keeps the pool's `run()` alive for the store's lifetime; cancelled by `close`.
    private let runTask: Task<Void, Never>
    var pool: PostgresExecutor { .pool(client, logger) }

    /// How often a transaction aborted by a deadlock or a serialisation failure is run again.
    static let attempts = 8

    /// Opens the database a `postgres://` URL names with a pool of `poolSize` connections, after one
    /// connection proved the URL right (`PostgresStartupCheck`: a wrong host, port, password or
    /// database is a `PostgresUnavailable` within seconds, not a pool retrying forever).
    public static func open(url: String, poolSize: Int = 20,
                            logger: Logger = Logger(label: "cairn.postgres")) async throws -> PostgresMetadataStore {
        let target = try PostgresURL.target(url)
        try await PostgresStartupCheck.check(target, logger: logger)
        var configuration = target.clientConfiguration
        configuration.options.maximumConnections = poolSize
        return try await open(configuration, logger: logger)
    }

    /// Connects, checks the database, and brings its schema to this build's version.
    public static func open(_ configuration: PostgresClient.Configuration,
                            logger: Logger = Logger(label: "cairn.postgres")) async throws -> PostgresMetadataStore {
        var configuration = configuration
        // A transaction whose node goes silent (frozen, partitioned) before COMMIT is aborted by the
        // server, so it cannot commit a reference to a blob the sweep already counts as an orphan
        // (`BlobGrace`). Lock waits are not idle: only a client that sends nothing is cut off.
        configuration.options.additionalStartupParameters.append(
            ("idle_in_transaction_session_timeout", "\(Int(BlobGrace.idleInTransaction * 1000))"))
        let store = PostgresMetadataStore(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        do {
            try await PostgresMigrator(store: store).migrate()
            return store
        } catch {
            try? await store.close()
            throw error
        }
    }

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runTask = Task { await client.run() }
    }

    public func close() async throws {
        runTask.cancel()
        await runTask.value
    }

    public func withTransaction<T: Sendable>(_ body: (any MetadataTransaction) async throws -> T) async throws -> T {
        try await withExecutorTransaction { db in try await body(PostgresTransaction(db: db)) }
    }

    /// One READ COMMITTED transaction on one connection, run again when PostgreSQL aborted it.
    func withExecutorTransaction<T: Sendable>(_ body: (PostgresExecutor) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transactionOnce(body)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.lockNotAvailable.raw {
                throw MetadataError.busy
            } catch let error as PSQLError where attempt < Self.attempts && Self.isRetryable(error) {
                attempt += 1
                // A little random wait so the transactions that collided do not collide again.
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...UInt64(attempt) * 5_000_000))
            }
        }
    }

    /// Deadlock detected (40P01) or serialisation failure (40001): nothing was committed, run again.
    static func isRetryable(_ error: PSQLError) -> Bool {
        let state = error.serverInfo?[.sqlState]
        return state == PostgresError.Code.deadlockDetected.raw || state == PostgresError.Code.serializationFailure.raw
    }

    private func transactionOnce<T: Sendable>(_ body: (PostgresExecutor) async throws -> T) async throws -> T {
        try await PostgresLease.withConnection(client) { connection in
            let db = PostgresExecutor.connection(connection, logger)
            try await db.run(PostgresSQL("BEGIN ISOLATION LEVEL READ COMMITTED"))
            // Bounded waits for row locks: a transaction held open elsewhere (another node, a
            // person in psql) makes this one fail with 55P03 after 5 s, answered 503 SlowDown.
            try await db.run(PostgresSQL("SET LOCAL lock_timeout = '5s'"))
            do {
                let result = try await body(db)
                do {
                    try await db.run(PostgresSQL("COMMIT"))
                } catch where PostgresFailure.isConnectionLoss(error) {
                    // The server may have committed before the connection broke.
                    throw MetadataError.outcomeUnknown
                }
                return result
            } catch {
                // A failed ROLLBACK means a broken connection, which the pool discards.
                try? await db.run(PostgresSQL("ROLLBACK"))
                throw error
            }
        }
    }

    public func pendingBlobDeletions(limit: Int) async throws -> [BlobID] {
        try await pool.rows(PostgresSQL("SELECT blob FROM blob_deletions ORDER BY queued_ms, blob LIMIT $1", .int(Int64(limit))))
            .map { BlobID(try PostgresRows.Row($0).text("blob")) }
    }

    /// Immediate: one statement, and other nodes stop listing these blobs at once.
    public func blobDeletionsDone(_ blobs: [BlobID]) async throws {
        guard !blobs.isEmpty else { return }
        try await pool.run(PostgresSQL("DELETE FROM blob_deletions WHERE blob = ANY($1)", .texts(blobs.map(\.rawValue))))
    }
}
