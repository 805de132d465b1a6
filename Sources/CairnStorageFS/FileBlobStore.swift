import CairnStorage
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Blobs as files: `tmp/<uuid>` while written, `blobs/<2 hex>/<uuid>` once committed.
/// Blob names are generated, never derived from keys, so no key can reach outside the folder.
/// Files are immutable after commit, so nodes sharing a POSIX mount need no file locks.
public final class FileBlobStore: BlobStore {
    public let root: String
    let tmpDir: String
    let blobDir: String
    /// Blocking calls that can take long (fsync, reads from a cold disk) run here, off the
    /// cooperative pool.
    let pool: NIOThreadPool
    /// Write blobs with O_DIRECT where the filesystem accepts it (see `FileBlobWriter`).
    let directWrites: Bool
    public static let readChunk = 256 * 1024

    public init(root: String, pool: NIOThreadPool = .singleton, directWrites: Bool = true) throws {
        self.root = root
        self.directWrites = directWrites
        self.tmpDir = root + "/tmp"
        self.blobDir = root + "/blobs"
        self.pool = pool
        for d in [root, tmpDir, blobDir] {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        }
    }

    func path(of id: BlobID) -> String {
        "\(blobDir)/\(id.rawValue.prefix(2))/\(id.rawValue)"
    }

    public func makeWriter() async throws -> any BlobWriter {
        let id = BlobID.random()
        let tmp = "\(tmpDir)/\(id.rawValue)"
        return FileBlobWriter(store: self, id: id, tmpPath: tmp, file: try BlobFile(creating: tmp, direct: directWrites))
    }

    public func read(_ segment: BlobSegment) -> any AsyncSequence<ByteBuffer, any Error> {
        FileSegmentSequence(path: path(of: segment.blob), offset: segment.offset, length: segment.length, pool: pool)
    }

    public func delete(_ blobs: [BlobID]) async {
        for id in blobs { unlink(path(of: id)) }
    }

    public func allBlobs() async throws -> [BlobID] {
        var out: [BlobID] = []
        let fm = FileManager.default
        for sub in (try? fm.contentsOfDirectory(atPath: blobDir)) ?? [] {
            for name in (try? fm.contentsOfDirectory(atPath: "\(blobDir)/\(sub)")) ?? [] {
                out.append(BlobID(name))
            }
        }
        return out
    }

    public func removeTemporaryFiles() async throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: tmpDir) {
            unlink("\(tmpDir)/\(name)")
        }
    }

    func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}

/// A failed system call as an error: `StorageFull` when the disk or the quota is full (so the
/// request gets its own S3 answer), else a `POSIXFailure`.
func posixFailure(_ what: String, _ code: Int32) -> any Error {
    if code == ENOSPC || code == EDQUOT { return StorageFull("\(what): \(String(cString: strerror(code)))") }
    return POSIXFailure(what, code)
}

struct POSIXFailure: Error, CustomStringConvertible {
    var what: String
    var code: Int32
    init(_ what: String, _ code: Int32) {
        self.what = what
        self.code = code
    }
    var description: String { "\(what): \(String(cString: strerror(code)))" }
}
