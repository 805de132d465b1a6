import CairnStorage
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes one blob to its temporary file. Page-cache writes are short syscalls and run inline;
/// the fsync that makes the data durable runs on the thread pool.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    // Used by one request task at a time; the class only exists to own the descriptor.
    let store: FileBlobStore
    let id: BlobID
    let tmpPath: String
    private var fd: Int32

    init(store: FileBlobStore, id: BlobID, tmpPath: String, fd: Int32) {
        self.store = store
        self.id = id
        self.tmpPath = tmpPath
        self.fd = fd
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(tmpPath)
        }
    }

    func write(_ buffer: ByteBuffer) async throws {
        let fd = self.fd
        try buffer.withUnsafeReadableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw POSIXFailure("write \(tmpPath)", errno)
                }
                done += n
            }
        }
    }

    func commit() async throws -> BlobID {
        let fd = self.fd, tmp = tmpPath, final = store.path(of: id)
        let dir = String(final[..<final.lastIndex(of: "/")!])
        try await store.runBlocking {
            guard fsync(fd) == 0 else { throw POSIXFailure("fsync \(tmp)", errno) }
            mkdir(dir, 0o755)
            guard rename(tmp, final) == 0 else { throw POSIXFailure("rename \(tmp)", errno) }
            // The rename itself must survive a crash before the metadata that points at it commits.
            let dfd = open(dir, O_RDONLY | O_DIRECTORY)
            if dfd >= 0 { fsync(dfd); close(dfd) }
        }
        close(fd)
        self.fd = -1
        return id
    }

    func abort() async {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(tmpPath)
    }
}
