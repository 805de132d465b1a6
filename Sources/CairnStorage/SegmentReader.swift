import NIOCore

/// The bytes of an object (or a range of it): its segments' slices read one after another.
public struct SegmentReader: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let blobs: any BlobStore
    let segments: [BlobSegment]

    /// Slices `segments` to the byte range `range` of their concatenation.
    public init(blobs: any BlobStore, segments: [BlobSegment], range: ByteRange?) {
        self.blobs = blobs
        guard let range else {
            self.segments = segments
            return
        }
        var out: [BlobSegment] = []
        var pos: Int64 = 0
        for s in segments {
            let start = pos, end = pos + s.length - 1
            pos += s.length
            if end < range.first || start > range.last || s.length == 0 { continue }
            let from = Swift.max(range.first, start), to = Swift.min(range.last, end)
            out.append(BlobSegment(blob: s.blob, offset: s.offset + (from - start), length: to - from + 1))
        }
        self.segments = out
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let blobs: any BlobStore
        var remaining: ArraySlice<BlobSegment>
        var current: (any AsyncIteratorProtocol<ByteBuffer, any Error>)?

        public mutating func next() async throws -> ByteBuffer? {
            while true {
                if var it = current {
                    let b = try await it.next()
                    current = it
                    if let b { return b }
                    current = nil
                }
                guard let seg = remaining.popFirst() else { return nil }
                current = blobs.read(seg).makeAsyncIterator()
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(blobs: blobs, remaining: segments[...], current: nil)
    }
}
