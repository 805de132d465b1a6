/// Tables and indexes, as numbered migrations. Keys are `COLLATE "C"`: compared as bytes, which in a
/// UTF8 database is S3's listing order (UTF-8 byte order), so range scans and ORDER BY need no sort.
/// The same tables and columns as the SQLite store, so a store can be copied from one to the other.
enum PostgresSchema {
    /// The schema this build writes. A database whose `schema_version` is higher was written by a
    /// newer Cairn: this one refuses to open it rather than misread or corrupt it.
    static var version: Int { migrations.count }

    /// `migrations[n]` takes a database from version n to n + 1. Append, never edit a shipped one.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE buckets (
                name TEXT COLLATE "C" PRIMARY KEY,
                owner_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                region TEXT NOT NULL,
                request_payer TEXT NOT NULL DEFAULT 'BucketOwner',
                versioning TEXT
            )
            """,
            "CREATE INDEX buckets_by_owner ON buckets (owner_id, name)",
            // The current version of each key; a delete marker stays here (skipped by plain listings).
            """
            CREATE TABLE objects (
                bucket TEXT COLLATE "C" NOT NULL,
                key TEXT COLLATE "C" NOT NULL,
                size BIGINT NOT NULL,
                etag TEXT NOT NULL,
                last_modified_ms BIGINT NOT NULL,
                owner_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                info TEXT NOT NULL,
                version_id TEXT NOT NULL DEFAULT 'null',
                seq BIGINT NOT NULL DEFAULT 0,
                delete_marker BOOLEAN NOT NULL DEFAULT false,
                PRIMARY KEY (bucket, key)
            )
            """,
            // Versions that are no longer current, newest first per key. Plain listings never read it.
            """
            CREATE TABLE object_versions (
                bucket TEXT COLLATE "C" NOT NULL,
                key TEXT COLLATE "C" NOT NULL,
                size BIGINT NOT NULL,
                etag TEXT NOT NULL,
                last_modified_ms BIGINT NOT NULL,
                owner_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                info TEXT NOT NULL,
                version_id TEXT NOT NULL,
                seq BIGINT NOT NULL,
                delete_marker BOOLEAN NOT NULL,
                PRIMARY KEY (bucket, key, seq)
            )
            """,
            "CREATE UNIQUE INDEX object_versions_by_id ON object_versions (bucket, key, version_id)",
            """
            CREATE TABLE uploads (
                upload_id TEXT COLLATE "C" PRIMARY KEY,
                bucket TEXT COLLATE "C" NOT NULL,
                key TEXT COLLATE "C" NOT NULL,
                initiated_ms BIGINT NOT NULL,
                owner_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                info TEXT NOT NULL
            )
            """,
            // ListMultipartUploads order: key, then initiation time (then id, to break ties).
            "CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated_ms, upload_id)",
            "CREATE INDEX uploads_by_time ON uploads (bucket, initiated_ms)",
            """
            CREATE TABLE parts (
                upload_id TEXT COLLATE "C" NOT NULL,
                part_number INTEGER NOT NULL,
                size BIGINT NOT NULL,
                etag TEXT NOT NULL,
                last_modified_ms BIGINT NOT NULL,
                blob TEXT NOT NULL,
                checksum_algorithm TEXT,
                checksum TEXT,
                encryption TEXT,
                PRIMARY KEY (upload_id, part_number)
            )
            """,
            """
            CREATE TABLE completed_uploads (
                upload_id TEXT COLLATE "C" PRIMARY KEY,
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,
                etag TEXT NOT NULL,
                request_digest TEXT NOT NULL,
                checksum_algorithm TEXT,
                checksum TEXT,
                checksum_type TEXT,
                completed_ms BIGINT NOT NULL,
                version_id TEXT
            )
            """,
            "CREATE INDEX completed_uploads_by_time ON completed_uploads (completed_ms)",
            """
            CREATE TABLE bucket_configs (
                bucket TEXT COLLATE "C" NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (bucket, kind)
            )
            """,
            // Blobs released by committed transactions, deleted after the commit: queued in the same
            // transaction as the change that released them, so no node frees a blob still referenced.
            """
            CREATE TABLE blob_deletions (
                blob TEXT PRIMARY KEY,
                queued_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX blob_deletions_by_time ON blob_deletions (queued_ms)",
        ],
        // 2: lifecycle scans by age (current versions by last-modified time, noncurrent ones by
        // when they stopped being current).
        [
            "ALTER TABLE object_versions ADD COLUMN noncurrent_ms BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX objects_by_time ON objects (bucket, last_modified_ms, key)",
            "CREATE INDEX object_versions_by_age ON object_versions (bucket, noncurrent_ms)",
        ],
        // 3: usage counters (triggers writing delta rows), users and access keys.
        PostgresUsageSchema.migration,
        // 4: several nodes. A row per node with its heartbeat (the database's clock), and leases
        // for the work one node does at a time. Runtime state: `cairn metadata migrate` copies neither.
        [
            """
            CREATE TABLE nodes (
                id TEXT COLLATE "C" PRIMARY KEY,
                address TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                heartbeat_ms BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE leases (
                name TEXT COLLATE "C" PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_ms BIGINT NOT NULL
            )
            """,
        ],
        // 5: small bodies kept with their records (`BlobID.inline()`), written and removed by the
        // transactions that reference and release them.
        [
            """
            CREATE TABLE inline_blobs (
                id TEXT COLLATE "C" PRIMARY KEY,
                data BYTEA NOT NULL
            )
            """,
        ],
    ]
}
