import CairnHashing
import CairnModel

/// What the request promised about its body, checked after the last byte and before anything is
/// committed: a failed check leaves nothing stored.
public protocol PayloadCheck: Sendable {
    /// Which digests the check needs computed during the pass.
    var needsSHA256: Bool { get }
    var checksumAlgorithm: ChecksumAlgorithm? { get }
    func verify(_ digests: BodyDigests) throws
}

/// No promise at all (internal copies).
public struct NoPayloadCheck: PayloadCheck {
    public init() {}
    public var needsSHA256: Bool { false }
    public var checksumAlgorithm: ChecksumAlgorithm? { nil }
    public func verify(_ digests: BodyDigests) throws {}
}
