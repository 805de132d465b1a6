/// Tables and indexes. Keys compare as UTF-8 bytes (SQLite's BINARY collation), S3's listing order.
enum SQLiteSchema {
    /// Columns added after a table first shipped: (table, column, type). `CREATE TABLE IF NOT
    /// EXISTS` leaves an older data folder's table as it was, so these are added when missing.
    static let addedColumns = [
        ("parts", "encryption", "TEXT"),
        ("buckets", "versioning", "TEXT"),
        // The current version of each key: which version it is, its order among the key's
        // versions, and whether it is a delete marker (skipped by plain listings).
        ("objects", "version_id", "TEXT NOT NULL DEFAULT 'null'"),
        ("objects", "seq", "INTEGER NOT NULL DEFAULT 0"),
        ("objects", "delete_marker", "INTEGER NOT NULL DEFAULT 0"),
        ("completed_uploads", "version_id", "TEXT"),
        // When a version stopped being current (lifecycle NoncurrentVersionExpiration counts from it).
        ("object_versions", "noncurrent_ms", "INTEGER NOT NULL DEFAULT 0"),
    ]

    /// Indexes over added columns, created once the columns exist.
    static let laterIndexes = [
        "CREATE INDEX IF NOT EXISTS object_versions_by_age ON object_versions (bucket, noncurrent_ms)",
    ]

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
        """
        CREATE TABLE IF NOT EXISTS uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            initiated_ms INTEGER NOT NULL,
            owner_id TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            info TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        // ListMultipartUploads order: key, then initiation time (then id, to break ties).
        "CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, initiated_ms, upload_id)",
        "CREATE INDEX IF NOT EXISTS uploads_by_time ON uploads (bucket, initiated_ms)",
        """
        CREATE TABLE IF NOT EXISTS parts (
            upload_id TEXT NOT NULL,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified_ms INTEGER NOT NULL,
            blob TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum TEXT,
            encryption TEXT,
            PRIMARY KEY (upload_id, part_number)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS completed_uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            etag TEXT NOT NULL,
            request_digest TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum TEXT,
            checksum_type TEXT,
            completed_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS bucket_configs (
            bucket TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (bucket, kind)
        ) WITHOUT ROWID
        """,
        // Versions that are no longer current, newest first per key. Plain listings never read this
        // table, so they cost the same on a versioned bucket as on an unversioned one.
        """
        CREATE TABLE IF NOT EXISTS object_versions (
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            version_id TEXT NOT NULL,
            delete_marker INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified_ms INTEGER NOT NULL,
            owner_id TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            info TEXT NOT NULL,
            PRIMARY KEY (bucket, key, seq DESC)
        ) WITHOUT ROWID
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS object_versions_by_id ON object_versions (bucket, key, version_id)",
        // Lifecycle scans by age, not over every object.
        "CREATE INDEX IF NOT EXISTS objects_by_time ON objects (bucket, last_modified_ms, key)",
        // Blobs released by committed transactions, deleted after the commit. Written in the same
        // transaction as the change that released them, so a crash or another node neither leaks
        // nor frees a blob still referenced.
        """
        CREATE TABLE IF NOT EXISTS blob_deletions (
            blob TEXT PRIMARY KEY,
            queued_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS blob_deletions_by_time ON blob_deletions (queued_ms)",
        // Small bodies kept with their records (`BlobID.inline()`), written and removed by the
        // transactions that reference and release them. A rowid table: its rows are up to 64 KiB,
        // too large for WITHOUT ROWID's b-tree pages.
        """
        CREATE TABLE IF NOT EXISTS inline_blobs (
            id TEXT PRIMARY KEY,
            data BLOB NOT NULL
        )
        """,
        // Nodes and leases, as on PostgreSQL (one node here). Runtime state, not copied by
        // `cairn metadata migrate`.
        """
        CREATE TABLE IF NOT EXISTS nodes (
            id TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            started_ms INTEGER NOT NULL,
            heartbeat_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
    ]
}
