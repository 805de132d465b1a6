import CairnStorage
import CairnStorageFS
import Foundation
import NIOCore
import Testing

/// Blob files round-trip byte for byte through the direct-I/O writer and through buffered writes
/// (`--buffered-writes`, and what filesystems without O_DIRECT get), whatever the sizes of the
/// buffers the body arrives in: around the 4 KiB block and the 1 MiB staging buffer, and empty.
@Suite("File blob store")
struct FileBlobStoreTests {
    static let modes = [true, false]  // direct writes, buffered writes
    static let lengths = [0, 1, 4095, 4096, 4097, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345]
    static let source: [UInt8] = {
        var rng = SystemRandomNumberGenerator()
        var words = (0..<((lengths.max()! + 7) / 8)).map { _ in rng.next() as UInt64 }
        return words.withUnsafeMutableBytes { Array($0) }
    }()

    func roundTrip(direct: Bool, length: Int, pieces: [Int]) async throws {
        let dir = "\(NSTemporaryDirectory())/cairn-blobtest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FileBlobStore(root: dir, directWrites: direct)
        let data = Array(Self.source[0..<length])
        let writer = try await store.makeWriter()
        var at = 0, i = 0
        while at < length {
            let n = min(pieces[i % pieces.count], length - at)
            try await writer.write(ByteBuffer(bytes: data[at..<(at + n)]))
            at += n
            i += 1
        }
        let id = try await writer.commit()
        var back: [UInt8] = []
        for try await chunk in store.read(BlobSegment(blob: id, offset: 0, length: Int64(length))) {
            back.append(contentsOf: chunk.readableBytesView)
        }
        #expect(back == data, "direct \(direct) length \(length) pieces \(pieces)")
        let size = try FileManager.default.attributesOfItem(atPath: "\(dir)/blobs/\(id.rawValue.prefix(2))/\(id.rawValue)")[.size] as? Int
        #expect(size == length)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpDir).isEmpty)
    }

    @Test("Written bytes read back exactly, in any piece sizes", arguments: modes)
    func roundTrips(_ direct: Bool) async throws {
        for length in Self.lengths {
            for pieces in [[65536], [1000, 7, 300_000], [1 << 20], [(1 << 20) + 3, 5]] {
                try await roundTrip(direct: direct, length: length, pieces: pieces)
            }
        }
    }

    @Test("An aborted blob leaves no file behind", arguments: modes)
    func abortCleans(_ direct: Bool) async throws {
        let dir = "\(NSTemporaryDirectory())/cairn-blobtest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FileBlobStore(root: dir, directWrites: direct)
        let writer = try await store.makeWriter()
        try await writer.write(ByteBuffer(repeating: 7, count: 3 << 20))
        await writer.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpDir).isEmpty)
        #expect(try await store.allBlobs().isEmpty)
    }
}
