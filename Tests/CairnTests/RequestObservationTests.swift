import CairnModel
import CairnProtocol
@testable import CairnServer
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

/// Records what the observers are told, in order.
final class RecordingObserver: RequestObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [String] = []
    private var _observed: [ObservedRequest] = []
    var events: [String] { lock.withLock { _events } }
    var observed: [ObservedRequest] { lock.withLock { _observed } }

    func began(operation: String) { lock.withLock { _events.append("began \(operation)") } }
    func observe(_ request: ObservedRequest) {
        lock.withLock {
            _events.append("observed \(request.operationName)")
            _observed.append(request)
        }
    }
}

/// A response body writer that keeps what it is given.
struct KeepingWriter: ResponseBodyWriter {
    final class Sink: @unchecked Sendable { var bytes = 0; var finished = false }
    let sink: Sink
    mutating func write(_ buffer: ByteBuffer) async throws { sink.bytes += buffer.readableBytes }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws { sink.finished = true }
}

@Suite("Request observation")
struct RequestObservationTests {
    static func request(_ method: HTTPRequest.Method = .put, path: String = "/bkt/k?partNumber=1&uploadId=u",
                        headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:9000", path: path, headerFields: headers),
                body: RequestBody(buffer: body))
    }

    static let uploadPart = S3Endpoint.uploadPart(ObjectAddress(bucket: BucketName(unchecked: "bkt"), key: ObjectKey(unchecked: "k")),
                                                  partNumber: try! PartNumber(parsing: "1"), uploadID: UploadID("u"))

    @Test("A streamed response is observed once, after its last byte, with the bytes counted both ways")
    func streamedResponse() async throws {
        let recorder = RecordingObserver()
        let observation = RequestObservation(request: Self.request(headers: [.contentLength: "5"]), channel: nil, secure: false,
                                             requestID: "R1", observers: [recorder])
        var request = Self.request(body: ByteBuffer(string: "hello"))
        request.body = observation.counting(request.body)
        observation.named(Self.uploadPart)
        for try await _ in request.body {}
        let chunks = [ByteBuffer(repeating: 1, count: 70_000), ByteBuffer(repeating: 2, count: 30_000)]
        let response = await observation.respond(Response(status: .ok, body: ResponseBody(asyncSequence: chunks.async)))
        #expect(recorder.events == ["began UploadPart"])
        let sink = KeepingWriter.Sink()
        try await response.body.write(KeepingWriter(sink: sink))
        #expect(sink.bytes == 100_000 && sink.finished)
        #expect(recorder.events == ["began UploadPart", "observed UploadPart"])
        let r = try #require(recorder.observed.first)
        #expect((r.bytesReceived, r.bytesSent, r.objectSize, r.status) == (5, 100_000, 5, 200))
        #expect(r.requestID == "R1" && r.errorCode == nil && r.tlsVersion == nil)
        #expect(r.duration >= r.timeToFirstByte)
    }

    @Test("A small response is kept whole (one write with the head) and observed at once")
    func smallResponse() async throws {
        let recorder = RecordingObserver()
        let observation = RequestObservation(request: Self.request(.get, path: "/bkt/missing"), channel: nil, secure: false,
                                             requestID: "R2", observers: [recorder])
        observation.failed(.noSuchKey)
        let response = await observation.respond(Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "<Error/>"))))
        #expect(recorder.events == ["observed -"])
        #expect(recorder.observed.first?.bytesSent == 8)
        #expect(recorder.observed.first?.errorCode == "NoSuchKey")
        let sink = KeepingWriter.Sink()
        try await response.body.write(KeepingWriter(sink: sink))
        #expect(sink.bytes == 8 && sink.finished)
        #expect(recorder.events.count == 1)
    }

    @Test("304 Not Modified is not an error")
    func notModified() async {
        let recorder = RecordingObserver()
        let observation = RequestObservation(request: Self.request(.get, path: "/bkt/k"), channel: nil, secure: false,
                                             requestID: "R3", observers: [recorder])
        observation.failed(.notModified)
        _ = await observation.respond(Response(status: .notModified))
        #expect(recorder.observed.first?.errorCode == nil)
        #expect(recorder.observed.first?.status == 304)
    }

    @Test("A response dropped unwritten is still observed, so nothing stays in flight")
    func droppedResponse() async {
        let recorder = RecordingObserver()
        do {
            let observation = RequestObservation(request: Self.request(), channel: nil, secure: false, requestID: "R4", observers: [recorder])
            observation.named(Self.uploadPart)
            let chunks = [ByteBuffer(repeating: 1, count: 100_000)]
            _ = await observation.respond(Response(status: .ok, body: ResponseBody(asyncSequence: chunks.async)))
        }
        #expect(recorder.events == ["began UploadPart", "observed UploadPart"])
        #expect(recorder.observed.first?.bytesSent == 0)
    }
}

/// An array as an AsyncSequence of its elements.
struct ArrayAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]
    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let elements: [Element]
        mutating func next() async -> Element? {
            defer { index += 1 }
            return index < elements.count ? elements[index] : nil
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(elements: elements) }
}

extension Array where Element: Sendable {
    var async: ArrayAsyncSequence<Element> { ArrayAsyncSequence(elements: self) }
}
