import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import Testing

@Suite("Bucket naming rules")
struct BucketNameTests {
    @Test("Valid names", arguments: ["abc", "my-bucket", "my.bucket.1", "a1b", String(repeating: "a", count: 63)])
    func valid(_ name: String) { #expect(BucketName.isValid(name)) }

    @Test("Invalid names", arguments: [
        "ab", String(repeating: "a", count: 64), "Upper", "a..b", "a.-b", "a-.b", "x.-.y", "-abc", "abc-", ".abc", "192.168.1.1", "a_b",
        "xn--abc", "sthree-abc", "abc-s3alias", "abc--ol-s3", "my bucket", "amzn-s3-demo-x", "abc.mrap", "abc--x-s3",
    ])
    func invalid(_ name: String) {
        #expect(!BucketName.isValid(name))
        #expect(throws: S3Error.self) { try BucketName(validating: name) }
    }

    @Test("Keys longer than 1,024 bytes are KeyTooLongError")
    func keyLength() {
        do {
            _ = try ObjectKey(validating: String(repeating: "é", count: 513))
            Issue.record("expected KeyTooLongError")
        } catch { #expect(error.code == .keyTooLongError) }
        #expect((try? ObjectKey(validating: String(repeating: "a", count: 1024))) != nil)
    }

    @Test("Every error code has a 4xx/5xx status and a message")
    func errorTable() {
        for code in S3ErrorCode.allCases {
            #expect(code.httpStatus >= 300 && code.httpStatus < 600)
            #expect(!code.defaultMessage.isEmpty)
        }
        #expect(S3ErrorCode.noSuchUpload.httpStatus == 404)
        #expect(S3ErrorCode.invalidRange.httpStatus == 416)
    }
}

@Suite("Range header parsing")
struct RangeTests {
    @Test("Forms S3 supports")
    func forms() {
        #expect(RangeRequest.parse("bytes=0-9")?.resolve(size: 100) == ByteRange(first: 0, last: 9))
        #expect(RangeRequest.parse("bytes=10-")?.resolve(size: 100) == ByteRange(first: 10, last: 99))
        #expect(RangeRequest.parse("bytes=-5")?.resolve(size: 100) == ByteRange(first: 95, last: 99))
        #expect(RangeRequest.parse("bytes=-500")?.resolve(size: 100) == ByteRange(first: 0, last: 99))
        #expect(RangeRequest.parse("bytes=90-200")?.resolve(size: 100) == ByteRange(first: 90, last: 99))
    }

    @Test("Unsatisfiable ranges resolve to nil (416)")
    func unsatisfiable() {
        #expect(RangeRequest.parse("bytes=100-")?.resolve(size: 100) == nil)
        #expect(RangeRequest.parse("bytes=0-")?.resolve(size: 0) == nil)
        #expect(RangeRequest.parse("bytes=-0")?.resolve(size: 10) == nil)
    }

    @Test("Malformed or multi-range headers are ignored (whole object)")
    func ignored() {
        #expect(RangeRequest.parse("bytes=5-1") == nil)
        #expect(RangeRequest.parse("bytes=0-1,3-4") == nil)
        #expect(RangeRequest.parse("items=0-1") == nil)
        #expect(RangeRequest.parse("bytes=a-b") == nil)
    }
}

@Suite("XML")
struct XMLTests {
    @Test("The writer escapes text and the decoder reads it back")
    func roundTrip() throws {
        var w = XMLWriter()
        w.group("Delete", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Quiet", true)
            for k in ["a&b", "<c>", "d\"e'f", "ü/ß"] { w.group("Object") { $0.element("Key", k) } }
        }
        let decoded = try RequestXML.decode(DeleteRequestXML.self, from: Data(w.text.utf8))
        #expect(decoded.quiet)
        #expect(decoded.objects.map(\.key) == ["a&b", "<c>", "d\"e'f", "ü/ß"])
    }

    @Test("Escaping: every special character, control characters, text around them, multi-byte text")
    func escaping() {
        func esc(_ s: String) -> String {
            var out = ""
            XMLWriter.escape(s, into: &out)
            return out
        }
        #expect(esc("") == "")
        #expect(esc("plain/key-01.txt") == "plain/key-01.txt")
        #expect(esc("\"d41d8cd98f00b204e9800998ecf8427e\"") == "&quot;d41d8cd98f00b204e9800998ecf8427e&quot;")
        #expect(esc("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f")
        #expect(esc("line\nand\ttab\rcr\u{01}x\u{1F}") == "line\nand\ttab&#13;cr&#1;x&#31;")
        #expect(esc("ü/ß & 日本 <€>") == "ü/ß &amp; 日本 &lt;€&gt;")
        #expect(esc("&") == "&amp;" && esc("<<") == "&lt;&lt;")
    }

    @Test("Request XML keeps keys exactly: white space, CR (literal or &#13;), tabs, entities decoded once")
    func exactKeys() throws {
        let body = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\r\n  <Quiet> true </Quiet>\r\n"
            + "<Object><Key> </Key></Object><Object><Key>report </Key></Object>"
            + "<Object><Key>a\r\nb</Key></Object><Object><Key>c\rd</Key></Object><Object><Key>e&#13;&#10;f</Key></Object>"
            + "<Object><Key>\t</Key></Object><Object><Key>&amp;lt;</Key></Object><Object><Key><![CDATA[<x>]]></Key></Object>"
            + "<!-- a comment\r\n with > inside --><Object><Key>日本 </Key><VersionId> v1 </VersionId></Object></Delete>"
        let decoded = try RequestXML.decode(DeleteRequestXML.self, from: Data(body.utf8))
        #expect(decoded.quiet)
        #expect(decoded.objects.map(\.key) == [" ", "report ", "a\r\nb", "c\rd", "e\r\nf", "\t", "&lt;", "<x>", "日本 "])
        #expect(decoded.objects.last?.versionID == " v1 ")
    }

    @Test("Numbers, booleans and enumerations ignore the white space around them")
    func tokens() throws {
        let body = "<CompleteMultipartUpload><Part>\r\n <PartNumber> 7\r\n</PartNumber><ETag> \"e\" </ETag></Part></CompleteMultipartUpload>"
        let decoded = try RequestXML.decode(CompleteMultipartUploadXML.self, from: Data(body.utf8))
        #expect(decoded.parts.map(\.partNumber) == [7])
        #expect(decoded.parts.map(\.etag) == [" \"e\" "])
        #expect(throws: S3Error.self) {
            try RequestXML.decode(CompleteMultipartUploadXML.self, from: Data("<CompleteMultipartUpload><Part><PartNumber>7a</PartNumber></Part></CompleteMultipartUpload>".utf8))
        }
        #expect(throws: S3Error.self) {
            try RequestXML.decode(DeleteRequestXML.self, from: Data("<Delete><Quiet>yes</Quiet></Delete>".utf8))
        }
    }

