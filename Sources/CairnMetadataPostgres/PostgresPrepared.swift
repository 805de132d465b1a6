import CairnStorage
import PostgresNIO

/// The statements of the hot paths (every request's bucket read, GET's object read, UploadPart's
/// transaction), run as named prepared statements: postgres-nio prepares each once per connection
/// and then only binds and executes it, so PostgreSQL parses and plans it once instead of per call.
/// Types are declared, so a NULL bound first does not fix a parameter's type wrongly.
protocol PreparedShape {
    static var sql: String { get }
    static var types: [PostgresDataType] { get }
}

/// One execution of a shape with its values; named after the shape's type.
struct PreparedSQL<Shape: PreparedShape>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "cairn.\(Shape.self)" }
    static var sql: String { Shape.sql }
    static var bindingDataTypes: [PostgresDataType] { Shape.types }
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

enum Prepared {
    /// Every request: the addressed bucket with the configurations authorization needs.
    enum Bucket: PreparedShape {
        static let sql = "\(PostgresRows.bucketWithConfigs) WHERE name = $1"
        static let types: [PostgresDataType] = [.text]
    }

    enum BucketForShare: PreparedShape {
        static let sql = "\(PostgresRows.bucketWithConfigs) WHERE name = $1 FOR SHARE OF buckets"
        static let types: [PostgresDataType] = [.text]
    }

    /// GET, HEAD and the writers' reads of a key.
    enum Object: PreparedShape {
        static let sql = "SELECT \(PostgresRows.objectColumns) FROM objects WHERE bucket = $1 AND key = $2"
        static let types: [PostgresDataType] = [.text, .text]
    }

    enum LockKey: PreparedShape {
        static let sql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
        static let types: [PostgresDataType] = [.text]
    }

    /// UploadPart reads the upload before the body, then locks it in its transaction.
    enum Upload: PreparedShape {
        static let sql = "SELECT \(PostgresRows.uploadColumns) FROM uploads WHERE upload_id = $1 AND bucket = $2 AND key = $3"
        static let types: [PostgresDataType] = [.text, .text, .text]
    }

    enum UploadForUpdate: PreparedShape {
        static let sql = "\(Upload.sql) FOR UPDATE"
        static let types = Upload.types
    }

    enum Part: PreparedShape {
        static let sql = "SELECT \(PostgresRows.partColumns) FROM parts WHERE upload_id = $1 AND part_number = $2"
        static let types: [PostgresDataType] = [.text, .int8]
    }

    enum PutPart: PreparedShape {
        static let sql = """
            INSERT INTO parts (\(PostgresRows.partColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (upload_id, part_number) DO UPDATE SET \(PostgresRows.replacing(PostgresRows.partColumns, keptKey: ["upload_id", "part_number"]))
            """
        static let types: [PostgresDataType] = [.text, .int8, .int8, .text, .int8, .text, .text, .text, .text]
    }
}

extension PostgresExecutor {
    /// Runs a prepared shape with these values (in the shape's parameter order).
    func rows<Shape: PreparedShape>(_ shape: Shape.Type, _ values: PostgresValue...) async throws -> [PostgresRow] {
        try await rows(shape, values)
    }

    func rows<Shape: PreparedShape>(_: Shape.Type, _ values: [PostgresValue]) async throws -> [PostgresRow] {
        var sql = PostgresSQL("")
        for v in values { _ = sql.bind(v) }
        let statement = PreparedSQL<Shape>(bindings: sql.binds)
        do {
            switch self {
            case .pool(let client, let logger):
                return try await PostgresLease.withConnection(client) { try await Self.collect($0, statement, logger) }
            case .connection(let c, let logger):
                return try await Self.collect(c, statement, logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw MetadataError.alreadyExists
        }
    }

    private static func collect<Shape: PreparedShape>(_ c: PostgresConnection, _ statement: PreparedSQL<Shape>, _ logger: Logger) async throws -> [PostgresRow] {
        var out: [PostgresRow] = []
        for try await row in try await c.execute(statement, logger: logger) { out.append(row) }
        return out
    }
}
