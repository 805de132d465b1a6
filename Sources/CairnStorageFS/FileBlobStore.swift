import CairnStorage
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Blobs as files: `tmp/<node>/<uuid>` while written, `blobs/<2 hex>/<uuid>` once committed.
/// Blob names are generated, never derived from keys, so no key can reach outside the folder.
/// Files are immutable after commit, so nodes sharing a POSIX mount need no file locks; each node
/// writes into its own `tmp/<node>/`, so a node cleaning up after a crash never touches a file
/// another node is writing.
public final class FileBlobStore: BlobStore {
    public let root: String
    /// `tmp/`, holding one folder per node.
    let tmpRoot: String
    /// This node's `tmp/<node>/`.
    public let tmpDir: String
    let node: NodeID
    let blobDir: String
    /// Blocking calls that can take long (fsync, reads from a cold disk) run here, off the
    /// cooperative pool.
    let pool: NIOThreadPool
    /// Write blobs with O_DIRECT where the filesystem accepts it (see `FileBlobWriter`).
    let directWrites: Bool
    public static let readChunk = 256 * 1024

    public init(root: String, node: NodeID = NodeID("local")!, pool: NIOThreadPool = .singleton, directWrites: Bool = true) throws {
        self.root = root
        self.node = node
        self.directWrites = directWrites
        self.tmpRoot = root + "/tmp"
        self.tmpDir = "\(tmpRoot)/\(node.rawValue)"
        self.blobDir = root + "/blobs"
        self.pool = pool
        for d in [root, tmpRoot, tmpDir, blobDir] {
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
        try await blobs(modifiedBefore: .distantFuture)
    }

    public func blobs(modifiedBefore date: Date) async throws -> [BlobID] {
        let blobDir = blobDir
        return try await runBlocking {
            var out: [BlobID] = []
            let fm = FileManager.default
            for sub in (try? fm.contentsOfDirectory(atPath: blobDir)) ?? [] {
                for name in (try? fm.contentsOfDirectory(atPath: "\(blobDir)/\(sub)")) ?? [] {
                    // A file gone meanwhile (deleted by another node) is simply not listed.
                    if let modified = modificationTime("\(blobDir)/\(sub)/\(name)"), modified < date { out.append(BlobID(name)) }
                }
            }
            return out
        }
    }

    public func temporaryFolders() async throws -> [TemporaryFolder] {
        let tmpRoot = tmpRoot
        return try await runBlocking {
            let fm = FileManager.default
            return try fm.contentsOfDirectory(atPath: tmpRoot).compactMap { name -> TemporaryFolder? in
                let folder = "\(tmpRoot)/\(name)"
                guard let node = NodeID(name), isDirectory(folder), let own = modificationTime(folder) else { return nil }
                let files = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).compactMap { modificationTime("\(folder)/\($0)") }
                return TemporaryFolder(node: node, modified: max(own, files.max() ?? own))
            }
        }
    }

    public func removeTemporaryFiles(of node: NodeID) async {
        let folder = "\(tmpRoot)/\(node.rawValue)"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] { unlink("\(folder)/\(name)") }
        if node != self.node { rmdir(folder) }
    }

    public func removeLooseTemporaryFiles(modifiedBefore date: Date) async {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmpRoot)) ?? [] {
            let path = "\(tmpRoot)/\(name)"
            if !isDirectory(path), let modified = modificationTime(path), modified < date { unlink(path) }
        }
    }

    func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}

/// A file's last modification time (nil when it is gone).
func modificationTime(_ path: String) -> Date? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
}

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}
