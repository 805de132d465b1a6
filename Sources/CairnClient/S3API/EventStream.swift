import CairnHashing
import CairnModel

/// The `application/vnd.amazon.eventstream` framing of SelectObjectContent's response, decoded
/// as botocore's `EventStreamBuffer` does: per message a 12-byte prelude (total length, headers
/// length, CRC32 of both), typed headers, the payload and a CRC32 of the whole message. Messages
/// are taken whole from bytes fed in any slicing.
struct EventStreamDecoder {
    struct Message {
        var headers: [String: String]
        var payload: [UInt8]
    }

    private var buffer: [UInt8] = []

    mutating func feed(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete message, or nil until more bytes come.
    mutating func next() throws -> Message? {
        guard buffer.count >= 12 else { return nil }
        let total = Int(be32(0)), headersLength = Int(be32(4))
        guard total >= 16, headersLength <= total - 16 else { throw ClientFailure("Invalid event stream message length: \(total)") }
        guard crc32(buffer[0..<8]) == be32(8) else { throw ClientFailure("Event stream prelude checksum mismatch") }
        guard buffer.count >= total else { return nil }
        guard crc32(buffer[0..<(total - 4)]) == be32(total - 4) else { throw ClientFailure("Event stream message checksum mismatch") }
        let headers = try parseHeaders(Array(buffer[12..<(12 + headersLength)]))
        let payload = Array(buffer[(12 + headersLength)..<(total - 4)])
        buffer.removeFirst(total)
        return Message(headers: headers, payload: payload)
    }

    private func be32(_ at: Int) -> UInt32 {
        buffer[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var state = ChecksumState(.crc32)
        Array(bytes).withUnsafeBytes { state.update($0) }
        return state.digest().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Header values as text: strings as they are, other types by their decimal or hex form
    /// (the select stream only uses strings: `:message-type`, `:event-type`, `:error-code` ...).
    private func parseHeaders(_ h: [UInt8]) throws -> [String: String] {
        var out: [String: String] = [:]
        var i = 0
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard i + n <= h.count else { throw ClientFailure("Truncated event stream header") }
            defer { i += n }
            return h[i..<(i + n)]
        }
        func int(_ n: Int) throws -> Int64 {
            let bytes = try take(n)
            let raw = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let shift = UInt64(64 - 8 * n)
            return Int64(bitPattern: raw << shift) >> Int64(shift)  // sign-extend
        }
        while i < h.count {
            let nameLength = Int(try take(1).first!)
            let name = String(decoding: try take(nameLength), as: UTF8.self)
            switch try take(1).first! {
            case 0: out[name] = "true"
            case 1: out[name] = "false"
            case 2: out[name] = String(try int(1))
            case 3: out[name] = String(try int(2))
            case 4: out[name] = String(try int(4))
            case 5, 8: out[name] = String(try int(8))
            case 6, 7: out[name] = String(decoding: try take(Int(try int(2) & 0xFFFF)), as: UTF8.self)
            case 9: out[name] = Hex.encode(Array(try take(16)))
            case let t: throw ClientFailure("Unknown event stream header type \(t)")
            }
        }
        return out
    }
}
