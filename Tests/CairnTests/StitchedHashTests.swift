import CairnHashing
import CairnModel
import Crypto
import Foundation
import Testing

/// The stitched MD5 + SHA-256 loop against swift-crypto: every length around the 64-byte block and
/// the padding cut (55/56 bytes), unaligned starts, and streams split at odd points so that updates
/// start and end inside a block.
@Suite("Stitched MD5 + SHA-256")
struct StitchedHashTests {
    static let data: [UInt8] = {
        var g = SystemRandomNumberGenerator()
        return (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &g) }
    }()

    /// On a CPU with the SHA extensions the stitched path must be the one taken, or these tests
    /// would compare swift-crypto with itself.
    @Test("Taken where the CPU has the SHA extensions")
    func taken() throws {
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let hasSHA = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: " ").contains("sha_ni") ?? false
        #expect(BodyHasher(sha256: true, checksum: nil).isStitched == hasSHA)
        #endif
        #expect(!BodyHasher(sha256: false, checksum: nil).isStitched)
        #expect(!BodyHasher(sha256: true, checksum: nil, allowStitched: false).isStitched)
    }

    static func expected(_ bytes: ArraySlice<UInt8>) -> (String, String) {
        (Hex.encode(Array(Insecure.MD5.hash(data: bytes))), Hex.encode(Array(SHA256.hash(data: bytes))))
    }

    static func stitched(_ bytes: ArraySlice<UInt8>, splits: [Int]) -> (String, String) {
        var h = BodyHasher(sha256: true, checksum: .crc32)
        var offset = bytes.startIndex
        var i = 0
        while offset < bytes.endIndex {
            let n = min(splits.isEmpty ? bytes.count : splits[i % splits.count], bytes.endIndex - offset)
            bytes[offset..<(offset + n)].withUnsafeBytes { h.update($0) }
            offset += n
            i += 1
        }
        let d = h.finalize()
        return (Hex.encode(d.md5), Hex.encode(d.sha256!))
    }

    /// Without the SHA extensions the comparisons below would be swift-crypto against itself.
    static let stitchedHere = BodyHasher(sha256: true, checksum: nil).isStitched

    @Test("Known answers", .enabled(if: stitchedHere))
    func knownAnswers() {
        let empty = Self.stitched([], splits: [])
        #expect(empty.0 == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(empty.1 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let abc = Self.stitched(ArraySlice("abc".utf8), splits: [])
        #expect(abc.0 == "900150983cd24fb0d6963f7d28e17f72")
        #expect(abc.1 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("Every length up to three blocks, at unaligned starts", .enabled(if: stitchedHere))
    func lengths() {
        for length in 0...200 {
            for start in [0, 1, 7] {
                let slice = Self.data[start..<(start + length)]
                let got = Self.stitched(slice, splits: [])
                let want = Self.expected(slice)
                #expect(got == want, "length \(length) start \(start)")
            }
        }
    }

    @Test("Streams split inside blocks", .enabled(if: stitchedHere))
    func splits() {
        for splits in [[1], [63], [64], [65], [13, 100, 7], [4096, 1], [55, 56, 57]] {
            for length in [1000, 4097, 65_536 + 55] {
                let slice = Self.data[3..<(3 + length)]
                #expect(Self.stitched(slice, splits: splits) == Self.expected(slice), "length \(length) splits \(splits)")
            }
        }
    }

    @Test("The checksum and size beside the stitched pair are unchanged", .enabled(if: stitchedHere))
    func extras() {
        var a = BodyHasher(sha256: true, checksum: .crc32)
        var b = BodyHasher(sha256: true, checksum: .crc32, allowStitched: false)
        Self.data.withUnsafeBytes { a.update($0); b.update($0) }
        let (x, y) = (a.finalize(), b.finalize())
        #expect(x.md5 == y.md5 && x.sha256 == y.sha256 && x.checksum == y.checksum && x.size == y.size)
    }
}
