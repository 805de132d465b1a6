import CairnModel
import CairnSigV4
import Foundation
import Testing

/// AWS's published S3 SigV4 examples ("Signature Calculations for the Authorization Header:
/// Transferring Payload in a Single Chunk" and "Authenticating Requests: Using Query Parameters").
@Suite("SigV4 against AWS's published S3 examples")
struct SigV4Tests {
    static let creds = SigningCredentials(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let scope = CredentialScope(date: "20130524", region: "us-east-1", service: "s3")
    static let host = ("host", "examplebucket.s3.amazonaws.com")
    static let amzDate = "20130524T000000Z"

    struct Users: CredentialProvider {
        func user(forAccessKey key: String) -> UserIdentity? {
            key == creds.accessKey ? UserIdentity(accessKey: key, secretKey: creds.secretKey, id: "id", displayName: "example") : nil
        }
    }

    func signature(of header: String) -> String { String(header.split(separator: "=").last!) }

    @Test("x-amz-date parsing: epoch seconds across leap days and centuries, malformed values refused")
    func amzDates() {
        let cases: [(String, TimeInterval)] = [
            ("20130524T000000Z", 1_369_353_600), ("20000229T123456Z", 951_827_696),
            ("20240301T000000Z", 1_709_251_200), ("19700101T000000Z", 0), ("20991231T235959Z", 4_102_444_799),
        ]
        for (text, epoch) in cases { #expect(SigV4.parseAmzDate(text)?.timeIntervalSince1970 == epoch, "\(text)") }
        for bad in ["20130524T000000", "2013052T000000Z", "20131324T000000Z", "20130524T250000Z", "2013-05-24T00:00Z"] {
            #expect(SigV4.parseAmzDate(bad) == nil, "\(bad)")
        }
    }

    @Test("HTTP whitespace trimming keeps inner spaces and tabs")
    func httpWhitespace() {
        #expect(" \t a b\t ".trimmingHTTPWhitespace == "a b")
        #expect("".trimmingHTTPWhitespace == "")
        #expect(" \t ".trimmingHTTPWhitespace == "")
        #expect("x".trimmingHTTPWhitespace == "x")
    }

    @Test("GET Object with a Range header")
    func getObject() {
        let r = SigV4Request(method: "GET", rawPath: "/test.txt", query: [], headers: [
            Self.host, ("range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.emptySHA256), ("x-amz-date", Self.amzDate),
        ])
        let h = SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)
        #expect(signature(of: h) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("PUT Object with a Date header and a special character in the key")
    func putObject() {
        let payload = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        let r = SigV4Request(method: "PUT", rawPath: "/test%24file.text", query: [], headers: [
            Self.host, ("date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", Self.amzDate),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payload),
        ])
        let h = SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: payload)
        #expect(signature(of: h) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("GET Bucket lifecycle subresource")
    func getLifecycle() {
        let r = SigV4Request(method: "GET", rawPath: "/", query: [("lifecycle", "")], headers: [
            Self.host, ("x-amz-date", Self.amzDate), ("x-amz-content-sha256", SigV4.emptySHA256),
        ])
        let h = SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)
        #expect(signature(of: h) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test("GET Bucket with max-keys and prefix, query sorted")
    func listObjects() {
        let r = SigV4Request(method: "GET", rawPath: "/", query: [("max-keys", "2"), ("prefix", "J")], headers: [
            Self.host, ("x-amz-date", Self.amzDate), ("x-amz-content-sha256", SigV4.emptySHA256),
        ])
        let h = SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)
        #expect(signature(of: h) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("The verifier accepts AWS's example and rejects a changed header")
    func verifierAcceptsAndRejects() throws {
        var r = SigV4Request(method: "GET", rawPath: "/test.txt", query: [], headers: [
            Self.host, ("range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.emptySHA256), ("x-amz-date", Self.amzDate),
        ])
        r.headers.append(("authorization", SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)))
        let now = SigV4.parseAmzDate(Self.amzDate)!
        let v = SigV4Verifier(credentials: Users())
        let ok = try v.verify(r, now: now)
        #expect(ok.user.displayName == "example")
        #expect(ok.payload == .signed(sha256Hex: SigV4.emptySHA256))
        r.headers[1] = ("range", "bytes=0-10")
        #expect(throws: S3Error.self) { try v.verify(r, now: now) }
        do { _ = try v.verify(r, now: now) } catch { #expect(error.code == .signatureDoesNotMatch) }
    }

    @Test("A request 16 minutes off the server clock is RequestTimeTooSkewed")
    func skew() throws {
        var r = SigV4Request(method: "GET", rawPath: "/test.txt", query: [], headers: [
            Self.host, ("x-amz-content-sha256", SigV4.emptySHA256), ("x-amz-date", Self.amzDate),
        ])
        r.headers.append(("authorization", SigV4.authorizationHeader(for: r, credentials: Self.creds, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)))
        let v = SigV4Verifier(credentials: Users())
        do {
            _ = try v.verify(r, now: SigV4.parseAmzDate(Self.amzDate)!.addingTimeInterval(16 * 60))
            Issue.record("expected RequestTimeTooSkewed")
        } catch { #expect(error.code == .requestTimeTooSkewed) }
    }

    @Test("An unknown access key is InvalidAccessKeyId")
    func unknownKey() {
        var r = SigV4Request(method: "GET", rawPath: "/", query: [], headers: [
            Self.host, ("x-amz-content-sha256", SigV4.emptySHA256), ("x-amz-date", Self.amzDate),
        ])
        let other = SigningCredentials(accessKey: "AKIDOTHER", secretKey: "x")
        r.headers.append(("authorization", SigV4.authorizationHeader(for: r, credentials: other, scope: Self.scope, amzDate: Self.amzDate, payloadHash: SigV4.emptySHA256)))
        do {
            _ = try SigV4Verifier(credentials: Users()).verify(r, now: SigV4.parseAmzDate(Self.amzDate)!)
            Issue.record("expected InvalidAccessKeyId")
        } catch { #expect(error.code == .invalidAccessKeyId) }
    }

    @Test("Presigned GET example verifies within its expiry and fails after it")
    func presigned() throws {
        let query: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
            ("X-Amz-Date", Self.amzDate), ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Signature", "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
        ]
        let r = SigV4Request(method: "GET", rawPath: "/test.txt", query: query, headers: [Self.host])
        let v = SigV4Verifier(credentials: Users())
        let start = SigV4.parseAmzDate(Self.amzDate)!
        let ok = try v.verify(r, now: start.addingTimeInterval(3600))
        #expect(ok.payload == .unsigned)
        do {
            _ = try v.verify(r, now: start.addingTimeInterval(86401))
            Issue.record("expected expiry")
        } catch {
            #expect(error.code == .accessDenied)
            #expect(error.message == "Request has expired")
        }
    }

    @Test("Presigning AWS's example GET gives AWS's signature, in botocore's parameter order")
    func presignExample() {
        let q = SigV4.presignedQuery(method: "GET", rawPath: "/test.txt", query: [], host: Self.host.1, credentials: Self.creds,
                                     sessionToken: nil, scope: Self.scope, amzDate: Self.amzDate, expiresIn: 86400)
        #expect(q.map(\.0) == ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires", "X-Amz-Signature"])
        #expect(q.last?.1 == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test("URI encoding keeps unreserved characters and encodes the rest in uppercase hex")
    func uriEncoding() {
        #expect(URIEncoding.encode("a b+c/d~e", keepSlash: true) == "a%20b%2Bc/d~e")
        #expect(URIEncoding.encode("a/b") == "a%2Fb")
        #expect(URIEncoding.decode("a%20b%2fc+") == "a b/c+")
        #expect(SigV4.canonicalURI(rawPath: "/b/k%21ey") == "/b/k%21ey")
        #expect(SigV4.canonicalURI(rawPath: "/b/k!ey") == "/b/k%21ey")
    }
}
