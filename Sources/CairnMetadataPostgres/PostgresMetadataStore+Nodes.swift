import CairnModel
import CairnStorage
import Foundation

/// Node rows and leases on PostgreSQL. Every time is the database's `clock_timestamp()`, never a
/// node's own clock: nodes whose clocks drift apart still agree on heartbeat ages and lease expiry.
extension PostgresMetadataStore {
    /// The database's now, in milliseconds since 1970.
    static let nowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    public func heartbeat(_ node: NodeInfo) async throws {
        try await pool.run(PostgresSQL("""
            INSERT INTO nodes (id, address, started_ms, heartbeat_ms) VALUES ($1, $2, $3, \(Self.nowMs))
            ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, started_ms = EXCLUDED.started_ms,
                heartbeat_ms = EXCLUDED.heartbeat_ms
            """, .text(node.id.rawValue), .text(node.address), .int(node.started.millisecondsSince1970)))
    }

    public func nodes() async throws -> [NodeStatus] {
        try await pool.rows(PostgresSQL("""
            SELECT id, address, started_ms, \(Self.nowMs) - heartbeat_ms AS age_ms FROM nodes ORDER BY id
            """)).map { row in
            let r = PostgresRows.Row(row)
            return NodeStatus(info: NodeInfo(id: NodeID(unchecked: try r.text("id")), address: try r.text("address"),
                                             started: try r.date("started_ms")),
                              heartbeatAge: Double(try r.int("age_ms")) / 1000)
        }
    }

    public func removeNode(_ id: NodeID) async throws {
        try await withExecutorTransaction { db in
            try await db.run(PostgresSQL("DELETE FROM leases WHERE holder = $1", .text(id.rawValue)))
            try await db.run(PostgresSQL("DELETE FROM nodes WHERE id = $1", .text(id.rawValue)))
        }
    }

    /// One statement: the upsert's WHERE runs on the row under its lock, so of two nodes taking an
    /// expired lease at once, the second re-checks the first's new row and gets nothing back.
    public func acquireLease(_ name: String, holder: NodeID, seconds: Double) async throws -> Bool {
        try await !pool.rows(PostgresSQL("""
            INSERT INTO leases (name, holder, expires_ms) VALUES ($1, $2, \(Self.nowMs) + $3)
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_ms = EXCLUDED.expires_ms
                WHERE leases.holder = EXCLUDED.holder OR leases.expires_ms < \(Self.nowMs)
            RETURNING holder
            """, .text(name), .text(holder.rawValue), .int(Int64((seconds * 1000).rounded(.up))))).isEmpty
    }

    public func releaseLease(_ name: String, holder: NodeID) async throws {
        try await pool.run(PostgresSQL("DELETE FROM leases WHERE name = $1 AND holder = $2", .text(name), .text(holder.rawValue)))
    }
}