    @Test("Malformed XML is MalformedXML")
    func malformed() {
        do {
            _ = try RequestXML.decode(DeleteRequestXML.self, from: Data("<Delete><Object>".utf8))
            Issue.record("expected MalformedXML")
        } catch { #expect(error.code == .malformedXML) }
    }

    @Test("Error XML carries code, message, extra fields, resource and request id")
    func errorXML() {
        let e = S3Error(.noSuchUpload, fields: [("UploadId", "u1")])
        let xml = e.xml(resource: "/b/k", requestID: "R1", hostID: "H")
        #expect(xml.contains("<Code>NoSuchUpload</Code>"))
        #expect(xml.contains("<UploadId>u1</UploadId>"))
        #expect(xml.contains("<Resource>/b/k</Resource><RequestId>R1</RequestId>"))
    }
}

@Suite("Endpoint parsing")
struct EndpointTests {
    func parse(_ method: String, _ path: String, _ query: [(String, String)] = [], host: String? = nil, copy: Bool = false,
               domain: String? = nil) throws -> S3Endpoint {
        try S3Endpoint.parse(method: method, rawPath: path, query: query, host: host, hasCopySource: copy,
                             addressing: AddressingConfig(domain: domain))
    }

    @Test("Path style keys keep slashes, empty segments and percent-decoding")
    func pathStyle() throws {
        #expect(try parse("GET", "/") == .listBuckets(ListBucketsRequest()))
        #expect(try parse("PUT", "/bkt") == .createBucket(Self.bucket("bkt")))
        #expect(try parse("GET", "/b/a//c/") == .getObject(Self.address("b", "a//c/"), partNumber: nil))
        #expect(try parse("GET", "/b/a%20b%2Bc") == .getObject(Self.address("b", "a b+c"), partNumber: nil))
        #expect(try parse("PUT", "/b/k", copy: true) == .copyObject(Self.address("b", "k")))
        #expect(try parse("GET", "/b", [("list-type", "2")]) == .listObjectsV2(Self.bucket("b"), ListObjectsRequest()))
        #expect(try parse("PUT", "/b/k", [("partNumber", "1"), ("uploadId", "u")])
                == .uploadPart(Self.address("b", "k"), partNumber: try PartNumber(parsing: "1"), uploadID: UploadID("u")))
        #expect(try parse("GET", "/b/k", [("partNumber", "3")]) == .getObject(Self.address("b", "k"), partNumber: try PartNumber(parsing: "3")))
        // A part number is parsed where the operation reads it, with S3's InvalidArgument.
        for bad in ["0", "10001", "x", ""] {
            #expect(throws: S3Error.self) { try parse("PUT", "/b/k", [("partNumber", bad), ("uploadId", "u")]) }
            #expect(throws: S3Error.self) { try parse("HEAD", "/b/k", [("partNumber", bad)]) }
        }
        #expect(try parse("DELETE", "/b/k", [("partNumber", "0")]) == .deleteObject(Self.address("b", "k")))
        #expect(try parse("GET", "/b", [("website", "")]) == .notImplemented("website"))
    }

