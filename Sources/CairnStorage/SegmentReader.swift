import CairnModel
import NIOCore

/// The bytes of an object (or a range of it): its segments' slices read one after another.
public struct SegmentReader: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let blobs: any BlobStore
    let segments: [BlobSegment]
    /// The key of an encrypted segment's blob.
    let cipher: @Sendable (BlobSegment) async throws -> BlobCipher?

    /// Slices `segments` to the byte range `range` of their concatenation.
    public init(blobs: any BlobStore, segments: [BlobSegment], range: ByteRange?,
                cipher: @escaping @Sendable (BlobSegment) async throws -> BlobCipher? = { _ in nil }) {
        self.blobs = blobs
        self.cipher = cipher
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
            out.append(BlobSegment(blob: s.blob, offset: s.offset + (from - start), length: to - from + 1, encryption: s.encryption))
        }
        self.segments = out
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let blobs: any BlobStore
        let cipher: @Sendable (BlobSegment) async throws -> BlobCipher?
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
                if let info = seg.encryption {
                    guard seg.length > 0 else { continue }
                    guard let c = try await cipher(seg) else { throw EncryptedBlobError.corrupt }
                    current = DecryptingSegmentSequence(blobs: blobs, segment: seg, info: info, cipher: c).makeAsyncIterator()
                } else {
                    current = blobs.read(seg).makeAsyncIterator()
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(blobs: blobs, cipher: cipher, remaining: segments[...], current: nil)
    }
}
