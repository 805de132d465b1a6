import CairnStorage
import PostgresNIO

/// Brings a database to `PostgresSchema.version` at start. Nodes starting together are serialised
/// by an advisory lock held for the migration's transaction, so each migration runs once.
struct PostgresMigrator {
    let store: PostgresMetadataStore

    /// An arbitrary constant naming "the Cairn schema migration" among advisory locks.
    static let lockID: Int64 = 0x4341_4952_4E5F_4D47

    func migrate() async throws {
        let encoding = try await store.pool.rows(PostgresSQL("SHOW server_encoding")).first
            .map { try PostgresRows.Row($0).text("server_encoding") }
        // Byte order is UTF-8 order only in a UTF8 database, and keys are any Unicode text.
        guard encoding == "UTF8" else { throw MetadataError.unsupportedSchema("the database's encoding is \(encoding ?? "unknown"), not UTF8") }
        try await store.withExecutorTransaction { db in
            try await db.run(PostgresSQL("SELECT pg_advisory_xact_lock($1)", .int(Self.lockID)))
            try await db.run(PostgresSQL("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
            let found = try await db.rows(PostgresSQL("SELECT version FROM schema_version")).first
                .map { Int(try PostgresRows.Row($0).int("version")) }
            let current = found ?? 0
            guard current <= PostgresSchema.version else {
                throw MetadataError.unsupportedSchema("schema version \(current) is newer than this build's \(PostgresSchema.version)")
            }
            for migration in PostgresSchema.migrations[current...] {
                for statement in migration { try await db.run(PostgresSQL(statement)) }
            }
            if found == nil {
                try await db.run(PostgresSQL("INSERT INTO schema_version (version) VALUES ($1)", .int(Int64(PostgresSchema.version))))
            } else {
                try await db.run(PostgresSQL("UPDATE schema_version SET version = $1", .int(Int64(PostgresSchema.version))))
            }
        }
    }
}
