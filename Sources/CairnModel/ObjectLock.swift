import Foundation

/// Object Lock retention modes: GOVERNANCE can be lifted by a user allowed to bypass it;
/// COMPLIANCE by nobody, and its date can only move later.
public enum ObjectLockMode: String, Sendable, Codable {
    case governance = "GOVERNANCE"
    case compliance = "COMPLIANCE"
}

/// A version's retention: it may not be deleted before `retainUntil`.
public struct ObjectRetention: Sendable, Codable, Equatable {
    public var mode: ObjectLockMode
    public var retainUntil: Date
    public init(mode: ObjectLockMode, retainUntil: Date) {
        self.mode = mode
        self.retainUntil = retainUntil
    }

    public func isActive(at now: Date) -> Bool { retainUntil > now }
}

/// A bucket's Object Lock configuration: enabled (forever, once on) and the retention new
/// versions get when a write names none.
public struct ObjectLockConfiguration: Sendable, Codable, Equatable {
    public var enabled: Bool
    public var defaultMode: ObjectLockMode?
    public var defaultDays: Int?
    public var defaultYears: Int?

    public init(enabled: Bool = true, defaultMode: ObjectLockMode? = nil, defaultDays: Int? = nil, defaultYears: Int? = nil) {
        self.enabled = enabled
        self.defaultMode = defaultMode
        self.defaultDays = defaultDays
        self.defaultYears = defaultYears
    }

    /// The default retention of a version written at `now`, if the bucket has one.
    public func defaultRetention(from now: Date) -> ObjectRetention? {
        guard let mode = defaultMode else { return nil }
        let days = defaultDays ?? (defaultYears.map { $0 * 365 } ?? 0)
        guard days > 0 else { return nil }
        return ObjectRetention(mode: mode, retainUntil: now.addingTimeInterval(Double(days) * 86_400))
    }
}

/// A version's lock (or what a write asks for in its `x-amz-object-lock-*` headers): retention
/// and legal hold (nil: never set).
public struct ObjectLock: Sendable, Codable, Equatable {
    public var retention: ObjectRetention?
    public var legalHold: Bool?
    public init(retention: ObjectRetention? = nil, legalHold: Bool? = nil) {
        self.retention = retention
        self.legalHold = legalHold
    }
    public var isEmpty: Bool { retention == nil && legalHold == nil }

    /// Why the version may not be deleted at `now`, or nil. GOVERNANCE yields to `bypass`.
    public func deletionBlocked(at now: Date, bypassGovernance: Bool) -> String? {
        if legalHold == true { return "Object is under a legal hold" }
        guard let r = retention, r.isActive(at: now) else { return nil }
        if r.mode == .governance, bypassGovernance { return nil }
        return "Access Denied because object protected by object lock."
    }
}
