import CairnHashing
import CairnModel
import Crypto
import Foundation

extension Hex {
    static func sha256(_ bytes: [UInt8]) -> String { encode(SHA256.hash(data: bytes)) }
}

/// MD5 and one optional checksum over a file range, read in bounded buffers.
public struct FileDigest: Sendable {
    public var md5: [UInt8]
    public var checksum: Checksum?

    public var md5Base64: String { Data(md5).base64EncodedString() }
    public var md5Hex: String { Hex.encode(md5) }

    /// The digest of bytes in memory (a part read from stdin).
    public static func of(_ bytes: [UInt8], checksum: ChecksumAlgorithm?) -> FileDigest {
        var hasher = BodyHasher(sha256: false, checksum: checksum)
        bytes.withUnsafeBytes { hasher.update($0) }
        let d = hasher.finalize()
        return FileDigest(md5: d.md5, checksum: d.checksum)
    }

    public static func compute(path: String, offset: Int64 = 0, length: Int64, checksum: ChecksumAlgorithm? = nil) throws -> FileDigest {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ClientFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = BodyHasher(sha256: false, checksum: checksum)
        let chunk = 1 << 20
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buf.deallocate() }
        var pos = offset
        let end = offset + length
        while pos < end {
            let n = pread(fd, buf.baseAddress, Int(min(Int64(chunk), end - pos)), off_t(pos))
            guard n > 0 else { throw ClientFailure("read error on \(path)") }
            hasher.update(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
            pos += Int64(n)
        }
        let d = hasher.finalize()
        return FileDigest(md5: d.md5, checksum: d.checksum)
    }
}
