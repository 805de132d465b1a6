import CairnModel
import CairnSigV4
import Crypto
import NIOCore
import Testing

/// AWS's STREAMING-AWS4-HMAC-SHA256-PAYLOAD example (S3 API reference, "Transferring payload in
/// multiple chunks"): 66,560 bytes of 'a' in a 65,536-byte and a 1,024-byte chunk.
@Suite("aws-chunked decoding")
struct AwsChunkedTests {
    static let scope = CredentialScope(date: "20130524", region: "us-east-1", service: "s3")
    static let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    static let signatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]

    static func payload(_ kind: StreamingPayload.Kind = .signed) -> StreamingPayload {
        let key = SigV4.signingKey(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", scope: scope)
        return StreamingPayload(kind: kind, seedSignature: seed, amzDate: "20130524T000000Z", scope: scope,
                                signingKeyBytes: key.withUnsafeBytes { Array($0) })
    }

    static func body(signatures sigs: [String] = signatures) -> [UInt8] {
        var out: [UInt8] = []
        for (size, sig) in zip([65536, 1024, 0], sigs) {
            out += Array("\(String(size, radix: 16));chunk-signature=\(sig)\r\n".utf8)
            out += [UInt8](repeating: 0x61, count: size) + Array("\r\n".utf8)
        }
        return out
    }

    /// Feeds the body in `split`-byte pieces, as HTTP chunks that do not line up with aws-chunks.
    static func decode(_ body: [UInt8], split: Int, kind: StreamingPayload.Kind = .signed) throws(S3Error) -> [UInt8] {
        var d = AwsChunkedDecoder(payload: payload(kind))
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let piece = ByteBuffer(bytes: body[i..<min(i + split, body.count)])
            for var b in try d.decode(piece) { out += b.readBytes(length: b.readableBytes)! }
            i += split
        }
        try d.finish()
        return out
    }

    @Test("AWS's example decodes to its data, whatever the HTTP chunking", arguments: [1, 7, 4096, 131072])
    func example(split: Int) throws {
        let data = try Self.decode(Self.body(), split: split)
        #expect(data.count == 66560)
        #expect(data.allSatisfy { $0 == 0x61 })
    }

    @Test("A wrong chunk signature is SignatureDoesNotMatch")
    func wrongSignature() {
        var sigs = Self.signatures
        sigs[1] = String(repeating: "0", count: 64)
        do {
            _ = try Self.decode(Self.body(signatures: sigs), split: 1000)
            Issue.record("expected a signature error")
        } catch { #expect(error.code == .signatureDoesNotMatch) }
    }

    @Test("A truncated body is IncompleteBody")
    func truncated() {
        let body = Self.body()
        do {
            _ = try Self.decode(Array(body.prefix(body.count - 10)), split: 5000)
            Issue.record("expected an error")
        } catch { #expect(error.code == .incompleteBody) }
    }

    @Test("Unsigned chunks with a trailer hand back the trailer")
    func unsignedTrailer() throws {
        let text = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
        var d = AwsChunkedDecoder(payload: Self.payload(.unsignedTrailer))
        var out: [UInt8] = []
        for var b in try d.decode(ByteBuffer(string: text)) { out += b.readBytes(length: b.readableBytes)! }
        try d.finish()
        #expect(String(decoding: out, as: UTF8.self) == "hello")
        #expect(d.trailers == [AwsChunkedDecoder.Trailer(name: "x-amz-checksum-crc32", value: "NhCmhg==")])
    }
}
