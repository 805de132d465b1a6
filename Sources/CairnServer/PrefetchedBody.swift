import CairnModel
import CairnStorage
import NIOCore

/// A response body whose first buffer was read before the response head is sent: a blob that is
/// missing, or an encrypted chunk that fails authentication, at the start of the body (all of a
/// small object) becomes a proper S3 error instead of a connection cut after a 200.
struct PrefetchedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    final class State: @unchecked Sendable {
        // Consumed by exactly one response writer, after the handler hands it over.
        var first: ByteBuffer?
        var rest: SegmentReader.AsyncIterator
        init(first: ByteBuffer?, rest: SegmentReader.AsyncIterator) {
            self.first = first
            self.rest = rest
        }
    }

    let state: State

    /// Reads the first buffer now. Read failures are logged by the caller and answered as InternalError.
    static func start(_ reader: SegmentReader) async throws -> PrefetchedBody {
        var it = reader.makeAsyncIterator()
        let first = try await it.next()
        return PrefetchedBody(state: State(first: first, rest: it))
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let state: State
        mutating func next() async throws -> ByteBuffer? {
            if let f = state.first {
                state.first = nil
                return f
            }
            return try await state.rest.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(state: state) }
}
