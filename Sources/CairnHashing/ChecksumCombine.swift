import CCairnHashing
import CairnModel
import Crypto
import Foundation

/// Whole-object checksums of multipart uploads, computed from the parts' checksums alone.
public enum ChecksumCombine {
    /// FULL_OBJECT: the CRC of the whole object, combined from each part's CRC and size.
    /// Only the CRC algorithms can be combined; nil for the hashes (SHA*, MD5, XXHASH*).
    public static func fullObject(_ algorithm: ChecksumAlgorithm, parts: [(checksum: [UInt8], size: Int64)]) -> [UInt8]? {
        let (poly, width): (UInt64, Int32)
        switch algorithm {
        case .crc32: (poly, width) = (0xEDB8_8320, 32)
        case .crc32c: (poly, width) = (0x82F6_3B78, 32)
        case .crc64nvme: (poly, width) = (0x9A6C_9329_AC4B_C9B5, 64)
        case .sha1, .sha256, .sha512, .md5, .xxhash64, .xxhash3, .xxhash128: return nil
        }
        let crcs = parts.map { p in p.checksum.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let lengths = parts.map { UInt64($0.size) }
        let crc = cairn_crc_combine_parts(crcs, lengths, crcs.count, poly, width)
        let bytes = withUnsafeBytes(of: crc.bigEndian) { Array($0) }
        return width == 32 ? Array(bytes.suffix(4)) : bytes
    }

    /// COMPOSITE: the checksum of the concatenated binary part checksums, then "-N".
    public static func composite(_ algorithm: ChecksumAlgorithm, parts: [[UInt8]]) -> String {
        var state = ChecksumState(algorithm)
        for p in parts { state.update(p) }
        return "\(Data(state.digest()).base64EncodedString())-\(parts.count)"
    }
}
