import CairnModel
import CairnStorage
import Foundation
import Logging
import SQLiteNIO

/// The embedded metadata store: one SQLite file in WAL mode, one writer connection (transactions
/// serialised by `AsyncLock`) and one reader connection for single-statement reads.
public final class SQLiteMetadataStore: MetadataStore {
    let writer: SQLiteConnection
    let reader: SQLiteConnection
    let writeLock = AsyncLock()

    public static func open(path: String, logger: Logger = Logger(label: "cairn.sqlite")) async throws -> SQLiteMetadataStore {
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON"] {
            _ = try await writer.query(pragma)
        }
        for statement in SQLiteSchema.statements { _ = try await writer.query(statement) }
        for (table, column, type) in SQLiteSchema.addedColumns {
            let existing = try await writer.query("PRAGMA table_info(\(table))").compactMap { $0.column("name")?.string }
            if !existing.contains(column) { _ = try await writer.query("ALTER TABLE \(table) ADD COLUMN \(column) \(type)") }
        }
        let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        _ = try await reader.query("PRAGMA busy_timeout=10000")
        return SQLiteMetadataStore(writer: writer, reader: reader)
    }

    init(writer: SQLiteConnection, reader: SQLiteConnection) {
        self.writer = writer
        self.reader = reader
    }

    public func close() async throws {
        try await reader.close()
        try await writer.close()
    }

    /// Runs `body` as one IMMEDIATE transaction on the writer connection; rolls back on any error.
    func transaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            _ = try await writer.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(writer)
                _ = try await writer.query("COMMIT")
                return result
            } catch {
                _ = try? await writer.query("ROLLBACK")
                throw error
            }
        }
    }
}
