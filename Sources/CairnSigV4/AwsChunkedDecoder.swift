import CairnModel
import Crypto
import Foundation
import NIOCore

/// Decodes an `aws-chunked` body as it streams: strips the framing, verifies each chunk signature
/// (chained from the seed signature), the trailer signature, and collects trailing headers.
///
/// Framing (S3 "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
/// Chunks" and "... with trailing headers"):
///   hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n
///   [trailer-name:value\r\n ...][x-amz-trailer-signature:sig\r\n]\r\n
/// HTTP chunks and aws-chunks do not line up, so the decoder keeps only a small line buffer between
/// calls; data bytes are passed through as slices of the input, never copied or held.
public struct AwsChunkedDecoder: @unchecked Sendable {  // SHA256 state is a plain value
    public struct Trailer: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    enum State: Sendable {
        case sizeLine
        case data(remaining: Int64)
        case dataEnd   // expecting \r\n after a chunk's data
        case trailers
        case done
    }

    let signing: StreamingPayload?
    var state: State = .sizeLine
    var line: [UInt8] = []
    var previousSignature: String
    var chunkSignature: String?
    var chunkHash: SHA256?
    public private(set) var decodedLength: Int64 = 0
    public private(set) var trailers: [Trailer] = []
    var trailerSignature: String?
    /// Longest line accepted (size line with signature, or one trailer).
    static let maxLine = 4096

    public init(payload: StreamingPayload) {
        self.signing = payload.kind == .unsignedTrailer ? nil : payload
        self.previousSignature = payload.seedSignature
    }

    public var isFinished: Bool { if case .done = state { return true } else { return false } }

    /// Feeds one buffer; returns the object bytes it contained (slices of `buffer`).
    public mutating func decode(_ buffer: ByteBuffer) throws(S3Error) -> [ByteBuffer] {
        var input = buffer
        var out: [ByteBuffer] = []
        while input.readableBytes > 0 {
            switch state {
            case .data(let remaining):
                let n = Int(min(Int64(input.readableBytes), remaining))
                let slice = input.readSlice(length: n)!
                if signing != nil { slice.withUnsafeReadableBytes { chunkHash?.update(bufferPointer: $0) } }
                out.append(slice)
                decodedLength += Int64(n)
                state = remaining - Int64(n) == 0 ? .dataEnd : .data(remaining: remaining - Int64(n))
                if case .dataEnd = state { try finishChunk(last: false) }
            case .done:
                throw Self.malformed("Unexpected data after the final aws-chunked chunk.")
            case .sizeLine, .dataEnd, .trailers:
                guard let l = try readLine(&input) else { continue }
                try handleLine(l)
            }
        }
        return out
    }

    /// Called when the HTTP body ends: the framing must be complete.
    public func finish() throws(S3Error) {
        guard isFinished else { throw S3Error(.incompleteBody, "The aws-chunked body ended before its final chunk.") }
    }

    mutating func readLine(_ input: inout ByteBuffer) throws(S3Error) -> [UInt8]? {
        let view = input.readableBytesView
        if let lf = view.firstIndex(of: 0x0A) {
            let count = lf - view.startIndex + 1
            line += input.readBytes(length: count)!
            defer { line.removeAll(keepingCapacity: true) }
            guard line.count >= 2, line[line.count - 2] == 0x0D else { throw Self.malformed("aws-chunked lines must end with CRLF.") }
            return Array(line.dropLast(2))
        }
        line += input.readBytes(length: input.readableBytes)!
        if line.count > Self.maxLine { throw Self.malformed("An aws-chunked header line is too long.") }
        return nil
    }

    mutating func handleLine(_ l: [UInt8]) throws(S3Error) {
        switch state {
        case .dataEnd:
            guard l.isEmpty else { throw Self.malformed("aws-chunked chunk data is longer than its declared size.") }
            state = .sizeLine
        case .sizeLine:
            let text = String(decoding: l, as: UTF8.self)
            let parts = text.split(separator: ";", maxSplits: 1)
            guard let first = parts.first, let size = Int64(first.trimmingHTTPWhitespace, radix: 16), size >= 0 else {
                throw Self.malformed("Invalid aws-chunked chunk size line.")
            }
            chunkSignature = nil
            if parts.count == 2 {
                let ext = parts[1]
                guard ext.hasPrefix("chunk-signature=") else { throw Self.malformed("Invalid aws-chunked chunk extension.") }
                chunkSignature = String(ext.dropFirst("chunk-signature=".count))
            }
            if signing != nil, chunkSignature == nil { throw Self.malformed("A signed aws-chunked chunk has no chunk-signature.") }
            chunkHash = signing == nil ? nil : SHA256()
            if size == 0 {
                try finishChunk(last: true)
                state = .trailers
            } else {
                state = .data(remaining: size)
            }
        case .trailers:
            if l.isEmpty {
                try verifyTrailerSignature()
                state = .done
                return
            }
            let text = String(decoding: l, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw Self.malformed("Invalid aws-chunked trailer line.") }
            let name = text[..<colon].trimmingHTTPWhitespace.lowercased()
            let value = String(text[text.index(after: colon)...].trimmingHTTPWhitespace)
            if name == "x-amz-trailer-signature" {
                trailerSignature = value
            } else {
                guard trailers.count < 10 else { throw Self.malformed("Too many aws-chunked trailers.") }
                trailers.append(Trailer(name: name, value: value))
            }
        case .data, .done:
            break
        }
    }

    /// Verifies the chunk just read against its declared signature and chains it.
    mutating func finishChunk(last: Bool) throws(S3Error) {
        guard let s = signing, let declared = chunkSignature, let hash = chunkHash else { return }
        let sts = "AWS4-HMAC-SHA256-PAYLOAD\n\(s.amzDate)\n\(s.scope.string)\n\(previousSignature)\n\(SigV4.emptySHA256)\n\(Hex.encode(hash.finalize()))"
        let expected = SigV4.signature(key: s.signingKey, stringToSign: sts)
        guard constantTimeEqual(expected, declared) else {
            throw S3Error(.signatureDoesNotMatch, "The chunk signature we calculated does not match the signature you provided.")
        }
        previousSignature = declared
        chunkHash = nil
    }

    mutating func verifyTrailerSignature() throws(S3Error) {
        guard let s = signing, s.kind == .signedTrailer else { return }
        guard let declared = trailerSignature else { throw Self.malformed("The aws-chunked trailer has no x-amz-trailer-signature.") }
        let canonical = trailers.map { "\($0.name):\($0.value)\n" }.joined()
        let hash = Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
        let sts = "AWS4-HMAC-SHA256-TRAILER\n\(s.amzDate)\n\(s.scope.string)\n\(previousSignature)\n\(hash)"
        guard constantTimeEqual(SigV4.signature(key: s.signingKey, stringToSign: sts), declared) else {
            throw S3Error(.signatureDoesNotMatch, "The trailer signature we calculated does not match the signature you provided.")
        }
    }

    static func malformed(_ message: String) -> S3Error {
        S3Error(.invalidRequest, message)
    }
}
