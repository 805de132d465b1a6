@testable import CairnClient
import Foundation
import Testing

/// Messages framed as `application/vnd.amazon.eventstream` by this Python (CRCs from zlib):
///     def msg(headers, payload):  # string headers (type 7)
///         h = b''.join(bytes([len(k)]) + k.encode() + b'\x07' + struct.pack('>H', len(v)) + v.encode() for k, v in headers)
///         prelude = struct.pack('>II', 12 + len(h) + len(payload) + 4, len(h))
///         body = prelude + struct.pack('>I', crc32(prelude)) + h + payload
///         return body + struct.pack('>I', crc32(body))
@Suite("select-object-content's event stream")
struct EventStreamTests {
    /// A Records event (payload `a,b\n`, with a content type) then an End event.
    static let recordsThenEnd = Array(Data(base64Encoded: "AAAAaQAAAFXqAW8uDTptZXNzYWdlLXR5cGUHAAVldmVudAs6ZXZlbnQtdHlwZQcAB1JlY29yZHMNOmNvbnRlbnQtdHlwZQcAGGFwcGxpY2F0aW9uL29jdGV0LXN0cmVhbWEsYgrjZ+sdAAAAOAAAACjBxoTUDTptZXNzYWdlLXR5cGUHAAVldmVudAs6ZXZlbnQtdHlwZQcAA0VuZM+X05I=")!)

    @Test("messages come out whole whatever the slicing of the bytes")
    func slicing() throws {
        for step in [1, 7, 64, 1000] {
            var d = EventStreamDecoder()
            var messages: [EventStreamDecoder.Message] = []
            var i = 0
            while i < Self.recordsThenEnd.count {
                d.feed(Self.recordsThenEnd[i..<min(i + step, Self.recordsThenEnd.count)])
                while let m = try d.next() { messages.append(m) }
                i += step
            }
            #expect(messages.map { $0.headers[":event-type"] } == ["Records", "End"])
            #expect(messages.first?.payload == Array("a,b\n".utf8))
            #expect(messages.first?.headers[":content-type"] == "application/octet-stream")
        }
    }

    @Test("an error event carries its code and message; a flipped byte fails the message checksum")
    func errorsAndCorruption() throws {
        var d = EventStreamDecoder()
        d.feed(Data(base64Encoded: "AAAAWAAAAEgVRpLBDTptZXNzYWdlLXR5cGUHAAVlcnJvcgs6ZXJyb3ItY29kZQcADUludGVybmFsRXJyb3IOOmVycm9yLW1lc3NhZ2UHAARib29tlhy0Vg==")!)
        let m = try #require(try d.next())
        #expect(m.headers[":message-type"] == "error" && m.headers[":error-code"] == "InternalError" && m.headers[":error-message"] == "boom")
        var bad = Self.recordsThenEnd
        bad[0x60] ^= 1
        var c = EventStreamDecoder()
        c.feed(bad)
        #expect(throws: ClientFailure.self) { _ = try c.next() }
    }
}
