import CXXHash

/// A streaming xxHash state from libxxhash: XXH64, XXH3 (64-bit) or XXH3 (128-bit), seed 0 as
/// botocore/awscrt use. Digests are the canonical (big-endian) forms S3 base64-encodes; for
/// XXH3-128 that is the high 64 bits first.
///
/// A class because libxxhash wants its states from `XXH*_createState` (XXH3's needs 64-byte
/// alignment, which a Swift stored value cannot promise) and they must be freed once.
final class XXHashState: @unchecked Sendable {  // used by one hashing pass at a time
    enum Kind { case xxh64, xxh3_64, xxh3_128 }
    let kind: Kind
    private let xxh64: OpaquePointer?
    private let xxh3: OpaquePointer?

    init(_ kind: Kind) {
        self.kind = kind
        switch kind {
        case .xxh64:
            xxh64 = XXH64_createState()
            xxh3 = nil
            _ = XXH64_reset(xxh64, 0)
        case .xxh3_64:
            xxh64 = nil
            xxh3 = XXH3_createState()
            _ = XXH3_64bits_reset(xxh3)
        case .xxh3_128:
            xxh64 = nil
            xxh3 = XXH3_createState()
            _ = XXH3_128bits_reset(xxh3)
        }
        precondition(xxh64 != nil || xxh3 != nil, "libxxhash could not allocate a state")
    }

    deinit {
        if let xxh64 { _ = XXH64_freeState(xxh64) }
        if let xxh3 { _ = XXH3_freeState(xxh3) }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        switch kind {
        case .xxh64: _ = XXH64_update(xxh64, bytes.baseAddress, bytes.count)
        case .xxh3_64: _ = XXH3_64bits_update(xxh3, bytes.baseAddress, bytes.count)
        case .xxh3_128: _ = XXH3_128bits_update(xxh3, bytes.baseAddress, bytes.count)
        }
    }

    /// The digest so far (the state stays usable: libxxhash's digest functions do not consume it).
    func digest() -> [UInt8] {
        switch kind {
        case .xxh64: return Self.bigEndian(XXH64_digest(xxh64))
        case .xxh3_64: return Self.bigEndian(XXH3_64bits_digest(xxh3))
        case .xxh3_128:
            let h = XXH3_128bits_digest(xxh3)
            return Self.bigEndian(h.high64) + Self.bigEndian(h.low64)
        }
    }

    private static func bigEndian(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
}
