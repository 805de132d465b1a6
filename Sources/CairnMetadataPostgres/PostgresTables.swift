import CairnStorage
import NIOCore
import PostgresNIO

/// The store's tables as plain rows, for `cairn metadata migrate` (the target of a copy from
/// SQLite). Names come from PostgreSQL's catalogue or the source's, always quoted; values are bound.
/// Text keys are ordered and compared `COLLATE "C"` (bytes), the order SQLite reads them in.
struct PostgresTables: MetadataTableWriter {
    let db: PostgresExecutor

    func dataTables() async throws -> [MetadataTable] {
        let names = try await db.rows(PostgresSQL("""
            SELECT table_name::text AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1
            """)).map { try PostgresRows.Row($0).text("name") }.filter { !MetadataTable.runtimeTables.contains($0) }
        var tables: [MetadataTable] = []
        for name in names {
            let columns = try await columnTypes(name).map(\.name)
            let keys = try await db.rows(PostgresSQL("""
                SELECT a.attname::text AS name FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[])
                WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """, .text(name))).map { try PostgresRows.Row($0).text("name") }
            tables.append(MetadataTable(name: name, columns: columns, keyColumns: keys))
        }
        return tables
    }

    /// Columns in table order with their `information_schema` data types.
    func columnTypes(_ table: String) async throws -> [(name: String, type: String)] {
        try await db.rows(PostgresSQL("""
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """, .text(table))).map { let r = PostgresRows.Row($0); return (try r.text("name"), try r.text("type")) }
    }

    func rowCount(_ table: String) async throws -> Int {
        Int(try await db.rows(PostgresSQL("SELECT count(*) AS n FROM \(Self.quoted(table))")).first.map { try PostgresRows.Row($0).int("n") } ?? 0)
    }

    func rows(_ table: MetadataTable, after: [MetadataCell]?, limit: Int) async throws -> [[MetadataCell]] {
        let types = Dictionary(uniqueKeysWithValues: try await columnTypes(table.name).map { ($0.name, $0.type) })
        func ordered(_ column: String) -> String { Self.quoted(column) + (types[column] == "text" ? " COLLATE \"C\"" : "") }
        var sql = PostgresSQL("SELECT \(table.columns.map(Self.quoted).joined(separator: ", ")) FROM \(Self.quoted(table.name))")
        let keys = table.keyColumns.map(ordered).joined(separator: ", ")
        if let after {
            let values = try zip(table.keyColumns, after).map { column, cell in try Self.bind(cell, as: types[column], into: &sql) }
            sql.text += " WHERE (\(keys)) > (\(values.joined(separator: ", ")))"
        }
        sql.text += " ORDER BY \(keys) LIMIT \(limit)"
        return try await db.rows(sql).map { row in
            let r = PostgresRows.Row(row)
            return try table.columns.map { column -> MetadataCell in
                switch types[column] {
                case "text": return try r.optionalText(column).map(MetadataCell.text) ?? .null
                case "bigint": return try r.optionalInt(column).map(MetadataCell.int) ?? .null
                case "integer": return try r.optionalInt32(column).map { .int(Int64($0)) } ?? .null
                case "boolean": return try r.optionalBool(column).map { .int($0 ? 1 : 0) } ?? .null
                case "bytea": return try r.decode(ByteBuffer?.self, column).map { .bytes(Array($0.readableBytesView)) } ?? .null
                case let other: throw MetadataError.unreadableRecord("\(table.name).\(column) is \(other ?? "missing"), not text, bigint, integer, boolean or bytea")
                }
            }
        }
    }

    func insert(_ table: MetadataTable, _ rows: [[MetadataCell]]) async throws {
        guard !rows.isEmpty else { return }
        let types = Dictionary(uniqueKeysWithValues: try await columnTypes(table.name).map { ($0.name, $0.type) })
        var sql = PostgresSQL("INSERT INTO \(Self.quoted(table.name)) (\(table.columns.map(Self.quoted).joined(separator: ", "))) VALUES ")
        var tuples: [String] = []
        for row in rows {
            let values = try zip(table.columns, row).map { column, cell in try Self.bind(cell, as: types[column], into: &sql) }
            tuples.append("(" + values.joined(separator: ", ") + ")")
        }
        sql.text += tuples.joined(separator: ", ")
        try await db.run(sql)
    }

    /// Binds a cell as the column's type: integers 0 and 1 become booleans where the column is one.
    static func bind(_ cell: MetadataCell, as type: String?, into sql: inout PostgresSQL) throws -> String {
        switch (cell, type) {
        case (.null, _): return sql.bind(nil as String?) + (type.map { "::\($0)" } ?? "")
        case (.text(let s), "text"): return sql.bind(s)
        case (.int(let i), "bigint"), (.int(let i), "integer"): return sql.bind(i) + (type == "integer" ? "::integer" : "")
        case (.int(let i), "boolean") where i == 0 || i == 1: return sql.bind(i == 1)
        case (.bytes(let b), "bytea"): return sql.bind(ByteBuffer(bytes: b))
        default: throw MetadataError.unreadableRecord("\(cell) does not fit a column of type \(type ?? "missing")")
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

extension PostgresMetadataStore: MetadataImportTarget {
    public func dataTables() async throws -> [MetadataTable] { try await PostgresTables(db: pool).dataTables() }
    public func rowCount(_ table: String) async throws -> Int { try await PostgresTables(db: pool).rowCount(table) }
    public func rows(_ table: MetadataTable, after: [MetadataCell]?, limit: Int) async throws -> [[MetadataCell]] {
        try await PostgresTables(db: pool).rows(table, after: after, limit: limit)
    }

    /// One READ COMMITTED transaction: the copy and its verification commit together or not at all.
    public func importing<T: Sendable>(_ body: (any MetadataTableWriter) async throws -> T) async throws -> T {
        try await withExecutorTransaction { db in try await body(PostgresTables(db: db)) }
    }
}
