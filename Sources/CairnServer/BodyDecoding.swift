import CairnModel
import CairnSigV4
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// The request body as the object's bytes: plain bodies pass through; `aws-chunked` bodies are
/// decoded on the fly (framing stripped, chunk and trailer signatures verified) and their trailing
/// checksum is handed to the `PayloadVerifier` through a `TrailerBox`.
enum BodyDecoding {
    static func body(_ call: S3Call) throws(S3Error) -> (any AsyncSequence<ByteBuffer, any Error>, TrailerBox?) {
        guard case .streaming(let payload) = call.payload else { return (call.request.body, nil) }
        let decoded = try call.headers.decodedContentLength()
        let box = TrailerBox()
        return (AwsChunkedBody(base: call.request.body, decoder: AwsChunkedDecoder(payload: payload), expectedLength: decoded, box: box), box)
    }
}

/// Trailing headers of an aws-chunked body, available once the body has been read to its end.
final class TrailerBox: Sendable {
    private let value = NIOLockedValueBox<[AwsChunkedDecoder.Trailer]?>(nil)
    func set(_ t: [AwsChunkedDecoder.Trailer]) { value.withLockedValue { $0 = t } }
    var trailers: [AwsChunkedDecoder.Trailer]? { value.withLockedValue { $0 } }
}

/// An aws-chunked request body decoded as it streams.
struct AwsChunkedBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let decoder: AwsChunkedDecoder
    let expectedLength: Int64
    let box: TrailerBox

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var decoder: AwsChunkedDecoder
        let expectedLength: Int64
        let box: TrailerBox
        var pending: [ByteBuffer] = []
        var ended = false

        mutating func next() async throws -> ByteBuffer? {
            while pending.isEmpty {
                if ended { return nil }
                guard let buffer = try await base.next() else {
                    ended = true
                    try decoder.finish()
                    guard decoder.decodedLength == expectedLength else {
                        throw S3Error(.incompleteBody, "The decoded body length \(decoder.decodedLength) does not match x-amz-decoded-content-length \(expectedLength).")
                    }
                    box.set(decoder.trailers)
                    return nil
                }
                pending = try decoder.decode(buffer)
                if decoder.decodedLength > expectedLength {
                    throw S3Error(.invalidRequest, "The aws-chunked body is longer than x-amz-decoded-content-length.")
                }
            }
            return pending.removeFirst()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), decoder: decoder, expectedLength: expectedLength, box: box)
    }
}
