import ArgumentParser
import CairnMetadataPostgres
import CairnMetadataSQLite
import CairnStorage
import Foundation
import Logging

/// `cairn metadata migrate --from DATA/metadata.sqlite --to postgres://...`: moves a single-node
/// store's metadata into PostgreSQL, so the data folder can be shared by several nodes.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Manage the metadata store.",
        subcommands: [Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy a SQLite metadata store into an empty PostgreSQL database, verified (row counts and a SHA-256 of every row on both sides), in one transaction.",
            discussion: "Stop the server first. The data folder (blobs/) stays where it is: start the nodes with --data on it and --metadata on the URL.")

        @Option(help: "The SQLite store: DATA/metadata.sqlite.")
        var from: String

        @Option(help: "The PostgreSQL database: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=...]. Its tables must be empty (created if missing).")
        var to: String

        func validate() throws {
            do { _ = try PostgresURL.configuration(to) } catch { throw ValidationError("--to: \(error)") }
        }

        func run() async throws {
            guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("--from: no SQLite store at \(from)") }
            var logger = Logger(label: "cairn")
            logger.logLevel = .warning
            let source = try await SQLiteMetadataStore.open(path: from, logger: logger)
            let target: PostgresMetadataStore
            do {
                target = try await PostgresMetadataStore.open(url: to, logger: logger)
            } catch {
                try? await source.close()
                throw error
            }
            do {
                let results = try await MetadataCopy.copy(from: source, to: target)
                for r in results { print("\(r.table): \(r.rows) rows, sha256 \(r.checksum) on both sides") }
                print("copied \(results.reduce(0) { $0 + $1.rows }) rows from \(from) to \(PostgresURL.redacted(to))")
            } catch {
                try? await target.close()
                try? await source.close()
                throw error
            }
            try await target.close()
            try await source.close()
        }
    }
}
