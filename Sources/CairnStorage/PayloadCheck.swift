import CairnHashing
import CairnModel

/// What the request promised about its body, checked after the last byte and before anything is
/// committed: a failed check leaves nothing stored.
public protocol PayloadCheck: Sendable {
    /// Which digests the check needs computed during the pass.
    var needsSHA256: Bool { get }
    /// The checksum the request sent or named (verified, and stored unless `storedAlgorithm` differs).
    var checksumAlgorithm: ChecksumAlgorithm? { get }
    /// The checksum the stored part or object keeps; usually `checksumAlgorithm`, but a part of a
    /// multipart upload created without an algorithm keeps CRC64NVME whatever the part was sent with.
    var storedAlgorithm: ChecksumAlgorithm? { get }
    func verify(_ digests: BodyDigests) throws
}

extension PayloadCheck {
    public var storedAlgorithm: ChecksumAlgorithm? { checksumAlgorithm }
}

extension BodyDigests {
    /// The checksum to store under `check`'s rules.
    public func stored(_ check: any PayloadCheck) -> Checksum? {
        check.storedAlgorithm.flatMap { checksum($0) }
    }
}

/// No promise at all (internal copies).
public struct NoPayloadCheck: PayloadCheck {
    public init() {}
    public var needsSHA256: Bool { false }
    public var checksumAlgorithm: ChecksumAlgorithm? { nil }
    public func verify(_ digests: BodyDigests) throws {}
}
