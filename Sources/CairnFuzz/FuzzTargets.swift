import CairnModel
import CairnPolicy
import CairnProtocol
import CairnSigV4
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NIOCore

/// The parsers that see client bytes, each as a function of one input. A target must never
/// crash, hang or leak on any input; a thrown S3Error is the expected answer to garbage.
/// Corpora live in fuzz/corpus/<target>/ (seeded from real requests); scripts/fuzz runs them.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "aws-chunked": awsChunked,
        "endpoint": endpoint,
        "headers": headers,
        "xml": xml,
        "sigv4": sigV4,
        "policy": policy,
        "values": values,
        "post-form": postForm,
    ]

    /// Lines of the input as strings (invalid UTF-8 repaired, as the HTTP layer hands strings on).
    static func lines(_ data: [UInt8]) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// aws-chunked bodies: framing, chunk signatures, trailers. The first byte picks the mode, the
    /// second how the bytes are cut into network reads.
    static func awsChunked(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let kinds: [StreamingPayload.Kind] = [.unsignedTrailer, .signed, .signedTrailer]
        let kind = kinds[Int(data[0]) % kinds.count]
        let piece = max(1, Int(data[1]))
        let payload = StreamingPayload(kind: kind, seedSignature: String(repeating: "0", count: 64), amzDate: "20261204T000000Z",
                                       scope: CredentialScope(date: "20261204", region: "us-east-1", service: "s3"),
                                       signingKeyBytes: [UInt8](repeating: 7, count: 32))
        var decoder = AwsChunkedDecoder(payload: payload)
        var rest = data[2...]
        do {
            while !rest.isEmpty {
                let take = rest.prefix(piece)
                rest = rest.dropFirst(take.count)
                _ = try decoder.decode(ByteBuffer(bytes: take))
            }
        } catch {}
    }

    /// S3Endpoint.parse: method, raw path, raw query, Host, copy-source flag, one per line.
    static func endpoint(_ data: [UInt8]) {
        let l = lines(data) + ["", "", "", "", ""]
        let query = URIEncoding.parseQuery(l[2])
        _ = try? S3Endpoint.parse(method: l[0], rawPath: l[1], query: query, host: l[3].isEmpty ? nil : l[3],
                                  hasCopySource: l[4] == "1", addressing: AddressingConfig(domain: "s3.example.com"))
        _ = URIEncoding.decode(l[1])
    }

    /// Every typed header group: `name: value` per line.
    static func headers(_ data: [UInt8]) {
        let pairs = lines(data).map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        let h = RequestHeaders(headers: pairs)
        _ = try? h.contentMD5()
        _ = try? h.checksum()
        _ = try? h.checksum(partCount: true)
        _ = try? h.sdkChecksumAlgorithm()
        _ = try? h.trailerChecksumAlgorithm()
        _ = try? h.checksumAlgorithm()
        _ = try? h.multipartChecksum()
        _ = h.preconditions()
        _ = h.preconditions(copySource: true)
        _ = try? h.writeConditions()
        _ = try? h.customerKey(secure: true)
        _ = try? h.customerKey(copySource: true, secure: true)
        _ = try? h.encryptionRequest(secure: true)
        _ = try? h.decodedContentLength()
        _ = try? h.multipartObjectSize()
        _ = try? h.objectHeaders()
        _ = try? h.userMetadata()
        _ = try? h.metadataDirective()
        _ = try? h.objectLock(withBody: true)
        _ = h.range
        _ = try? h.copySourceRange(size: 1 << 40)
        _ = try? h.copySourceRange(size: 10)
        _ = try? h.objectAttributes()
        _ = try? h.objectPartsPage()
        _ = try? h.tagging()
        _ = try? h.taggingDirective()
    }

    /// XML request bodies; the first byte picks the document type.
    static func xml(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let body = Data(data.dropFirst())
        // What the well-formedness check admits, Foundation's XMLParser must parse without an
        // error: an error would leak (XMLWellFormed) and mean a malformed document got through.
        if RequestXML.admissible(body) {
            let parser = XMLParser(data: RequestXML.parserInput(body))
            parser.shouldProcessNamespaces = true
            precondition(parser.parse() && parser.parserError == nil,
                         "XMLWellFormed admitted what XMLParser refuses: \(String(describing: parser.parserError))")
        }
        switch first % 16 {
        case 0:
            _ = try? CompleteMultipartUploadXML.decode(from: body)
            // Differential: where the fast reading answers, XMLCoder must answer the same.
            if let fast = CompleteMultipartUploadXML.plainReading(body) {
                precondition(fast == (try? RequestXML.decode(CompleteMultipartUploadXML.self, from: body)), "CompletePartsReader disagrees with XMLCoder")
            }
        case 1: _ = try? RequestXML.decode(DeleteRequestXML.self, from: body)
        case 2: _ = try? TaggingXML.tagSet(from: body, for: .object)
        case 3: _ = try? RequestXML.decode(LifecycleConfigurationXML.self, from: body)
        case 4: _ = try? RequestXML.decode(VersioningConfigurationXML.self, from: body)
        case 5: _ = try? RequestXML.decode(ObjectLockConfigurationXML.self, from: body)
        case 6: _ = try? RequestXML.decode(RetentionXML.self, from: body)
        case 7: _ = try? RequestXML.decode(LegalHoldXML.self, from: body)
        case 8: _ = try? RequestXML.decode(ServerSideEncryptionConfigurationXML.self, from: body)
        case 9: _ = try? RequestXML.decode(CreateBucketConfigurationXML.self, from: body)
        case 10: _ = try? RequestXML.decode(RequestPaymentConfigurationXML.self, from: body)
        case 11: _ = try? AccessControlPolicyXML.parse(body)
        case 12: _ = try? CORSConfiguration(xml: body)
        case 13: _ = try? OwnershipControlsXML.parse(body)
        case 14: _ = try? PublicAccessBlockXML.parse(body)
        default: _ = try? TaggingXML.tagSet(from: body, for: .bucket)
        }
    }

    /// SigV4 and SigV2 authentication (header and query forms): method, raw path, raw query, then
    /// `name: value` header lines.
    static func sigV4(_ data: [UInt8]) {
        let l = lines(data) + ["", "", ""]
        let headers = l.dropFirst(3).map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]).lowercased(), parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : "")
        }
        let request = SigV4Request(method: l[0], rawPath: l[1], query: URIEncoding.parseQuery(l[2]), headers: headers)
        _ = try? authenticator.authenticate(request, virtualHostBucket: nil, now: Date(timeIntervalSince1970: 1_796_342_400))
        _ = CredentialScope.parseCredential(l[1])
    }

    static let authenticator = RequestAuthenticator(credentials: OneUser())
    struct OneUser: CredentialProvider {
        func user(forAccessKey key: String) -> UserIdentity? {
            key == "AKIAFUZZ" ? UserIdentity(accessKey: "AKIAFUZZ", secretKey: "fuzz-secret", id: "fuzz", displayName: "fuzz") : nil
        }
    }

    /// Bucket policies (JSON, the policy language).
    static func policy(_ data: [UInt8]) {
        _ = try? BucketPolicy(json: String(decoding: data, as: UTF8.self), bucket: BucketName(unchecked: "fuzz-bucket"))
    }

    /// Small values: ranges, copy sources, dates, ETags, ids, continuation tokens; one kind per
    /// first byte.
    static func values(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let s = String(decoding: data.dropFirst(), as: UTF8.self)
        switch first % 10 {
        case 0: _ = RangeRequest.parse(s)
        case 1: _ = try? CopySource(header: s)
        case 2: _ = S3Dates.parse(s)
        case 3: _ = UTCDate.parseISO8601(s); _ = UTCDate.parseAmz(s); _ = UTCDate.parseRFC1123(s)
        case 4: _ = Hex.decode(s)
        case 5: _ = try? VersionID(parsing: s)
        case 6: _ = try? PartNumber(parsing: s)
        case 7: _ = try? ContinuationToken.decode(s)
        case 8: _ = SigV2Verifier.parseHTTPDate(s)
        default: _ = URIEncoding.parseQuery(s)
        }
    }
}
