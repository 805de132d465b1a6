import CairnStorage
import CairnStorageFS
import Foundation
import NIOCore
import Testing

/// Blob files round-trip byte for byte through the direct-I/O writer (on the test machine's disk)
/// and through the buffered fallback (tmpfs refuses O_DIRECT), whatever the sizes of the buffers
/// the body arrives in: around the 4 KiB block and the 1 MiB staging buffer, and empty.
@Suite("File blob store")
struct FileBlobStoreTests {
    static let roots = ["/tmp", "/dev/shm"].filter { FileManager.default.fileExists(atPath: $0) }
    static let lengths = [0, 1, 4095, 4096, 4097, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345]
    static let source: [UInt8] = {
        var rng = SystemRandomNumberGenerator()
        var words = (0..<((lengths.max()! + 7) / 8)).map { _ in rng.next() as UInt64 }
        return words.withUnsafeMutableBytes { Array($0) }
    }()

    func roundTrip(root: String, length: Int, pieces: [Int]) async throws {
        let dir = "\(root)/cairn-blobtest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FileBlobStore(root: dir)
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
        #expect(back == data, "root \(root) length \(length) pieces \(pieces)")
        let size = try FileManager.default.attributesOfItem(atPath: "\(dir)/blobs/\(id.rawValue.prefix(2))/\(id.rawValue)")[.size] as? Int
        #expect(size == length)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/tmp").isEmpty)
    }

    @Test("Written bytes read back exactly, in any piece sizes", arguments: roots)
    func roundTrips(_ root: String) async throws {
        for length in Self.lengths {
            for pieces in [[65536], [1000, 7, 300_000], [1 << 20], [(1 << 20) + 3, 5]] {
                try await roundTrip(root: root, length: length, pieces: pieces)
            }
        }
    }

    @Test("An aborted blob leaves no file behind", arguments: roots)
    func abortCleans(_ root: String) async throws {
        let dir = "\(root)/cairn-blobtest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FileBlobStore(root: dir)
        let writer = try await store.makeWriter()
        try await writer.write(ByteBuffer(repeating: 7, count: 3 << 20))
        await writer.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/tmp").isEmpty)
        #expect(try await store.allBlobs().isEmpty)
    }
}
