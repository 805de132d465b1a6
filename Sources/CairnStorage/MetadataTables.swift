/// A metadata store's tables as plain rows, for `cairn metadata migrate`: copying a store from one
/// engine to another (SQLite to PostgreSQL) row for row, and verifying the copy. Both backends
/// keep the same tables, columns and JSON text, so no row is decoded into records on the way.

/// One value of a row. Booleans are integers 0 and 1 (SQLite has no other kind); `bytes` are
/// inline blobs' contents (BLOB / BYTEA).
public enum MetadataCell: Hashable, Sendable {
    case null
    case int(Int64)
    case text(String)
    case bytes([UInt8])
}

/// A table's name, columns (in the order rows carry them) and primary key.
public struct MetadataTable: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    /// The primary key's columns, in key order: rows are read in this order (text compared as bytes).
    public var keyColumns: [String]

    public init(name: String, columns: [String], keyColumns: [String]) {
        self.name = name
        self.columns = columns
        self.keyColumns = keyColumns
    }

    /// Tables of runtime state, not data: which nodes run, who holds a lease, the schema version.
    /// Also not copied: what each store derives itself. Usage counters (`bucket_usage`, and
    /// PostgreSQL's `usage_deltas`) are rebuilt by the target's triggers as the objects, uploads
    /// and parts are inserted, and `identity_generation` is each store's own change counter for
    /// users and keys. Copying them would count every object twice.
    public static let runtimeTables: Set<String> = ["nodes", "leases", "schema_version",
                                                    "bucket_usage", "usage_deltas", "identity_generation"]

    /// The values of the primary key's columns in `row`.
    public func key(of row: [MetadataCell]) -> [MetadataCell] {
        keyColumns.map { k in row[columns.firstIndex(of: k)!] }
    }
}

/// Reading a store's tables row by row.
public protocol MetadataTableReader: Sendable {
    /// The tables holding the store's data (every table but `MetadataTable.runtimeTables`).
    func dataTables() async throws -> [MetadataTable]
    func rowCount(_ table: String) async throws -> Int
    /// At most `limit` rows of `table` (cells in `table.columns` order) in primary-key order, after
    /// the row whose key is `after`.
    func rows(_ table: MetadataTable, after: [MetadataCell]?, limit: Int) async throws -> [[MetadataCell]]
}

/// Writing rows, inside the import's one transaction.
public protocol MetadataTableWriter: MetadataTableReader {
    func insert(_ table: MetadataTable, _ rows: [[MetadataCell]]) async throws
}

/// A store that can take a whole copy in one transaction: all of it commits, or none.
public protocol MetadataImportTarget: MetadataTableReader {
    func importing<T: Sendable>(_ body: (any MetadataTableWriter) async throws -> T) async throws -> T
}
