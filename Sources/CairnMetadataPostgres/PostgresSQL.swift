import CairnStorage
import Logging
import NIOCore
import PostgresNIO

/// A statement built piece by piece: `bind` appends a value and returns its `$n` placeholder, so
/// optional WHERE clauses (prefix range, markers) compose without counting parameters by hand.
struct PostgresSQL {
    var text: String
    var binds = PostgresBindings()

    /// A statement whose text already numbers its parameters `$1...` in the order of `values`.
    init(_ text: String, _ values: PostgresValue...) {
        self.text = text
        for v in values { _ = bind(v) }
    }

    mutating func bind(_ v: PostgresValue) -> String {
        switch v {
        case .text(let s): bind(s)
        case .int(let i): bind(i)
        case .bool(let b): bind(b)
        case .texts(let a): bind(a)
        }
    }

    mutating func bind(_ value: String) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: String?) -> String {
        if let value { binds.append(value) } else { binds.appendNull() }
        return "$\(binds.count)"
    }

    mutating func bind(_ value: Int64) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: Bool) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: ByteBuffer) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: [String]) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// `($1, $2, ...)` for a VALUES list.
    mutating func values(_ values: [PostgresValue]) -> String {
        "(" + values.map { bind($0) }.joined(separator: ", ") + ")"
    }

    /// The range of keys starting with `prefix`: `key >= prefix AND key < prefixUpperBound(prefix)`,
    /// a range scan of a (bucket, key, ...) index.
    mutating func keysStarting(with prefix: String) -> String {
        var clause = ""
        if !prefix.isEmpty { clause += " AND key >= \(bind(prefix))" }
        if let bound = prefixUpperBound(prefix) { clause += " AND key < \(bind(bound))" }
        return clause
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}

/// One column value of a row to write; nil text binds NULL.
enum PostgresValue {
    case text(String?)
    case int(Int64)
    case bool(Bool)
    case texts([String])
}

/// Where statements run: the pool (single-statement reads, each on a connection leased within
/// `PostgresLease.wait`) or a transaction's connection.
enum PostgresExecutor {
    case pool(PostgresClient, Logger)
    case connection(PostgresConnection, Logger)

    func rows(_ sql: PostgresSQL) async throws -> [PostgresRow] {
        do {
            switch self {
            case .pool(let client, let logger):
                return try await PostgresLease.withConnection(client) { try await $0.query(sql.query, logger: logger).collect() }
            case .connection(let c, let logger): return try await c.query(sql.query, logger: logger).collect()
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw MetadataError.alreadyExists
        }
    }

    func run(_ sql: PostgresSQL) async throws {
        _ = try await rows(sql)
    }
}
