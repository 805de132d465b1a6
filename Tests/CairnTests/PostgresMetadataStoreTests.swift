import CairnMetadataPostgres
import CairnStorage
import Foundation
import PostgresNIO
import Testing

/// What only the PostgreSQL store has: a versioned schema shared by several nodes. The behaviour
/// every store shares is in `MetadataStoreContractTests`.
@Suite("PostgreSQL metadata store")
struct PostgresMetadataStoreTests {
    /// Runs one statement on the database the configuration names.
    func execute(_ sql: String, on config: PostgresClient.Configuration) async throws {
        let client = PostgresClient(configuration: config)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
            group.cancelAll()
        }
    }

    @Test("nodes opening a new database together apply the schema once, and all open it")
    func concurrentMigration() async throws {
        let config = try await PostgresTestCluster.shared.value.freshDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresMetadataStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresMetadataStore.open(config) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        for s in stores { try await s.close() }
    }

    @Test("a database whose schema is newer than this build is refused")
    func newerSchemaRefused() async throws {
        let config = try await PostgresTestCluster.shared.value.freshDatabase()
        try await PostgresMetadataStore.open(config).close()
        try await execute("UPDATE schema_version SET version = version + 1", on: config)
        await #expect {
            try await PostgresMetadataStore.open(config).close()
        } throws: { error in
            guard case MetadataError.unsupportedSchema(let detail) = error else { return false }
            return detail.contains("newer")
        }
    }
}
