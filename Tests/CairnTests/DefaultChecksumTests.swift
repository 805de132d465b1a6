@testable import CairnStorage
import CairnHashing
import CairnModel
import Foundation
import Testing

/// CompleteMultipartUpload's object checksum for uploads created without an algorithm: S3's
/// default CRC64NVME FULL_OBJECT, combined from the parts' CRC64NVMEs.
@Suite("Default multipart checksum")
struct DefaultChecksumTests {
    static let bodies: [[UInt8]] = [Array(repeating: 7, count: 3000), Array("the tail".utf8)]

    func upload(_ algorithm: ChecksumAlgorithm? = nil, _ type: ChecksumType? = nil) -> UploadRecord {
        UploadRecord(uploadID: UploadID("u"), bucket: BucketName(unchecked: "b"), key: ObjectKey(unchecked: "k"), initiated: Date(),
                     owner: Owner(id: "o", displayName: "o"), headers: ObjectHeaders(), checksumAlgorithm: algorithm, checksumType: type)
    }

    func parts(_ algorithm: ChecksumAlgorithm) -> [PartRecord] {
        Self.bodies.enumerated().map { i, b in
            var s = ChecksumState(algorithm)
            s.update(b)
            return PartRecord(uploadID: UploadID("u"), partNumber: i + 1, size: Int64(b.count), etag: ETag("e"), lastModified: Date(),
                              blob: BlobID("b\(i)"), checksum: s.finalize())
        }
    }

    var wholeCRC64: Checksum {
        var s = ChecksumState(.crc64nvme)
        s.update(Self.bodies.flatMap { $0 })
        return s.finalize()
    }

    @Test("An upload without an algorithm gets the whole object's CRC64NVME, FULL_OBJECT")
    func defaultIsFullObjectCRC64NVME() throws {
        let u = upload()
        #expect(u.objectChecksumAlgorithm == .crc64nvme && u.objectChecksumType == .fullObject)
        #expect(try Storage.objectChecksum(u, parts(.crc64nvme), expected: nil) == wholeCRC64)
        #expect(try Storage.objectChecksum(u, parts(.crc64nvme), expected: wholeCRC64) == wholeCRC64)
    }

    @Test("A whole-object value of another algorithm on a default upload is InvalidRequest")
    func otherAlgorithmCannotBeVerified() {
        #expect(throws: S3Error.self) {
            try Storage.objectChecksum(upload(), parts(.crc64nvme), expected: Checksum(.crc32, base64: "AAAAAA=="))
        }
    }

    @Test("Parts stored before the default (no CRC64NVME) complete without an object checksum")
    func legacyPartsGiveNone() throws {
        #expect(try Storage.objectChecksum(upload(), parts(.crc32), expected: nil) == nil)
        #expect(throws: S3Error.self) { try Storage.objectChecksum(upload(), parts(.crc32), expected: wholeCRC64) }
    }

    @Test("An XXHASH128 upload is COMPOSITE: the hash of the binary part hashes, then -2")
    func compositeXXHash() throws {
        let ps = parts(.xxhash128)
        var s = ChecksumState(.xxhash128)
        for p in ps { s.update(Array(Data(base64Encoded: p.checksum!.base64)!)) }
        let expected = Checksum(.xxhash128, base64: "\(Data(s.digest()).base64EncodedString())-2")
        #expect(try Storage.objectChecksum(upload(.xxhash128, .composite), ps, expected: nil) == expected)
    }
}
