import CairnStorage
import Foundation
import Logging
import NIOConcurrencyHelpers

/// This node among the nodes sharing its metadata store: it writes a heartbeat into its row every
/// `heartbeatSeconds`, logs the node list when it changes, and takes or renews the background
/// lease (the work one node does at a time: lifecycle sweeps, cleanup after dead nodes).
///
/// The lease is a row (holder, expiry by the database's clock), not an advisory lock: it works on
/// any SQL database, and a holder that dies simply stops renewing it. The holder counts its lease
/// as held until `leaseSeconds` after the moment it *sent* the renewal, which is before the
/// database set the expiry, so it stops believing it holds the lease before any other node may
/// take it (clock rates aside). Nothing depends on it for correctness: every change the background
/// work makes is its own transaction that re-reads what it changes, so two nodes sweeping at once
/// would only do the work twice.
public final class NodeMembership: Sendable {
    public let info: NodeInfo
    public let heartbeatSeconds: Double
    let metadata: any MetadataStore
    let logger: Logger
    private let state = NIOLockedValueBox(State())

    struct State {
        var liveNodes: [String] = []
        var leaseValidUntil: ContinuousClock.Instant?
    }

    /// The lease of the background work.
    public static let backgroundLease = "background"

    /// This machine's name, for `isDead`.
    let hostname: String

    public init(info: NodeInfo, hostname: String, heartbeatSeconds: Double, metadata: any MetadataStore, logger: Logger) {
        self.info = info
        self.hostname = hostname
        self.heartbeatSeconds = heartbeatSeconds
        self.metadata = metadata
        self.logger = logger
    }

    /// A node is listed as live while its heartbeat is younger than this.
    public var liveWithin: Double { heartbeatSeconds * 3 }
    /// The lease runs out this long after its last renewal (renewed every heartbeat).
    public var leaseSeconds: Double { heartbeatSeconds * 3 }
    /// A node silent for this long is dead: its temporary files and its row may go. Far longer than
    /// a missed heartbeat or two: a node wrongly thought dead loses the uploads it is receiving.
    public var deadAfter: Double { max(heartbeatSeconds * 10, 5) }

    /// Whether a node is known dead: silent for `deadAfter`, or a node of this host with a default
    /// id (`hostname-pid`) whose process no longer exists (this node restarted: a new pid).
    public func isDead(_ node: NodeStatus) -> Bool {
        if node.heartbeatAge > deadAfter { return true }
        guard node.info.id != info.id, let pid = node.info.id.defaultIDPid(onHost: hostname) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Whether this node holds the background lease now.
    public var holdsLease: Bool {
        state.withLockedValue { s in s.leaseValidUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    /// The first heartbeat, before the node cleans up or serves: from now on other nodes see it.
    public func join() async throws {
        if let earlier = try await metadata.nodes().first(where: { $0.info.id == info.id }), earlier.heartbeatAge < liveWithin {
            logger.warning("node id \(info.id) was alive \(String(format: "%.1f", earlier.heartbeatAge)) s ago: a restart, or another process with the same --node-id")
        }
        try await metadata.heartbeat(info)
        logger.info("node \(info.id) at \(info.address) joined")
    }

    /// Heartbeats and lease renewals until cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(heartbeatSeconds * 1000)))
            if Task.isCancelled { break }
            await tick()
        }
    }

    /// One round: heartbeat, lease, node list (also run once at start, after the cleanup of dead
    /// nodes freed their leases). Failures (the database away) are logged and retried
    /// next round; the lease simply runs out meanwhile.
    public func tick() async {
        do {
            try await metadata.heartbeat(info)
            let sent = ContinuousClock.now
            let held = try await metadata.acquireLease(Self.backgroundLease, holder: info.id, seconds: leaseSeconds)
            let wasHeld = holdsLease
            state.withLockedValue { $0.leaseValidUntil = held ? sent + .milliseconds(Int64(leaseSeconds * 1000)) : nil }
            if held != wasHeld {
                logger.info(held ? "node \(info.id) holds the background lease" : "node \(info.id) no longer holds the background lease")
            }
            let live = try await metadata.nodes().filter { $0.heartbeatAge < liveWithin }.map { "\($0.info.id) (\($0.info.address))" }
            let changed = state.withLockedValue { s in
                defer { s.liveNodes = live }
                return s.liveNodes != live
            }
            if changed { logger.info("nodes: \(live.joined(separator: ", "))") }
        } catch {
            logger.error("node heartbeat failed: \(error)")
        }
    }

    /// Graceful shutdown: hands the lease over at once and takes the row out of the list.
    public func leave() async {
        state.withLockedValue { $0.leaseValidUntil = nil }
        do {
            try await metadata.releaseLease(Self.backgroundLease, holder: info.id)
            try await metadata.removeNode(info.id)
            logger.info("node \(info.id) left")
        } catch {
            logger.error("node \(info.id) could not leave cleanly: \(error)")
        }
    }
}
