import CairnStorage
import CCairnPOSIX
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes one blob to its temporary file with direct I/O: bytes are copied into a page-aligned
/// 1 MiB staging buffer and each full buffer is written with O_DIRECT on the thread pool while
/// the next one fills (two buffers per writer, so memory stays flat whatever the blob size).
///
/// Why not the page cache: a buffered write costs the kernel a copy plus per-page allocation,
/// delayed-allocation bookkeeping and later writeback and reclaim; on this kind of machine that
/// was a third of the server's non-hashing CPU per uploaded GB. A blob is written once and
/// fsynced before it is visible, so the cache would only help a read that follows at once.
/// Filesystems that refuse O_DIRECT, and servers run with `--buffered-writes`, get plain buffered
/// writes from the request's buffers; a device that refuses an aligned direct write mid-blob gets
/// the rest through the page cache.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    // Used by one request task at a time; at most one background write is in flight, and every
    // method that touches the file again first waits for it.
    let store: FileBlobStore
    let id: BlobID
    let tmpPath: String
    private let file: BlobFile
    private let pool = StagingBufferPool.shared
    private var staging: StagingBuffer?
    private var filled = 0
    /// Where `staging` goes in the file.
    private var offset: Int64 = 0
    private var inFlight: Task<Void, any Error>?
    private var finished = false

    init(store: FileBlobStore, id: BlobID, tmpPath: String, file: BlobFile) {
        self.store = store
        self.id = id
        self.tmpPath = tmpPath
        self.file = file
    }

    deinit {
        if let staging { pool.give(staging) }
        if !finished { unlink(tmpPath) }  // an in-flight write keeps the descriptor until it ends
    }

    func write(_ buffer: ByteBuffer) async throws {
        // `direct` is only read once no background write (which may clear it) can be running.
        if inFlight == nil && staging == nil && !file.direct {
            // Buffered from the start (no O_DIRECT here): page-cache writes are short syscalls and
            // run inline, straight from the request's buffer. (Copying into the page-aligned staging
            // buffer first made the kernel's copy several times slower.)
            try buffer.withUnsafeReadableBytes { raw in
                if raw.count > 0 { try file.write(raw.baseAddress!, count: raw.count, at: offset) }
            }
            offset += Int64(buffer.readableBytes)
            return
        }
        var consumed = 0
        let total = buffer.readableBytes
        while consumed < total {
            let target = staging ?? pool.take()
            staging = target
            let n = min(total - consumed, pool.size - filled)
            buffer.withUnsafeReadableBytes { raw in
                (target.base + filled).copyMemory(from: raw.baseAddress! + consumed, byteCount: n)
            }
            filled += n
            consumed += n
            if filled == pool.size { try await flushStaging() }
        }
    }

    /// Hands the full staging buffer to a background write, after the previous one has finished.
    private func flushStaging() async throws {
        try await finishInFlight()
        guard let buffer = staging else { return }
        let count = filled, at = offset, file = self.file, pool = self.pool, store = self.store
        staging = nil
        filled = 0
        offset += Int64(count)
        inFlight = Task {
            defer { pool.give(buffer) }
            try await store.runBlocking { try file.write(buffer.base, count: count, at: at) }
        }
    }

    private func finishInFlight() async throws {
        let pending = inFlight
        inFlight = nil
        try await pending?.value
    }

    func commit() async throws -> BlobID {
        try await finishInFlight()
        let tail = filled, at = offset, buffer = staging, file = self.file, pool = self.pool
        let tmp = tmpPath, final = store.path(of: id)
        let dir = String(final[..<final.lastIndex(of: "/")!])
        staging = nil
        filled = 0
        // Returned here rather than inside the closure: the pool may throw without running it.
        defer { if let buffer { pool.give(buffer) } }
        try await store.runBlocking {
            if let buffer, tail > 0 {
                if file.direct {
                    // Direct I/O writes whole blocks: pad the last one, then cut the file to size.
                    let padded = (tail + StagingBufferPool.alignment - 1) / StagingBufferPool.alignment * StagingBufferPool.alignment
                    memset(buffer.base + tail, 0, padded - tail)
                    try file.write(buffer.base, count: padded, at: at)
                    guard ftruncate(file.fd, off_t(at) + off_t(tail)) == 0 else { throw posixFailure("ftruncate \(tmp)", errno) }
                } else {
                    try file.write(buffer.base, count: tail, at: at)
                }
            }
            guard fsync(file.fd) == 0 else { throw posixFailure("fsync \(tmp)", errno) }
            mkdir(dir, 0o755)
            guard rename(tmp, final) == 0 else { throw posixFailure("rename \(tmp)", errno) }
            // The rename itself must survive a crash before the metadata that points at it commits.
            let dfd = open(dir, O_RDONLY | O_DIRECTORY)
            if dfd >= 0 { fsync(dfd); close(dfd) }
        }
        finished = true
        file.close()
        return id
    }

    func abort() async {
        try? await finishInFlight()
        if let staging { pool.give(staging) }
        staging = nil
        guard !finished else { return }
        finished = true
        file.close()
        unlink(tmpPath)
    }
}

/// The descriptor of a blob being written, shared by the writer and its in-flight write so that
/// it is closed only once both are done with it.
final class BlobFile: @unchecked Sendable {  // accessed by one write or one writer call at a time
    private(set) var fd: Int32
    /// O_DIRECT is in effect; cleared for good when the kernel refuses a direct write.
    private(set) var direct: Bool
    let path: String

    /// Creates the file, with O_DIRECT when `direct` is asked for and the filesystem accepts it.
    init(creating path: String, direct wanted: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        var fd = wanted && cairn_o_direct() != 0 ? open(path, flags | cairn_o_direct(), 0o644) : -1
        direct = fd >= 0
        if fd < 0 { fd = open(path, flags, 0o644) }
        guard fd >= 0 else { throw posixFailure("open \(path)", errno) }
        self.fd = fd
        self.path = path
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func write(_ p: UnsafeRawPointer, count: Int, at offset: Int64) throws {
        var done = 0
        while done < count {
            let n = pwrite(fd, p + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && direct {
                    try dropDirect()
                    continue
                }
                throw posixFailure("write \(path)", errno)
            }
            done += n
        }
    }

    private func dropDirect() throws {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~cairn_o_direct()) == 0 else { throw posixFailure("fcntl \(path)", errno) }
        direct = false
    }
}
