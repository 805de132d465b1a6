import CCairnHashing
import CairnModel
import Crypto
import Foundation

/// Computes, in one pass over a streamed body, everything a request needs: MD5 (the ETag),
/// SHA-256 when the payload is signed, and the additional checksums asked for (the one the client
/// sent, and the one stored when that differs, e.g. a multipart upload's default CRC64NVME).
/// Nothing is buffered: `update` hashes the bytes it is given and forgets them.
///
/// MD5 and SHA-256 together go through the stitched C loop (`cairn_md5_sha256_*`) where the CPU
/// has the SHA extensions: the pair then costs about what MD5 costs alone. An MD5 checksum is the
/// ETag's MD5: it is taken from that digest, never hashed a second time.
public struct BodyHasher: @unchecked Sendable {  // hash states are plain values
    private var md5 = Insecure.MD5()
    private var sha256: SHA256?
    private var stitched = cairn_md5_sha256()
    /// Whether MD5 and SHA-256 run in the stitched loop rather than through swift-crypto.
    public let isStitched: Bool
    private var extra: [ChecksumState]
    /// Which checksums `finalize` reports, in the order asked (MD5 among them has no own state).
    private let algorithms: [ChecksumAlgorithm]
    public private(set) var byteCount: Int64 = 0

    /// `allowStitched: false` forces swift-crypto for both (tests compare the two paths).
    public init(sha256: Bool, checksum: ChecksumAlgorithm?, allowStitched: Bool = true) {
        self.init(sha256: sha256, checksums: checksum.map { [$0] } ?? [], allowStitched: allowStitched)
    }

    /// `checksums`: each computed once however often it is named; the first is `BodyDigests.checksum`.
    public init(sha256: Bool, checksums: [ChecksumAlgorithm], allowStitched: Bool = true) {
        isStitched = sha256 && allowStitched && cairn_have_sha_ni() != 0
        if isStitched {
            cairn_md5_sha256_init(&stitched)
        } else {
            self.sha256 = sha256 ? SHA256() : nil
        }
        var unique: [ChecksumAlgorithm] = []
        for a in checksums where !unique.contains(a) { unique.append(a) }
        algorithms = unique
        extra = unique.filter { $0 != .md5 }.map(ChecksumState.init)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if isStitched {
            if let base = bytes.baseAddress {
                cairn_md5_sha256_update(&stitched, base.assumingMemoryBound(to: UInt8.self), bytes.count)
            }
        } else {
            md5.update(bufferPointer: bytes)
            sha256?.update(bufferPointer: bytes)
        }
        for i in extra.indices { extra[i].update(bytes) }
        byteCount += Int64(bytes.count)
    }

    public func finalize() -> BodyDigests {
        var md5Digest: [UInt8]
        var shaDigest: [UInt8]?
        if isStitched {
            var state = stitched
            md5Digest = [UInt8](repeating: 0, count: 16)
            var sha = [UInt8](repeating: 0, count: 32)
            cairn_md5_sha256_final(&state, &md5Digest, &sha)
            shaDigest = sha
        } else {
            md5Digest = Array(md5.finalize())
            shaDigest = sha256.map { Array($0.finalize()) }
        }
        let checksums = algorithms.map { a in
            a == .md5 ? Checksum(.md5, base64: Data(md5Digest).base64EncodedString())
                      : extra.first { $0.algorithm == a }!.finalize()
        }
        return BodyDigests(md5: md5Digest, sha256: shaDigest, checksums: checksums, size: byteCount)
    }
}

/// What `BodyHasher` found.
public struct BodyDigests: Sendable {
    public var md5: [UInt8]
    public var sha256: [UInt8]?
    /// The additional checksums, in the order the hasher was asked for them.
    public var checksums: [Checksum]
    public var size: Int64
    public var etag: ETag { ETag(md5: md5) }

    public init(md5: [UInt8], sha256: [UInt8]?, checksums: [Checksum], size: Int64) {
        self.md5 = md5
        self.sha256 = sha256
        self.checksums = checksums
        self.size = size
    }

    /// The first checksum asked for: the one the request sent or named.
    public var checksum: Checksum? { checksums.first }

    /// The value computed for `algorithm`, if it was asked for.
    public func checksum(_ algorithm: ChecksumAlgorithm) -> Checksum? {
        checksums.first { $0.algorithm == algorithm }
    }
}

/// Running state of one additional checksum.
///
/// A value, except that the xxHash states live in a shared `XXHashState` object: a copy must not
/// be updated alongside its original (the hashing passes never do; `digest()` does not consume).
public struct ChecksumState: @unchecked Sendable {  // hash states are plain values
    public let algorithm: ChecksumAlgorithm
    private var crc32: UInt32 = 0
    private var crc64: UInt64 = 0
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256?
    private var sha512: SHA512?
    private var md5: Insecure.MD5?
    private var xxhash: XXHashState?

    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .crc32, .crc32c, .crc64nvme: break
        case .sha1: sha1 = Insecure.SHA1()
        case .sha256: sha256 = SHA256()
        case .sha512: sha512 = SHA512()
        case .md5: md5 = Insecure.MD5()
        case .xxhash64: xxhash = XXHashState(.xxh64)
        case .xxhash3: xxhash = XXHashState(.xxh3_64)
        case .xxhash128: xxhash = XXHashState(.xxh3_128)
        }
    }

    public mutating func update(_ b: UnsafeRawBufferPointer) {
        guard let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        switch algorithm {
        case .crc32: crc32 = cairn_crc32(crc32, base, b.count)
        case .crc32c: crc32 = cairn_crc32c(crc32, base, b.count)
        case .crc64nvme: crc64 = cairn_crc64nvme(crc64, base, b.count)
        case .sha1: sha1!.update(bufferPointer: b)
        case .sha256: sha256!.update(bufferPointer: b)
        case .sha512: sha512!.update(bufferPointer: b)
        case .md5: md5!.update(bufferPointer: b)
        case .xxhash64, .xxhash3, .xxhash128: xxhash!.update(b)
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The big-endian binary digest (what S3 base64-encodes).
    public func digest() -> [UInt8] {
        switch algorithm {
        case .crc32, .crc32c: return withUnsafeBytes(of: crc32.bigEndian) { Array($0) }
        case .crc64nvme: return withUnsafeBytes(of: crc64.bigEndian) { Array($0) }
        case .sha1: return Array(sha1!.finalize())
        case .sha256: return Array(sha256!.finalize())
        case .sha512: return Array(sha512!.finalize())
        case .md5: return Array(md5!.finalize())
        case .xxhash64, .xxhash3, .xxhash128: return xxhash!.digest()
        }
    }

    public func finalize() -> Checksum {
        Checksum(algorithm, base64: Data(digest()).base64EncodedString())
    }
}
