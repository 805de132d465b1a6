import CairnStorage
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Streams a byte range of a blob file in 256 KiB buffers. The file is opened on the first read, so
/// an overwrite that unlinks it afterwards cannot change what this reader sees.
struct FileSegmentSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64
    let pool: NIOThreadPool

    final class Descriptor: @unchecked Sendable {
        // Owned by one iterator; closing in deinit covers a client that goes away mid-body.
        var fd: Int32 = -1
        deinit { if fd >= 0 { close(fd) } }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        var position: Int64
        var remaining: Int64
        let pool: NIOThreadPool
        let file = Descriptor()
        let allocator = ByteBufferAllocator()

        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0 else {
                if file.fd >= 0 { close(file.fd); file.fd = -1 }
                return nil
            }
            if file.fd < 0 {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw posixFailure("open \(path)", errno) }
                file.fd = fd
            }
            let want = Int(Swift.min(Int64(FileBlobStore.readChunk), remaining))
            let fd = file.fd, pos = position, path = self.path, allocator = self.allocator
            // The buffer is made inside the closure: one captured from outside would be shared, and
            // writing into it would copy it (copy-on-write) on every read.
            let buffer = try await pool.runIfActive {
                var b = allocator.buffer(capacity: want)
                let n = try b.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { ptr -> Int in
                    var done = 0
                    while done < want {
                        let r = pread(fd, ptr.baseAddress! + done, want - done, off_t(pos) + off_t(done))
                        if r < 0 { if errno == EINTR { continue }; throw posixFailure("read \(path)", errno) }
                        if r == 0 { break }
                        done += r
                    }
                    return done
                }
                guard n == want else { throw posixFailure("short read \(path)", EIO) }
                return b
            }
            position += Int64(want)
            remaining -= Int64(want)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, position: offset, remaining: length, pool: pool)
    }
}
