import CairnStorage
import NIOCore

/// The store's tables as plain rows (`cairn metadata migrate` reads a single-node store this way).
/// Table and column names come from SQLite's own catalogue, never from input.
extension SQLiteMetadataStore: MetadataTableReader {
    public func dataTables() async throws -> [MetadataTable] {
        let names = try await readers.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .map { SQLiteRows.text($0, "name") }.filter { !MetadataTable.runtimeTables.contains($0) }
        var tables: [MetadataTable] = []
        for name in names {
            let info = try await readers.query("PRAGMA table_info(\(Self.quoted(name)))")
            let columns = info.map { SQLiteRows.text($0, "name") }
            let keys = info.compactMap { row -> (Int, String)? in
                guard let pk = row.column("pk")?.integer, pk > 0 else { return nil }
                return (Int(pk), SQLiteRows.text(row, "name"))
            }.sorted { $0.0 < $1.0 }.map(\.1)
            tables.append(MetadataTable(name: name, columns: columns, keyColumns: keys))
        }
        return tables
    }

    public func rowCount(_ table: String) async throws -> Int {
        Int(try await readers.query("SELECT count(*) AS n FROM \(Self.quoted(table))").first?.column("n")?.integer ?? 0)
    }

    /// Keyset pagination over the primary key (BINARY collation: text as bytes).
    public func rows(_ table: MetadataTable, after: [MetadataCell]?, limit: Int) async throws -> [[MetadataCell]] {
        let keys = table.keyColumns.map(Self.quoted).joined(separator: ", ")
        var sql = "SELECT \(table.columns.map(Self.quoted).joined(separator: ", ")) FROM \(Self.quoted(table.name))"
        var binds: [SQLiteData] = []
        if let after {
            sql += " WHERE (\(keys)) > (\(after.map { _ in "?" }.joined(separator: ", ")))"
            binds = after.map(Self.data)
        }
        sql += " ORDER BY \(keys) LIMIT \(limit)"
        return try await readers.query(sql, binds).map { row in
            try table.columns.map { column -> MetadataCell in
                switch row.column(column) ?? .null {
                case .null: return .null
                case .integer(let i): return .int(Int64(i))
                case .text(let s): return .text(s)
                case .blob(let b): return .bytes(Array(b.readableBytesView))
                case let other: throw MetadataError.unreadableRecord("\(table.name).\(column) holds \(other), not text, bytes or an integer")
                }
            }
        }
    }

    static func data(_ cell: MetadataCell) -> SQLiteData {
        switch cell {
        case .null: .null
        case .int(let i): .integer(Int(i))
        case .text(let s): .text(s)
        case .bytes(let b): .blob(ByteBuffer(bytes: b))
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
