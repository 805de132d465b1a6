import CCairnHashing
import CairnModel
import Crypto
import Foundation

/// Computes, in one pass over a streamed body, everything a request needs: MD5 (the ETag),
/// SHA-256 when the payload is signed, and the one additional checksum the client asked for.
/// Nothing is buffered: `update` hashes the bytes it is given and forgets them.
///
/// MD5 and SHA-256 together go through the stitched C loop (`cairn_md5_sha256_*`) where the CPU
/// has the SHA extensions: the pair then costs about what MD5 costs alone.
public struct BodyHasher: @unchecked Sendable {  // hash states are plain values
    private var md5 = Insecure.MD5()
    private var sha256: SHA256?
    private var stitched = cairn_md5_sha256()
    /// Whether MD5 and SHA-256 run in the stitched loop rather than through swift-crypto.
    public let isStitched: Bool
    private var extra: ChecksumState?
    public private(set) var byteCount: Int64 = 0

    /// `allowStitched: false` forces swift-crypto for both (tests compare the two paths).
    public init(sha256: Bool, checksum: ChecksumAlgorithm?, allowStitched: Bool = true) {
        isStitched = sha256 && allowStitched && cairn_have_sha_ni() != 0
        if isStitched {
            cairn_md5_sha256_init(&stitched)
        } else {
            self.sha256 = sha256 ? SHA256() : nil
        }
        self.extra = checksum.map(ChecksumState.init)
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
        extra?.update(bytes)
        byteCount += Int64(bytes.count)
    }

    public func finalize() -> BodyDigests {
        let checksum = extra?.finalize()
        guard isStitched else {
            return BodyDigests(md5: Array(md5.finalize()), sha256: sha256.map { Array($0.finalize()) },
                               checksum: checksum, size: byteCount)
        }
        var state = stitched
        var md5 = [UInt8](repeating: 0, count: 16)
        var sha = [UInt8](repeating: 0, count: 32)
        cairn_md5_sha256_final(&state, &md5, &sha)
        return BodyDigests(md5: md5, sha256: sha, checksum: checksum, size: byteCount)
    }
}

/// What `BodyHasher` found.
public struct BodyDigests: Sendable {
    public var md5: [UInt8]
    public var sha256: [UInt8]?
    public var checksum: Checksum?
    public var size: Int64
    public var etag: ETag { ETag(md5: md5) }
}

/// Running state of one additional checksum.
public struct ChecksumState: @unchecked Sendable {  // hash states are plain values
    public let algorithm: ChecksumAlgorithm
    private var crc32: UInt32 = 0
    private var crc64: UInt64 = 0
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256?

    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        if algorithm == .sha1 { sha1 = Insecure.SHA1() }
        if algorithm == .sha256 { sha256 = SHA256() }
    }

    public mutating func update(_ b: UnsafeRawBufferPointer) {
        guard let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        switch algorithm {
        case .crc32: crc32 = cairn_crc32(crc32, base, b.count)
        case .crc32c: crc32 = cairn_crc32c(crc32, base, b.count)
        case .crc64nvme: crc64 = cairn_crc64nvme(crc64, base, b.count)
        case .sha1: sha1!.update(bufferPointer: b)
        case .sha256: sha256!.update(bufferPointer: b)
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public func digest() -> [UInt8] {
        switch algorithm {
        case .crc32, .crc32c: return withUnsafeBytes(of: crc32.bigEndian) { Array($0) }
        case .crc64nvme: return withUnsafeBytes(of: crc64.bigEndian) { Array($0) }
        case .sha1: return Array(sha1!.finalize())
        case .sha256: return Array(sha256!.finalize())
        }
    }

    public func finalize() -> Checksum {
        Checksum(algorithm, base64: Data(digest()).base64EncodedString())
    }
}
