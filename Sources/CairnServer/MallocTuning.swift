import CCairnPOSIX

/// glibc's malloc serves blocks above its mmap threshold (128 KiB, raised dynamically) with fresh
/// mmaps and gives freed heap tops back to the kernel. The server's 256 KiB socket read buffers
/// (`LargeReadsHandler`) are allocated on an event loop and freed by the request's task once hashed
/// and written, so without this many buffers are fresh memory: a page fault and a page zeroing per
/// 4 KiB, ~3% of the CPU of an upload. Serving blocks up to 4 MiB from the heap and keeping up to
/// 16 MiB of free heap per arena lets the same memory be reused while bounding what idle memory the
/// process keeps after a burst.
enum MallocTuning {
    static func apply() {
        _ = cairn_malloc_thresholds(4 << 20, 16 << 20)
    }
}
