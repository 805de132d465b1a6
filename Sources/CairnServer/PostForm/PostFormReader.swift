import CairnModel
import CairnProtocol
import Hummingbird
import NIOCore

/// Reads a POST Object body through `MultipartFormScanner`: first the form fields (before the
/// authorize step, which needs the key and the signature), then, as the upload's body, the file's
/// bytes as they arrive. One task uses it at a time: the responder, then the storage ingest.
final class PostFormReader: @unchecked Sendable {
    private var iterator: RequestBody.AsyncIterator
    private var scanner: MultipartFormScanner

    init(body: RequestBody, boundary: String) {
        iterator = body.makeAsyncIterator()
        scanner = MultipartFormScanner(boundary: boundary)
    }

    /// The next form event; nil once the file has ended (the rest of the body is not parsed).
    func next() async throws -> MultipartFormScanner.Event? {
        while true {
            if let event = try scanner.next() { return event }
            if scanner.isDone { return nil }
            if let buffer = try await iterator.next() {
                scanner.feed(buffer.readableBytesView)
            } else {
                scanner.finish()
            }
        }
    }

    /// The fields before the file, and the file's name.
    func readFields() async throws -> PostObjectForm {
        var fields: [(name: String, value: String)] = []
        while let event = try await next() {
            switch event {
            case .field(let name, let value): fields.append((name, value))
            case .fileStart(let filename): return PostObjectForm(fields: fields, filename: filename)
            case .fileData, .fileEnd: throw S3Error(.malformedPOSTRequest)
            }
        }
        throw S3Error(.incorrectNumberOfFilesInPostRequest)
    }

    /// Reads what follows the file (fields S3 ignores) so the connection can serve the next request.
    func drain() async throws {
        while try await iterator.next() != nil {}
    }
}

/// The file part of a POST Object form as an upload body. The policy's `content-length-range` is
/// enforced as the bytes stream: EntityTooLarge as soon as the maximum is passed, EntityTooSmall at
/// the end, both before anything is committed.
struct PostFileBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let reader: PostFormReader
    let lengthRange: ClosedRange<Int64>?

    func makeAsyncIterator() -> Iterator { Iterator(reader: reader, lengthRange: lengthRange) }

    struct Iterator: AsyncIteratorProtocol {
        let reader: PostFormReader
        let lengthRange: ClosedRange<Int64>?
        var count: Int64 = 0
        var ended = false

        mutating func next() async throws -> ByteBuffer? {
            guard !ended, let event = try await reader.next() else { return nil }
            switch event {
            case .fileData(let bytes):
                count += Int64(bytes.count)
                if let r = lengthRange, count > r.upperBound { throw S3Error.entityTooLarge(proposed: count, max: r.upperBound) }
                return ByteBuffer(bytes: bytes)
            case .fileEnd:
                ended = true
                if let r = lengthRange, count < r.lowerBound {
                    throw S3Error(.entityTooSmall, fields: [("ProposedSize", String(count)), ("MinSizeAllowed", String(r.lowerBound))])
                }
                try await reader.drain()
                return nil
            case .field, .fileStart:
                throw S3Error(.malformedPOSTRequest)
            }
        }
    }
}