    @Test("Names and keys are validated where they are created: CreateBucket, and the writes")
    func validatedWhereCreated() throws {
        #expect(throws: S3Error.self) { try parse("PUT", "/Bad_Bucket") }
        #expect(try parse("GET", "/Bad_Bucket") == .listObjectsV1(Self.bucket("Bad_Bucket"), ListObjectsRequest(fetchOwner: true)))
        let long = String(repeating: "k", count: 1025)
        for (method, query, copy) in [("PUT", [(String, String)](), false), ("PUT", [], true), ("POST", [("uploads", "")], false)] {
            #expect(throws: S3Error.self) { try parse(method, "/b/" + long, query, copy: copy) }
        }
        #expect(try parse("GET", "/b/" + long) == .getObject(Self.address("b", long), partNumber: nil))
    }

    @Test("Listing arguments are parsed once, with S3's errors")
    func listings() throws {
        let token = ContinuationToken.encode("k\r\n ")
        let v2 = try parse("GET", "/b", [("list-type", "2"), ("prefix", " p"), ("delimiter", "/"), ("max-keys", "5000"),
                                         ("continuation-token", token), ("start-after", "ignored"), ("encoding-type", "url")])
        #expect(v2 == .listObjectsV2(Self.bucket("b"), ListObjectsRequest(
            scope: ListingScope(prefix: " p", delimiter: "/", urlEncoded: true), maxKeys: 1000, continuationToken: token,
            startAfter: "ignored", after: "k\r\n ")))
        #expect(try parse("GET", "/b", [("marker", "m"), ("delimiter", "")])
                == .listObjectsV1(Self.bucket("b"), ListObjectsRequest(maxKeys: 1000, marker: "m", after: "m", fetchOwner: true)))
        for bad in [[("list-type", "2"), ("max-keys", "-1")], [("max-keys", "x")], [("encoding-type", "gzip")],
                    [("list-type", "2"), ("continuation-token", "%%%")], [("uploads", ""), ("max-uploads", "abc")]] {
            #expect(throws: S3Error.self) { try parse("GET", "/b", bad) }
        }
        #expect(throws: S3Error.self) { try parse("GET", "/b/k", [("uploadId", "u"), ("max-parts", "-5")]) }
        #expect(try parse("GET", "/b/k", [("uploadId", "u"), ("part-number-marker", "99999")])
                == .listParts(Self.address("b", "k"), uploadID: UploadID("u"), ListPartsRequest(partNumberMarker: 10_000)))
    }

    @Test("Virtual-hosted style takes the bucket from Host")
    func virtualHosted() throws {
        #expect(try parse("GET", "/k/x", host: "bkt.s3.local:9000", domain: "s3.local") == .getObject(Self.address("bkt", "k/x"), partNumber: nil))
        #expect(try parse("GET", "/", host: "bkt.s3.local", domain: "s3.local") == .listObjectsV1(Self.bucket("bkt"), ListObjectsRequest(fetchOwner: true)))
        #expect(try parse("GET", "/", host: "s3.local", domain: "s3.local") == .listBuckets(ListBucketsRequest()))
    }

    static func bucket(_ b: String) -> BucketName { BucketName(unchecked: b) }
    static func address(_ b: String, _ k: String) -> ObjectAddress {
        ObjectAddress(bucket: BucketName(unchecked: b), key: ObjectKey(unchecked: k))
    }
}

@Suite("Conditional requests")
struct PreconditionTests {
    let etag = ETag("abc")
    let modified = Date(timeIntervalSince1970: 1_000_000)

    @Test("If-Match true overrides a failing If-Unmodified-Since")
    func ifMatchWins() {
        let p = Preconditions(ifMatch: "\"abc\"", ifUnmodifiedSince: modified.addingTimeInterval(-10))
        #expect(p.evaluate(etag: etag, lastModified: modified) == .proceed)
    }

    @Test("If-None-Match false overrides If-Modified-Since")
    func ifNoneMatchWins() {
        let p = Preconditions(ifNoneMatch: "\"zzz\"", ifModifiedSince: modified.addingTimeInterval(10))
        #expect(p.evaluate(etag: etag, lastModified: modified) == .proceed)
        #expect(Preconditions(ifNoneMatch: "*").evaluate(etag: etag, lastModified: modified) == .notModified)
        #expect(Preconditions(ifMatch: "other").evaluate(etag: etag, lastModified: modified) == .failed)
    }
}
