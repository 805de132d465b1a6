import NIOCore

/// The bytes every PUT and UploadPart sends: one buffer of pseudo-random bytes generated once, as
/// large as the largest body; a body of n bytes is a slice of its first n bytes (no copy), so memory
/// stays at one buffer whatever the concurrency or the number of sizes. Random rather than zeros so
/// that a compressing or deduplicating store gains nothing it would not gain on real data.
public struct BenchPayload: Sendable {
    let buffer: ByteBuffer

    public init(size: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        var buf = ByteBufferAllocator().buffer(capacity: size)
        var state = seed | 1
        buf.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            // xorshift64*: a few hundred MB/s would already do; this is several GB/s.
            var i = 0
            while i < size {
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                var word = (state &* 0x2545_F491_4F6C_DD1D).littleEndian
                let n = min(8, size - i)
                withUnsafeBytes(of: &word) { w in
                    raw.baseAddress!.advanced(by: i).copyMemory(from: w.baseAddress!, byteCount: n)
                }
                i += n
            }
            return size
        }
        buffer = buf
    }

    public var capacity: Int { buffer.readableBytes }

    /// The first `n` bytes as a request body.
    public func body(_ n: Int64) -> RequestBody {
        .buffer(buffer.getSlice(at: buffer.readerIndex, length: Int(n))!)
    }
}
