import CairnHashing
import CairnModel
import Testing

/// The folding (PCLMULQDQ) and table paths of the CRC kernels against bit-at-a-time references,
/// over lengths around every threshold (16-byte lanes, 64-byte blocks, the 256-byte fold cut-in),
/// unaligned starts, and streams split at odd points so each update resumes a running value.
@Suite("CRC kernels")
struct CRCKernelTests {
    static func bitwise(_ bytes: ArraySlice<UInt8>, poly: UInt64, width: Int) -> UInt64 {
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        var c = mask
        for b in bytes {
            c ^= UInt64(b)
            for _ in 0..<8 { c = (c >> 1) ^ ((c & 1) != 0 ? poly : 0) }
        }
        return ~c & mask
    }

    static func reference(_ a: ChecksumAlgorithm, _ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let v: UInt64
        switch a {
        case .crc32: v = bitwise(bytes, poly: 0xEDB8_8320, width: 32)
        case .crc32c: v = bitwise(bytes, poly: 0x82F6_3B78, width: 32)
        default: v = bitwise(bytes, poly: 0x9A6C_9329_AC4B_C9B5, width: 64)
        }
        let width = a == .crc64nvme ? 8 : 4
        return (0..<width).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * (width - 1 - $0))) }
    }

    static let data: [UInt8] = {
        var g = SystemRandomNumberGenerator()
        return (0..<9000).map { _ in UInt8.random(in: 0...255, using: &g) }
    }()

    @Test("One update equals the reference", arguments: [ChecksumAlgorithm.crc32, .crc32c, .crc64nvme])
    func oneUpdate(_ a: ChecksumAlgorithm) {
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 271, 319, 320, 333, 1024, 4099, 8191] {
            for start in [0, 1, 3, 8] {
                let slice = Self.data[start..<(start + length)]
                var st = ChecksumState(a)
                slice.withUnsafeBytes { st.update($0) }
                #expect(st.digest() == Self.reference(a, slice), "length \(length) start \(start)")
            }
        }
    }

    @Test("Updates at odd split points resume the running value", arguments: [ChecksumAlgorithm.crc32, .crc64nvme])
    func splitUpdates(_ a: ChecksumAlgorithm) {
        let expected = Self.reference(a, Self.data[...])
        for cut in [[7, 300, 1000], [256, 256, 256], [1, 2, 4000], [299, 5000, 3000]] {
            var st = ChecksumState(a)
            var at = 0
            for n in cut + [Self.data.count - cut.reduce(0, +)] {
                Self.data[at..<(at + n)].withUnsafeBytes { st.update($0) }
                at += n
            }
            #expect(st.digest() == expected, "cuts \(cut)")
        }
    }
}
