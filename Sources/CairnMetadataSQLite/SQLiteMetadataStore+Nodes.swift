import CairnModel
import CairnStorage
import Foundation

/// Node rows and leases in SQLite: the same tables as PostgreSQL's, on this machine's clock (one
/// node per SQLite file; the rows make the node list and the lease work the same on both backends).
/// Each write is one autocommit statement on the writer connection, under the writer's lock.
extension SQLiteMetadataStore {
    public func heartbeat(_ node: NodeInfo) async throws {
        try await writeStatement("""
            INSERT INTO nodes (id, address, started_ms, heartbeat_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_ms = excluded.started_ms,
                heartbeat_ms = excluded.heartbeat_ms
            """, [.text(node.id.rawValue), .text(node.address), .integer(Int(node.started.millisecondsSince1970)), .integer(Self.nowMs())])
    }

    public func nodes() async throws -> [NodeStatus] {
        let now = Self.nowMs()
        return try await readers.query("SELECT id, address, started_ms, heartbeat_ms FROM nodes ORDER BY id").map { row in
            NodeStatus(info: NodeInfo(id: NodeID(unchecked: SQLiteRows.text(row, "id")), address: SQLiteRows.text(row, "address"),
                                      started: Date(milliseconds: Int64(row.column("started_ms")?.integer ?? 0))),
                       heartbeatAge: Double(now - (row.column("heartbeat_ms")?.integer ?? 0)) / 1000)
        }
    }

    public func removeNode(_ id: NodeID) async throws {
        try await writeStatement("DELETE FROM leases WHERE holder = ?", [.text(id.rawValue)])
        try await writeStatement("DELETE FROM nodes WHERE id = ?", [.text(id.rawValue)])
    }

    public func acquireLease(_ name: String, holder: NodeID, seconds: Double) async throws -> Bool {
        let now = Self.nowMs()
        let rows = try await writeLock.withLock(timeout: Self.writerWait, onTimeout: MetadataError.busy) {
            try await writer.query("""
                INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
                    WHERE leases.holder = excluded.holder OR leases.expires_ms < ?
                RETURNING holder
                """, [.text(name), .text(holder.rawValue), .integer(now + Int((seconds * 1000).rounded(.up))), .integer(now)])
        }
        return !rows.isEmpty
    }

    public func releaseLease(_ name: String, holder: NodeID) async throws {
        try await writeStatement("DELETE FROM leases WHERE name = ? AND holder = ?", [.text(name), .text(holder.rawValue)])
    }

    private func writeStatement(_ sql: String, _ binds: [SQLiteData]) async throws {
        _ = try await writeLock.withLock(timeout: Self.writerWait, onTimeout: MetadataError.busy) { try await writer.query(sql, binds) }
    }

    static func nowMs() -> Int { Int(Date().millisecondsSince1970) }
}
