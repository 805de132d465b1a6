/// Tables and indexes. Keys compare as UTF-8 bytes (SQLite's BINARY collation), S3's listing order.
enum SQLiteSchema {
    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS buckets (
            name TEXT PRIMARY KEY,
            owner_id TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            region TEXT NOT NULL,
            request_payer TEXT NOT NULL DEFAULT 'BucketOwner'
        ) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS buckets_by_owner ON buckets (owner_id, name)",
        """
        CREATE TABLE IF NOT EXISTS objects (
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified_ms INTEGER NOT NULL,
            owner_id TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            info TEXT NOT NULL,
            PRIMARY KEY (bucket, key)
        ) WITHOUT ROWID
        """,
    ]
}
