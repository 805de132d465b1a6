import CairnMetadataPostgres
import CairnMetadataSQLite
import CairnStorage
import Foundation
import Logging

/// Which metadata store `cairn server` runs on: PostgreSQL when given a postgres:// URL (by
/// `--metadata` or `CAIRN_METADATA_URL`), else SQLite in the data folder.
enum MetadataChoice {
    /// The URL from the option, else from the environment; nil means SQLite.
    static func url(option: String?) -> String? {
        option ?? ProcessInfo.processInfo.environment["CAIRN_METADATA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func open(url: String?, dataFolder: String, poolSize: Int = 20, logger: Logger) async throws -> (store: any MetadataStore, description: String) {
        guard let url else {
            return (try await SQLiteMetadataStore.open(path: dataFolder + "/metadata.sqlite", logger: logger), "SQLite metadata")
        }
        let store = try await PostgresMetadataStore.open(url: url, poolSize: poolSize, logger: logger)
        return (store, "PostgreSQL metadata at \(PostgresURL.redacted(url))")
    }
}
