import CairnModel
import CairnSigV4
import Foundation
import Testing

/// AWS's published SigV2 examples ("Signing and authenticating REST requests", S3 developer
/// guide) and the rules of the string to sign, the resource and the verifier's errors.
@Suite("SigV2 against AWS's published S3 examples")
struct SigV2Tests {
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    struct Users: CredentialProvider {
        func user(forAccessKey key: String) -> UserIdentity? {
            key == SigV2Tests.accessKey ? UserIdentity(accessKey: key, secretKey: SigV2Tests.secret, id: "id", displayName: "example") : nil
        }
    }

    /// (method, raw path, raw query, virtual-host bucket, Date, Content-Type, string to sign, signature)
    static let examples: [(String, String, String, String?, String, String?, String, String)] = [
        ("GET", "/photos/puppy.jpg", "", "awsexamplebucket1", "Tue, 27 Mar 2007 19:36:42 +0000", nil,
         "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg", "qgk2+6Sv9/oM7G3qLEjTH1a1l1g="),
        ("PUT", "/photos/puppy.jpg", "", "awsexamplebucket1", "Tue, 27 Mar 2007 21:15:45 +0000", "image/jpeg",
         "PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/awsexamplebucket1/photos/puppy.jpg", "iqRzw+ileNPu1fhspnRs8nOjjIA="),
        ("GET", "/", "prefix=photos&max-keys=50&marker=puppy", "awsexamplebucket1", "Tue, 27 Mar 2007 19:42:41 +0000", nil,
         "GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/awsexamplebucket1/", "m0WP8eCtspQl5Ahe6L1SozdX9YA="),
        ("GET", "/", "acl", "awsexamplebucket1", "Tue, 27 Mar 2007 19:44:46 +0000", nil,
         "GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/awsexamplebucket1/?acl", "82ZHiFIjc+WbcwFKGUVEQspPn+0="),
        ("GET", "/", "", nil, "Wed, 28 Mar 2007 01:29:59 +0000", nil,
         "GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/", "qGdzdERIC03wnaRNKh6OqZehG9s="),
        ("GET", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "", nil, "Wed, 28 Mar 2007 01:49:49 +0000", nil,
         "GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "DNEZGsoieTZ92F3bUfSPQcbGmlM="),
    ]

    static func request(_ method: String, _ path: String, _ rawQuery: String, headers: [(String, String)]) -> SigV4Request {
        var r = SigV4Request(method: method, rawPath: path, query: URIEncoding.parseQuery(rawQuery), headers: headers)
        r.rawQuery = rawQuery
        return r
    }

    @Test("AWS's examples: string to sign, signature, and the verifier accepts the Authorization header")
    func awsExamples() throws {
        for (method, path, query, vhost, date, contentType, sts, signature) in Self.examples {
            let resource = SigV2.canonicalResource(rawPath: path, rawQuery: query, virtualHostBucket: vhost)
            let built = SigV2.stringToSign(method: method, contentMD5: "", contentType: contentType ?? "", date: date,
                                           canonicalAmzHeaders: "", resource: resource)
            #expect(built == sts)
            #expect(SigV2.signature(secret: Self.secret, stringToSign: sts) == signature)

            var headers = [("Date", date), ("Authorization", "AWS \(Self.accessKey):\(signature)")]
            if let contentType { headers.append(("Content-Type", contentType)) }
            let now = SigV2Verifier.parseHTTPDate(date)!
            let verified = try SigV2Verifier(credentials: Users()).verify(Self.request(method, path, query, headers: headers),
                                                                         virtualHostBucket: vhost, now: now)
            #expect(verified.payload == .unsigned)
        }
    }

    @Test("x-amz-* headers: lowercased, sorted by name, repeated values comma-joined, trimmed and unfolded")
    func amzHeaders() {
        let c = SigV2.canonicalAmzHeaders([
            ("X-Amz-Meta-ReviewedBy", "joe@example.com"), ("x-amz-acl", " public-read "), ("Content-Type", "x"),
            ("X-Amz-Meta-ReviewedBy", "jane@example.com"), ("x-amz-meta-folded", "a\r\n   b  c"), ("X-AMZ-Date", "d"),
        ])
        #expect(c == "x-amz-acl:public-read\nx-amz-date:d\nx-amz-meta-folded:a b  c\nx-amz-meta-reviewedby:joe@example.com,jane@example.com\n")
        #expect(SigV2.canonicalAmzHeaders([("Content-MD5", "x")]) == "")
    }

    @Test("Resource: signed subresources sorted, values decoded, bare names bare, other parameters left out")
    func resource() {
        #expect(SigV2.canonicalResource(rawPath: "/b/k%20k", rawQuery: "uploadId=a%2Bb&partNumber=2&x-id=UploadPart", virtualHostBucket: nil)
            == "/b/k%20k?partNumber=2&uploadId=a+b")
        #expect(SigV2.canonicalResource(rawPath: "/b", rawQuery: "uploads&prefix=x", virtualHostBucket: nil) == "/b?uploads")
        #expect(SigV2.canonicalResource(rawPath: "/b/k", rawQuery: "acl=", virtualHostBucket: nil) == "/b/k?acl=")
        #expect(SigV2.canonicalResource(rawPath: "/k", rawQuery: "response-content-type=text%2Fplain&versionId=3", virtualHostBucket: "bk")
            == "/bk/k?response-content-type=text/plain&versionId=3")
        #expect(SigV2.canonicalResource(rawPath: "", rawQuery: "", virtualHostBucket: "bk") == "/bk/")
    }

    @Test("Query auth: x-amz-* from the query are signed, Content-Type only as a header; Expires is the date line")
    func queryAuth() throws {
        let expires = "1175139620"
        let sts = "GET\n\ntext/plain\n\(expires)\nx-amz-security-token:tok\n/awsexamplebucket1/photos/puppy.jpg"
        let sig = SigV2.signature(secret: Self.secret, stringToSign: sts)
        let raw = "AWSAccessKeyId=\(Self.accessKey)&Expires=\(expires)&Signature=\(URIEncoding.encode(sig))&content-type=text%2Fplain&x-amz-security-token=tok"
        let r = Self.request("GET", "/awsexamplebucket1/photos/puppy.jpg", raw, headers: [("Content-Type", "text/plain")])
        let v = SigV2Verifier(credentials: Users())
        _ = try v.verify(r, virtualHostBucket: nil, now: Date(timeIntervalSince1970: 1_175_139_000))
        let withoutHeader = Self.request("GET", "/awsexamplebucket1/photos/puppy.jpg", raw, headers: [])
        #expect(throws: S3Error.self) { try v.verify(withoutHeader, virtualHostBucket: nil, now: Date(timeIntervalSince1970: 1_175_139_000)) }

        #expect(throws: S3Error.self) { try v.verify(r, virtualHostBucket: nil, now: Date(timeIntervalSince1970: 1_175_139_700)) }
        do {
            _ = try v.verify(r, virtualHostBucket: nil, now: Date(timeIntervalSince1970: 1_175_139_700))
        } catch {
            #expect(error.code == .accessDenied && error.message == "Request has expired")
            #expect(error.fields.map(\.0) == ["Expires", "ServerTime"])
            #expect(error.fields[0].1 == "2007-03-29T03:40:20Z" && error.fields[1].1 == "2007-03-29T03:41:40Z")
        }
    }

    @Test("A wrong signature gives SignatureDoesNotMatch with StringToSign, SignatureProvided and StringToSignBytes")
    func wrongSignature() {
        let date = "Wed, 28 Mar 2007 01:29:59 +0000"
        let r = Self.request("GET", "/", "", headers: [("Date", date), ("Authorization", "AWS \(Self.accessKey):bm90IGl0")])
        do {
            _ = try SigV2Verifier(credentials: Users()).verify(r, virtualHostBucket: nil, now: SigV2Verifier.parseHTTPDate(date)!)
            Issue.record("accepted a wrong signature")
        } catch {
            #expect(error.code == .signatureDoesNotMatch)
            #expect(error.fields.map(\.0) == ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"])
            #expect(error.fields[1].1 == "GET\n\n\n\(date)\n/")
            #expect(error.fields[2].1 == "bm90IGl0")
            #expect(error.fields[3].1.hasPrefix("47 45 54 0a 0a 0a 57 65 64"))
        }
    }

    @Test("Header auth errors: no date, unknown key, malformed header, skewed clock")
    func headerErrors() {
        let v = SigV2Verifier(credentials: Users())
        func error(_ headers: [(String, String)], now: Date = Date(timeIntervalSince1970: 1_175_045_399)) -> S3Error? {
            do { _ = try v.verify(Self.request("GET", "/", "", headers: headers), virtualHostBucket: nil, now: now); return nil } catch {
                return error
            }
        }
        let date = ("Date", "Wed, 28 Mar 2007 01:29:59 +0000")
        let noDate = error([("Authorization", "AWS \(Self.accessKey):x")])
        #expect(noDate?.code == .accessDenied && noDate?.message == "AWS authentication requires a valid Date or x-amz-date header")
        #expect(error([date, ("Authorization", "AWS NOPE:x")])?.code == .invalidAccessKeyId)
        #expect(error([date, ("Authorization", "AWS \(Self.accessKey)")])?.code == .invalidArgument)
        let skewed = error([date, ("Authorization", "AWS \(Self.accessKey):x")], now: Date(timeIntervalSince1970: 1_175_047_000))
        #expect(skewed?.code == .requestTimeTooSkewed && skewed?.fields.first?.1 == date.1)
    }

    @Test("x-amz-date replaces Date: the date line is empty and x-amz-date is among the amz headers")
    func amzDateHeader() throws {
        let amzDate = "Wed, 28 Mar 2007 01:29:59 +0000"
        let sts = "DELETE\n\n\n\nx-amz-date:\(amzDate)\n/b/k"
        let sig = SigV2.signature(secret: Self.secret, stringToSign: sts)
        let r = Self.request("DELETE", "/b/k", "", headers: [("Date", "ignored"), ("x-amz-date", amzDate), ("Authorization", "AWS \(Self.accessKey):\(sig)")])
        _ = try SigV2Verifier(credentials: Users()).verify(r, virtualHostBucket: nil, now: SigV2Verifier.parseHTTPDate(amzDate)!)
    }

    @Test("The authenticator sends SigV2 shapes to SigV2 and refuses two mechanisms at once")
    func routing() {
        let auth = RequestAuthenticator(credentials: Users())
        func code(_ query: String, _ headers: [(String, String)]) -> S3ErrorCode? {
            do { _ = try auth.verify(Self.request("GET", "/b/k", query, headers: headers), virtualHostBucket: nil); return nil } catch { return error.code }
        }
        // A SigV2 query without Expires: SigV2's own error, not SigV4's.
        #expect(code("AWSAccessKeyId=\(Self.accessKey)&Signature=x", []) == .accessDenied)
        #expect(code("AWSAccessKeyId=\(Self.accessKey)&Signature=x&Expires=1", [("Authorization", "AWS a:b")]) == .invalidArgument)
        #expect(code("", [("Authorization", "AWS NOPE:x"), ("Date", UTCDate(Date()).rfc1123)]) == .invalidAccessKeyId)
    }
}
