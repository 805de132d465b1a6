import Foundation

/// What this node's storage did, counted as it happens (blob files freed, lifecycle aborts and
/// expirations): per-node counters, which Prometheus sums across nodes. Usage, which every node
/// must agree on, comes from the metadata store instead (`MetadataStore.usage`).
public final class StorageCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var values = Snapshot()

    public struct Snapshot: Sendable, Equatable {
        public var blobsFreed: Int64 = 0
        public var lifecycleAborts: Int64 = 0
        public var lifecycleExpirations: Int64 = 0
        public init() {}
    }

    public init() {}

    public var snapshot: Snapshot { lock.withLock { values } }

    func add(_ change: (inout Snapshot) -> Void) { lock.withLock { change(&values) } }
}
