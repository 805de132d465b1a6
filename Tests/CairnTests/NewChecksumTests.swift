import CairnHashing
import CairnModel
import Foundation
import Testing

/// SHA512, MD5, XXHASH64, XXHASH3 and XXHASH128: known answers from Python's hashlib and awscrt's
/// `checksums.XXHash` (what botocore computes), seed 0, big-endian digests.
@Suite("Checksums SHA512 MD5 XXHASH")
struct NewChecksumTests {
    func hex(_ a: ChecksumAlgorithm, _ bytes: [UInt8]) -> String {
        var st = ChecksumState(a)
        st.update(bytes)
        return Hex.encode(st.digest())
    }

    /// 100,003 bytes, (i * 31 + 7) mod 256: longer than every internal block and stripe size.
    static let big: [UInt8] = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    static let bigBase64: [ChecksumAlgorithm: String] = [
        .sha512: "l6UK38tmn5gDSAj10lCzLuWx9eQE3uhg6lixAIqA6ZdRog2w2YG1YB8RFwUXV8656RIxCD0sfxnq+mLE89+/VQ==",
        .md5: "k0Of6lOeSrBCQQB++Fq7OQ==",
        .xxhash64: "wzPAv/b579s=",
        .xxhash3: "4JUOZs8Qf+g=",
        .xxhash128: "y169NPclLxnglQ5mzxB/6A==",
    ]

    @Test("Empty input and \"abc\"")
    func shortVectors() {
        let abc = Array("abc".utf8)
        #expect(hex(.sha512, []) == "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
        #expect(hex(.sha512, abc) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(hex(.md5, []) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(.md5, abc) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex(.xxhash64, []) == "ef46db3751d8e999")
        #expect(hex(.xxhash64, abc) == "44bc2cf5ad770999")
        #expect(hex(.xxhash3, []) == "2d06800538d394c2")
        #expect(hex(.xxhash3, abc) == "78af5f94892f3950")
        #expect(hex(.xxhash128, []) == "99aa06d3014798d86001c324468d497f")
        #expect(hex(.xxhash128, abc) == "06b05ab6733a618578af5f94892f3950")
    }

    @Test("Streaming split at odd boundaries gives the one-shot value", arguments: [1, 3, 63, 64, 65, 127, 255, 1023, 4097, 65_537])
    func streamingSplits(step: Int) {
        for (alg, expected) in Self.bigBase64 {
            var hasher = BodyHasher(sha256: false, checksum: alg)
            var offset = 0
            var n = step
            while offset < Self.big.count {
                let end = min(offset + n, Self.big.count)
                Self.big[offset..<end].withUnsafeBytes { hasher.update($0) }
                offset = end
                n = n % 7 + step  // vary the piece sizes, not only their start
            }
            #expect(hasher.finalize().checksum?.base64 == expected, "\(alg) step \(step)")
        }
    }

    @Test("An MD5 checksum is the ETag's MD5, with and without the stitched SHA-256 loop")
    func md5IsTheETag() {
        for sha in [false, true] {
            var h = BodyHasher(sha256: sha, checksums: [.md5])
            Self.big.withUnsafeBytes { h.update($0) }
            let d = h.finalize()
            #expect(d.checksum == Checksum(.md5, base64: Data(d.md5).base64EncodedString()))
            #expect(d.checksum?.base64 == Self.bigBase64[.md5])
        }
    }

    @Test("Two checksums in one pass: the sent one first, the stored default next, each once")
    func twoChecksums() {
        var h = BodyHasher(sha256: true, checksums: [.crc32, .crc64nvme, .crc32])
        Array("123456789".utf8).withUnsafeBytes { h.update($0) }
        let d = h.finalize()
        #expect(d.checksums.map(\.algorithm) == [.crc32, .crc64nvme])
        #expect(d.checksum(.crc32).map { Hex.encode(Data(base64Encoded: $0.base64)!) } == "cbf43926")
        #expect(d.checksum(.crc64nvme).map { Hex.encode(Data(base64Encoded: $0.base64)!) } == "ae8b14860a799888")
        #expect(d.checksum(.sha1) == nil)
    }

    @Test("Digest lengths match the algorithms' digests")
    func digestLengths() {
        for a in ChecksumAlgorithm.allCases {
            #expect(ChecksumState(a).digest().count == a.digestLength, "\(a)")
        }
    }

    @Test("Multipart checksum types: FULL_OBJECT for the CRCs only, COMPOSITE for all but CRC64NVME")
    func typeRules() {
        let full = ChecksumAlgorithm.allCases.filter { ChecksumType.fullObject.allows($0) }
        let composite = ChecksumAlgorithm.allCases.filter { ChecksumType.composite.allows($0) }
        #expect(full == [.crc32, .crc32c, .crc64nvme])
        #expect(composite == ChecksumAlgorithm.allCases.filter { $0 != .crc64nvme })
        #expect(ChecksumAlgorithm.xxhash128.defaultMultipartType == .composite)
        #expect(ChecksumAlgorithm.crc64nvme.defaultMultipartType == .fullObject)
        #expect(ChecksumCombine.fullObject(.xxhash3, parts: [([0, 0, 0, 0, 0, 0, 0, 0], 1)]) == nil)
    }

    @Test("COMPOSITE of MD5 parts: MD5 of the concatenated part MD5s, the multipart ETag in base64")
    func md5Composite() {
        let parts: [[UInt8]] = [Array("part one".utf8), Array("part two".utf8)].map { bytes in
            var s = ChecksumState(.md5)
            s.update(bytes)
            return s.digest()
        }
        let composite = ChecksumCombine.composite(.md5, parts: parts)
        let etag = ETag.multipart(partMD5s: parts).value
        let hexPart = String(etag.prefix { $0 != "-" })
        #expect(composite == "\(Data(Hex.decode(hexPart)!).base64EncodedString())-2")
    }
}
