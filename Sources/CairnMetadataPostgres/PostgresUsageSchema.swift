/// Migration: usage counters, users and access keys (PostgreSQL).
///
/// Usage is kept by triggers in the writing transaction, but not in one row per bucket: under READ
/// COMMITTED an `UPDATE bucket_usage` holds that row's lock until COMMIT, which would serialise
/// every write into a bucket behind one row (and its commit's fsync). The triggers append delta
/// rows instead (no row is shared between writers), and any node folds them into `bucket_usage`
/// every few seconds with one statement. A read sums the total and the pending deltas in one
/// snapshot, so it is exact whatever the folding does. docs/ARCHITECTURE.md, "Usage".
enum PostgresUsageSchema {
    static let counters = ["objects", "bytes", "versions", "version_bytes", "markers", "uploads", "parts", "part_bytes"]

    static func counterColumns() -> String {
        counters.map { "\($0) BIGINT NOT NULL DEFAULT 0" }.joined(separator: ",\n")
    }

    /// The trigger function of a table of versions (`objects` or `object_versions`).
    static func versionFunction(_ table: String, count: String, bytes: String) -> String {
        """
        CREATE FUNCTION cairn_usage_\(table)() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE n BIGINT := 0; b BIGINT := 0; m BIGINT := 0; bkt TEXT;
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                bkt := OLD.bucket;
                IF OLD.delete_marker THEN m := m - 1; ELSE n := n - 1; b := b - OLD.size; END IF;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                bkt := NEW.bucket;
                IF NEW.delete_marker THEN m := m + 1; ELSE n := n + 1; b := b + NEW.size; END IF;
            END IF;
            IF n <> 0 OR b <> 0 OR m <> 0 THEN
                INSERT INTO usage_deltas (bucket, \(count), \(bytes), markers) VALUES (bkt, n, b, m);
            END IF;
            RETURN NULL;
        END $$
        """
    }

    static let migration: [String] = [
        "CREATE TABLE bucket_usage (bucket TEXT COLLATE \"C\" PRIMARY KEY, \(counterColumns()))",
        "CREATE TABLE usage_deltas (id BIGSERIAL PRIMARY KEY, bucket TEXT COLLATE \"C\" NOT NULL, \(counterColumns()))",
        "CREATE INDEX usage_deltas_by_bucket ON usage_deltas (bucket)",
        versionFunction("objects", count: "objects", bytes: "bytes"),
        versionFunction("object_versions", count: "versions", bytes: "version_bytes"),
        """
        CREATE FUNCTION cairn_usage_uploads() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO usage_deltas (bucket, uploads) VALUES (NEW.bucket, 1);
            ELSE
                INSERT INTO usage_deltas (bucket, uploads) VALUES (OLD.bucket, -1);
            END IF;
            RETURN NULL;
        END $$
        """,
        // A part's bucket is its upload's (parts are deleted before their upload).
        """
        CREATE FUNCTION cairn_usage_parts() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE n BIGINT := 0; b BIGINT := 0; upl TEXT;
        BEGIN
            IF TG_OP <> 'INSERT' THEN upl := OLD.upload_id; n := n - 1; b := b - OLD.size; END IF;
            IF TG_OP <> 'DELETE' THEN upl := NEW.upload_id; n := n + 1; b := b + NEW.size; END IF;
            IF n <> 0 OR b <> 0 THEN
                INSERT INTO usage_deltas (bucket, parts, part_bytes) SELECT bucket, n, b FROM uploads WHERE upload_id = upl;
            END IF;
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER objects_usage AFTER INSERT OR UPDATE OR DELETE ON objects FOR EACH ROW EXECUTE FUNCTION cairn_usage_objects()",
        """
        CREATE TRIGGER object_versions_usage AFTER INSERT OR UPDATE OR DELETE ON object_versions
        FOR EACH ROW EXECUTE FUNCTION cairn_usage_object_versions()
        """,
        "CREATE TRIGGER uploads_usage AFTER INSERT OR DELETE ON uploads FOR EACH ROW EXECUTE FUNCTION cairn_usage_uploads()",
        "CREATE TRIGGER parts_usage AFTER INSERT OR UPDATE OR DELETE ON parts FOR EACH ROW EXECUTE FUNCTION cairn_usage_parts()",
        // What a database from before the counters already holds, counted once.
        """
        INSERT INTO bucket_usage (bucket, \(counters.joined(separator: ", ")))
        SELECT bucket, sum(o), sum(b), sum(v), sum(vb), sum(m), sum(u), sum(p), sum(pb) FROM (
            SELECT bucket, CASE WHEN delete_marker THEN 0 ELSE 1 END AS o, CASE WHEN delete_marker THEN 0 ELSE size END AS b,
                   0 AS v, 0 AS vb, CASE WHEN delete_marker THEN 1 ELSE 0 END AS m, 0 AS u, 0 AS p, 0 AS pb FROM objects
            UNION ALL SELECT bucket, 0, 0, CASE WHEN delete_marker THEN 0 ELSE 1 END, CASE WHEN delete_marker THEN 0 ELSE size END,
                   CASE WHEN delete_marker THEN 1 ELSE 0 END, 0, 0, 0 FROM object_versions
            UNION ALL SELECT bucket, 0, 0, 0, 0, 0, 1, 0, 0 FROM uploads
            UNION ALL SELECT u.bucket, 0, 0, 0, 0, 0, 0, 1, p.size FROM parts p JOIN uploads u ON u.upload_id = p.upload_id
        ) t GROUP BY bucket
        """,
        // The oldest upload anywhere, by index (`uploads_by_time` starts with the bucket).
        "CREATE INDEX uploads_by_age ON uploads (initiated_ms)",
        """
        CREATE TABLE users (
            id TEXT COLLATE "C" PRIMARY KEY,
            name TEXT NOT NULL,
            admin BOOLEAN NOT NULL,
            created_ms BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE access_keys (
            access_key TEXT COLLATE "C" PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL,
            secret TEXT NOT NULL,
            enabled BOOLEAN NOT NULL,
            created_ms BIGINT NOT NULL
        )
        """,
        "CREATE INDEX access_keys_by_user ON access_keys (user_id)",
        "CREATE TABLE identity_generation (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL)",
        "INSERT INTO identity_generation (id, generation) VALUES (1, 0)",
    ]

    /// Usage totals plus pending deltas, summed in one snapshot; `filter` restricts both sides.
    static func usageQuery(filter: String) -> String {
        let cols = counters.joined(separator: ", ")
        return """
            SELECT bucket, \(counters.map { "sum(\($0))::bigint AS \($0)" }.joined(separator: ", ")) FROM (
                SELECT bucket, \(cols) FROM bucket_usage \(filter)
                UNION ALL SELECT bucket, \(cols) FROM usage_deltas \(filter)
            ) t GROUP BY bucket
            """
    }

    /// Moves every delta row into the totals, in one statement. Two nodes folding at once: the
    /// second's DELETE waits for the first's row locks and then skips the rows it removed.
    static var fold: String {
        let cols = counters.joined(separator: ", ")
        return """
            WITH moved AS (DELETE FROM usage_deltas RETURNING bucket, \(cols))
            INSERT INTO bucket_usage AS u (bucket, \(cols))
            SELECT bucket, \(counters.map { "sum(\($0))" }.joined(separator: ", ")) FROM moved GROUP BY bucket
            ON CONFLICT (bucket) DO UPDATE SET \(counters.map { "\($0) = u.\($0) + EXCLUDED.\($0)" }.joined(separator: ", "))
            """
    }
}
