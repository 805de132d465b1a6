import Foundation

/// What the nodes sharing one metadata store and one data folder know of each other: a row per
/// node with a heartbeat, and leases for the work only one node may do at a time (the lifecycle
/// sweeper, the cleanup of dead nodes). Times are the store's own clock (PostgreSQL's, for every
/// node alike), so nodes whose clocks disagree still agree on who is alive and who holds a lease.
/// Implemented by every `MetadataStore` (SQLite: trivially, one node).
public protocol NodeCoordination: Sendable {
    /// Writes this node's row (inserted on the first call) with a heartbeat of the store's now.
    func heartbeat(_ node: NodeInfo) async throws
    /// Every node row, by id, with the age of its last heartbeat by the store's clock.
    func nodes() async throws -> [NodeStatus]
    /// Forgets a node and frees the leases it holds (it stopped, or it is dead and its temporary
    /// files are gone).
    func removeNode(_ id: NodeID) async throws
    /// Takes the lease `name` for `holder` when it is free or expired, or renews it when `holder`
    /// already has it: it then expires `seconds` from the store's now. True when `holder` holds it.
    /// Two nodes asking at once: one gets it (the row is written under its lock).
    func acquireLease(_ name: String, holder: NodeID, seconds: Double) async throws -> Bool
    /// Gives a lease up at once (graceful shutdown), if `holder` still has it.
    func releaseLease(_ name: String, holder: NodeID) async throws
}

/// A node's name: stable for the life of its process, also the name of its folder `tmp/<id>/`.
public struct NodeID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Letters, digits, `.`, `_` and `-`, 1 to 64 of them, not `.` or `..` (it names a folder).
    public init?(_ raw: String) {
        let allowed = raw.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
        guard allowed, (1...64).contains(raw.utf8.count), raw != ".", raw != ".." else { return nil }
        rawValue = raw
    }

    /// A name read back from the store, which only ever holds names `init?` accepted.
    public init(unchecked raw: String) { rawValue = raw }

    /// `hostname-pid`, with characters a node id cannot have turned into `-`: unique among the
    /// processes running at one time, and a restarted container (pid 1 again) is the same node.
    public static func `default`(hostname: String, pid: Int32) -> NodeID {
        NodeID("\(hostPart(hostname))-\(pid)") ?? NodeID("node-\(pid)")!
    }

    /// The pid in a default id made on this host (`hostname-pid`), else nil: a node of this host
    /// whose process is gone is known dead at once (a restart gets a new pid, hence a new id).
    public func defaultIDPid(onHost hostname: String) -> Int32? {
        let prefix = Self.hostPart(hostname) + "-"
        guard rawValue.hasPrefix(prefix) else { return nil }
        let digits = rawValue.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int32(digits)
    }

    static func hostPart(_ hostname: String) -> String {
        let host = String(hostname.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "-" }.prefix(48))
        return host.isEmpty || host == "." || host == ".." ? "node" : host
    }

    public var description: String { rawValue }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
}

/// What a node writes about itself.
public struct NodeInfo: Sendable, Equatable {
    public var id: NodeID
    /// Where it serves S3 (as configured), for people reading the node list.
    public var address: String
    public var started: Date

    public init(id: NodeID, address: String, started: Date) {
        self.id = id
        self.address = address
        self.started = started
    }
}

/// A node row as read back.
public struct NodeStatus: Sendable, Equatable {
    public var info: NodeInfo
    /// Seconds since its last heartbeat, by the store's clock.
    public var heartbeatAge: Double

    public init(info: NodeInfo, heartbeatAge: Double) {
        self.info = info
        self.heartbeatAge = heartbeatAge
    }
}
