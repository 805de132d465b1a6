import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// One page-aligned buffer that O_DIRECT writes can be issued from.
struct StagingBuffer: @unchecked Sendable {  // owned by one writer (or the pool) at a time
    let base: UnsafeMutableRawPointer
}

/// Page-aligned staging buffers for direct-I/O blob writes, reused across writers. Reuse matters:
/// a fresh 1 MiB allocation is a fresh mmap whose pages all fault and are zeroed on first touch,
/// which would cost more CPU than bypassing the page cache saves.
final class StagingBufferPool: Sendable {
    static let shared = StagingBufferPool(size: 1 << 20, keep: 32)
    /// Alignment of buffer addresses, file offsets and lengths for O_DIRECT: 4096 satisfies every
    /// device with logical blocks up to 4 KiB (512 would do for most, 4096 never fails).
    static let alignment = 4096

    let size: Int
    private let keep: Int
    private let free = NIOLockedValueBox<[StagingBuffer]>([])

    init(size: Int, keep: Int) {
        self.size = size
        self.keep = keep
    }

    func take() -> StagingBuffer {
        if let b = free.withLockedValue({ $0.popLast() }) { return b }
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, Self.alignment, size) == 0, let p else { fatalError("out of memory: staging buffer") }
        return StagingBuffer(base: p)
    }

    func give(_ b: StagingBuffer) {
        let kept = free.withLockedValue { list -> Bool in
            guard list.count < keep else { return false }
            list.append(b)
            return true
        }
        if !kept { Glibc.free(b.base) }
    }
}
