import CairnModel
import CairnStorage
import Foundation
import Testing

/// Node rows and leases (`NodeCoordination`), on every metadata backend: what several nodes on one
/// store rely on to list each other and to run background work on one node at a time.
@Suite("Node coordination contract")
struct NodeCoordinationContractTests {
    static let started = Date(milliseconds: 1_700_000_000_000)

    func withStore(_ backend: MetadataBackend, _ body: (any MetadataStore, @Sendable () async throws -> any MetadataStore) async throws -> Void) async throws {
        try await backend.withStore(body)
    }

    func node(_ id: String, _ address: String = "10.0.0.1:9000") -> NodeInfo {
        NodeInfo(id: NodeID(id)!, address: address, started: Self.started)
    }

    @Test("heartbeats write a row per node, listed by id with the heartbeat's age; removeNode forgets one",
          arguments: MetadataBackend.all)
    func nodeRows(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, reopen in
            #expect(try await store.nodes().isEmpty)
            try await store.heartbeat(node("node-b"))
            try await store.heartbeat(node("node-a", "10.0.0.2:9000"))
            var rows = try await store.nodes()
            #expect(rows.map(\.info) == [node("node-a", "10.0.0.2:9000"), node("node-b")])
            #expect(rows.allSatisfy { $0.heartbeatAge >= -0.05 && $0.heartbeatAge < 2 })
            try await Task.sleep(for: .milliseconds(300))
            try await store.heartbeat(node("node-a", "10.0.0.3:9000"))
            rows = try await store.nodes()
            #expect(rows[0].info.address == "10.0.0.3:9000" && rows[0].heartbeatAge < 0.25)
            #expect(rows[1].heartbeatAge >= 0.25)
            // Another handle (a restart, another node) sees the same rows.
            let other = try await reopen()
            #expect(try await other.nodes().map(\.info.id.rawValue) == ["node-a", "node-b"])
            try await other.removeNode(NodeID("node-b")!)
            try await other.close()
            #expect(try await store.nodes().map(\.info.id.rawValue) == ["node-a"])
        }
    }

    @Test("a lease has one holder: renewed by it, refused to others until it expires or is released",
          arguments: MetadataBackend.all)
    func leaseHolder(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            let a = NodeID("a")!, b = NodeID("b")!
            #expect(try await store.acquireLease("background", holder: a, seconds: 0.4))
            #expect(try await !store.acquireLease("background", holder: b, seconds: 0.4))
            #expect(try await store.acquireLease("other", holder: b, seconds: 0.4), "leases are independent by name")
            #expect(try await store.acquireLease("background", holder: a, seconds: 0.4), "the holder renews it")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await store.acquireLease("background", holder: b, seconds: 30), "expired: taken over")
            #expect(try await !store.acquireLease("background", holder: a, seconds: 30), "the old holder lost it")
            try await store.releaseLease("background", holder: a)  // not a's any more: no effect
            #expect(try await !store.acquireLease("background", holder: a, seconds: 30))
            try await store.releaseLease("background", holder: b)
            #expect(try await store.acquireLease("background", holder: a, seconds: 30), "released: free at once")
            try await store.heartbeat(node("a"))
            try await store.removeNode(a)
            #expect(try await store.acquireLease("background", holder: b, seconds: 30), "a removed node's leases are free")
        }
    }

    @Test("nodes taking an expired lease at once: exactly one gets it", arguments: MetadataBackend.all)
    func leaseRace(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, reopen in
            let other = try await reopen()
            #expect(try await store.acquireLease("background", holder: NodeID("old")!, seconds: 0.1))
            try await Task.sleep(for: .milliseconds(300))
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<16 {
                    let s = i.isMultiple(of: 2) ? store : other
                    group.addTask { try await s.acquireLease("background", holder: NodeID("n\(i)")!, seconds: 30) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await other.close()
            #expect(winners == 1)
        }
    }
}
