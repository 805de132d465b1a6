import CairnHashing
import CairnModel
import Foundation
import Testing

@Suite("Multipart checksums from part checksums")
struct ChecksumCombineTests {
    func crc(_ a: ChecksumAlgorithm, _ data: [UInt8]) -> [UInt8] {
        var s = ChecksumState(a)
        s.update(data)
        return s.digest()
    }

    @Test("FULL_OBJECT equals the CRC of the whole data", arguments: [ChecksumAlgorithm.crc32, .crc32c, .crc64nvme])
    func fullObject(_ a: ChecksumAlgorithm) {
        let parts: [[UInt8]] = [Array(repeating: 1, count: 1000), (0..<4097).map { UInt8($0 & 255) }, [9], []]
        let combined = ChecksumCombine.fullObject(a, parts: parts.map { (crc(a, $0), Int64($0.count)) })
        #expect(combined == crc(a, parts.flatMap { $0 }))
    }

    @Test("COMPOSITE is the checksum of the concatenated part checksums, then -N")
    func composite() {
        let parts: [[UInt8]] = [Array("abc".utf8), Array("defg".utf8)]
        let raw = parts.map { crc(.sha256, $0) }
        let expected = Data(crc(.sha256, raw.flatMap { $0 })).base64EncodedString() + "-2"
        #expect(ChecksumCombine.composite(.sha256, parts: raw) == expected)
    }
}
