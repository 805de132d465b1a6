/// Usage counters and the users / keys tables. The counters (`bucket_usage`, one row per bucket)
/// are kept by triggers in the transaction that changes a row, so they are never computed by
/// scanning. SQLite has one writer, so a single row per bucket costs no concurrency here (the
/// PostgreSQL store writes delta rows instead; docs/ARCHITECTURE.md, "Usage").
/// `INSERT OR REPLACE` deletes the replaced row, which fires the delete trigger only with
/// `PRAGMA recursive_triggers=ON` (set on the writer).
enum SQLiteUsageSchema {
    static let usageTable = """
        CREATE TABLE bucket_usage (
            bucket TEXT PRIMARY KEY,
            objects INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL DEFAULT 0,
            versions INTEGER NOT NULL DEFAULT 0,
            version_bytes INTEGER NOT NULL DEFAULT 0,
            markers INTEGER NOT NULL DEFAULT 0,
            uploads INTEGER NOT NULL DEFAULT 0,
            parts INTEGER NOT NULL DEFAULT 0,
            part_bytes INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """

    static let columns = ["objects", "bytes", "versions", "version_bytes", "markers", "uploads", "parts", "part_bytes"]

    /// A data folder from before the counters: counted once, when the table is created.
    static let backfill = """
        INSERT INTO bucket_usage (bucket, objects, bytes, versions, version_bytes, markers, uploads, parts, part_bytes)
        SELECT bucket, sum(o), sum(b), sum(v), sum(vb), sum(m), sum(u), sum(p), sum(pb) FROM (
            SELECT bucket, 1 - delete_marker AS o, (1 - delete_marker) * size AS b, 0 AS v, 0 AS vb, delete_marker AS m,
                   0 AS u, 0 AS p, 0 AS pb FROM objects
            UNION ALL SELECT bucket, 0, 0, 1 - delete_marker, (1 - delete_marker) * size, delete_marker, 0, 0, 0 FROM object_versions
            UNION ALL SELECT bucket, 0, 0, 0, 0, 0, 1, 0, 0 FROM uploads
            UNION ALL SELECT u.bucket, 0, 0, 0, 0, 0, 0, 1, p.size FROM parts p JOIN uploads u ON u.upload_id = p.upload_id
        ) GROUP BY bucket
        """

    /// `INSERT ... ON CONFLICT` adding `values` (SQL expressions, by column) to a bucket's row.
    static func add(bucket: String, _ values: [String: String], from: String = "") -> String {
        let cols = values.keys.sorted()
        let select = from.isEmpty ? "VALUES (\(bucket), \(cols.map { values[$0]! }.joined(separator: ", ")))"
            : "SELECT \(bucket), \(cols.map { values[$0]! }.joined(separator: ", ")) \(from)"
        return "INSERT INTO bucket_usage (bucket, \(cols.joined(separator: ", "))) \(select) ON CONFLICT (bucket) DO UPDATE SET "
            + cols.map { "\($0) = bucket_usage.\($0) + excluded.\($0)" }.joined(separator: ", ") + ";"
    }

    /// Triggers for a table of versions (`objects`: current; `object_versions`: noncurrent).
    static func versionTriggers(_ table: String, count: String, bytes: String) -> [String] {
        func delta(_ row: String, _ sign: String) -> [String: String] {
            [count: "\(sign)(1 - \(row).delete_marker)", bytes: "\(sign)(1 - \(row).delete_marker) * \(row).size",
             "markers": "\(sign)\(row).delete_marker"]
        }
        return [
            "CREATE TRIGGER IF NOT EXISTS \(table)_usage_insert AFTER INSERT ON \(table) BEGIN \(add(bucket: "NEW.bucket", delta("NEW", "+"))) END",
            "CREATE TRIGGER IF NOT EXISTS \(table)_usage_delete AFTER DELETE ON \(table) BEGIN \(add(bucket: "OLD.bucket", delta("OLD", "-"))) END",
            """
            CREATE TRIGGER IF NOT EXISTS \(table)_usage_update AFTER UPDATE OF size, delete_marker ON \(table) BEGIN
            \(add(bucket: "OLD.bucket", delta("OLD", "-"))) \(add(bucket: "NEW.bucket", delta("NEW", "+"))) END
            """,
        ]
    }

    static var triggers: [String] {
        versionTriggers("objects", count: "objects", bytes: "bytes")
            + versionTriggers("object_versions", count: "versions", bytes: "version_bytes")
            + [
                "CREATE TRIGGER IF NOT EXISTS uploads_usage_insert AFTER INSERT ON uploads BEGIN \(add(bucket: "NEW.bucket", ["uploads": "1"])) END",
                "CREATE TRIGGER IF NOT EXISTS uploads_usage_delete AFTER DELETE ON uploads BEGIN \(add(bucket: "OLD.bucket", ["uploads": "-1"])) END",
                // A part's bucket is its upload's (parts are deleted before their upload).
                """
                CREATE TRIGGER IF NOT EXISTS parts_usage_insert AFTER INSERT ON parts BEGIN
                \(add(bucket: "bucket", ["parts": "1", "part_bytes": "NEW.size"], from: "FROM uploads WHERE upload_id = NEW.upload_id")) END
                """,
                """
                CREATE TRIGGER IF NOT EXISTS parts_usage_delete AFTER DELETE ON parts BEGIN
                \(add(bucket: "bucket", ["parts": "-1", "part_bytes": "-OLD.size"], from: "FROM uploads WHERE upload_id = OLD.upload_id")) END
                """,
            ]
    }

    static let identityTables = [
        """
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            admin INTEGER NOT NULL,
            created_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS access_keys (
            access_key TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            secret TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS access_keys_by_user ON access_keys (user_id)",
        "CREATE TABLE IF NOT EXISTS identity_generation (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO identity_generation (id, generation) VALUES (1, 0)",
        // The oldest upload anywhere, by index (`uploads_by_time` starts with the bucket).
        "CREATE INDEX IF NOT EXISTS uploads_by_age ON uploads (initiated_ms)",
    ]
}
