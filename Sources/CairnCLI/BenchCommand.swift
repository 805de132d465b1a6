import ArgumentParser
import CairnHashing
import CairnModel
import Crypto
import Foundation

/// `cairn bench-hashes`: the cost of each hash on this machine, alone and in the one-pass
/// `BodyHasher` the server runs for a botocore PUT over HTTP (MD5 + SHA-256 + CRC32), both stitched
/// and with each hash in turn. The server's CPU seconds per GB are compared against these figures
/// in BENCHMARKS.md.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-hashes",
        abstract: "Measure hash throughput on this machine (MB/s and CPU seconds per GB).")

    @Option(help: "MiB hashed per measurement.")
    var mib: Int = 512

    func run() throws {
        let chunk = [UInt8]((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let total = Double(mib) * 1_048_576
        func measure(_ name: String, _ body: (UnsafeRawBufferPointer) -> Void) {
            let start = clock()
            chunk.withUnsafeBytes { raw in for _ in 0..<mib { body(raw) } }
            let cpu = Double(clock() - start) / Double(CLOCKS_PER_SEC)
            let perGB = cpu / (total / 1e9)
            let label = name.padding(toLength: 30, withPad: " ", startingAt: 0)
            print(label + String(format: " %8.0f MB/s  %6.2f CPU-s/GB", total / 1e6 / cpu, perGB))
        }
        var md5 = Insecure.MD5()
        measure("MD5") { md5.update(bufferPointer: $0) }
        var sha = SHA256()
        measure("SHA-256") { sha.update(bufferPointer: $0) }
        // Every other additional checksum alone (MD5 and SHA-256 are the two lines above).
        for alg in ChecksumAlgorithm.allCases where alg != .md5 && alg != .sha256 {
            var s = ChecksumState(alg)
            measure(alg.rawValue) { s.update($0) }
        }
        var one = BodyHasher(sha256: true, checksum: .crc32)
        measure(one.isStitched ? "MD5+SHA-256 stitched + CRC32" : "one pass MD5+SHA-256+CRC32") { one.update($0) }
        var separate = BodyHasher(sha256: true, checksum: .crc32, allowStitched: false)
        measure("MD5, SHA-256, CRC32 in turn") { separate.update($0) }
        // A part of a multipart upload created without an algorithm: boto3 sends CRC32, the part
        // keeps the default CRC64NVME, both in the one pass.
        var defaulted = BodyHasher(sha256: true, checksums: [.crc32, .crc64nvme])
        measure("... + CRC64NVME (default)") { defaulted.update($0) }
        // An MD5 checksum is the ETag's digest: the pass costs what it costs without it.
        var md5Checksum = BodyHasher(sha256: false, checksum: .md5)
        measure("MD5 + MD5 checksum (shared)") { md5Checksum.update($0) }
        _ = (md5.finalize(), sha.finalize(), one.finalize(), separate.finalize(), defaulted.finalize(), md5Checksum.finalize())
        // The at-rest cipher: AES-256-GCM over 64 KiB chunks, as EncryptingBlobWriter seals them.
        let key = SymmetricKey(size: .bits256)
        let nonce = AES.GCM.Nonce()
        var sealedBytes = 0
        measure("AES-256-GCM seal, 64 KiB") { raw in
            var offset = 0
            while offset < raw.count {
                let n = min(65536, raw.count - offset)
                let box = try! AES.GCM.seal(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]), using: key, nonce: nonce)
                sealedBytes &+= box.ciphertext.count
                offset += n
            }
        }
    }
}
