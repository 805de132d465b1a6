import CairnModel
import CairnProtocol
import Testing

/// The typed view of a request's headers: each group parsed once, with S3's errors.
@Suite("Request headers")
struct RequestHeadersTests {
    func headers(_ h: [(String, String)], query: [(String, String)] = []) -> RequestHeaders {
        RequestHeaders(headers: h.map { (name: $0.0, value: $0.1) }, presignedQuery: query.map { (name: $0.0, value: $0.1) })
    }

    @Test("names are case-insensitive; a header wins over the presigned query's parameter of the same name")
    func lookup() throws {
        let h = headers([("X-Amz-Meta-A", "header"), ("Content-Type", "text/plain")],
                        query: [("x-amz-meta-a", "query"), ("x-amz-meta-b", "only-query")])
        #expect(try h.userMetadata() == ["a": "header", "b": "only-query"])
        #expect(try h.objectHeaders().contentType == "text/plain")
    }

    @Test("object headers: storage class enum (STANDARD stored as none), aws-chunked taken out of Content-Encoding")
    func objectHeaders() throws {
        let h = try headers([("x-amz-storage-class", "STANDARD_IA"), ("content-encoding", "gzip, aws-chunked")]).objectHeaders()
        #expect(h.storageClass == .standardIA && h.contentEncoding == "gzip")
        #expect(try headers([("x-amz-storage-class", "STANDARD")]).objectHeaders().storageClass == nil)
        #expect(throws: S3Error.self) { try headers([("x-amz-storage-class", "standard")]).objectHeaders() }
        #expect(throws: S3Error.self) { try headers([("x-amz-meta-big", String(repeating: "x", count: 2100))]).userMetadata() }
    }

    @Test("ETag conditions: lists, quotes, weak tags, *")
    func etagConditions() {
        let etag = ETag("abc")
        #expect(ETagCondition(header: "\"x\", W/\"abc\"").matches(etag))
        #expect(ETagCondition(header: " abc ").matches(etag))
        #expect(ETagCondition(header: "\"x\" , *") == .any)
        #expect(!ETagCondition(header: "\"abcd\"").matches(etag))
        let p = headers([("x-amz-copy-source-if-match", "\"abc\""), ("if-match", "\"zzz\"")]).preconditions(copySource: true)
        #expect(p.ifMatch == .tags(["abc"]) && p.ifNoneMatch == nil)
    }

    @Test("checksum headers: one value of the right length; multipart settings; mode")
    func checksums() throws {
        #expect(try headers([("x-amz-checksum-crc32", "AAAAAA==")]).checksum() == Checksum(.crc32, base64: "AAAAAA=="))
        #expect(throws: S3Error.self) { try headers([("x-amz-checksum-crc32", "AAAA")]).checksum() }
        #expect(throws: S3Error.self) { try headers([("x-amz-checksum-crc32", "AAAAAA=="), ("x-amz-checksum-crc32c", "AAAAAA==")]).checksum() }
        #expect(try headers([("x-amz-checksum-crc32", "AAAAAA==-3")]).checksum(partCount: true)?.base64 == "AAAAAA==-3")
        #expect(try headers([("x-amz-checksum-algorithm", "crc32c")]).multipartChecksum()! == (.crc32c, .composite))
        #expect(throws: S3Error.self) { try headers([("x-amz-checksum-type", "COMPOSITE")]).multipartChecksum() }
        #expect(throws: S3Error.self) {
            try headers([("x-amz-checksum-algorithm", "CRC64NVME"), ("x-amz-checksum-type", "COMPOSITE")]).multipartChecksum()
        }
        #expect(headers([("x-amz-checksum-mode", "enabled")]).checksumMode)
    }

    @Test("lengths, sizes, ranges, attributes and directives")
    func misc() throws {
        #expect(throws: S3Error.self) { try headers([]).requireBodyLength(max: 10) }
        #expect(throws: S3Error.self) { try headers([("content-length", "11")]).requireBodyLength(max: 10) }
        try headers([("x-amz-decoded-content-length", "10"), ("content-length", "99")]).requireBodyLength(max: 10)
        #expect(throws: S3Error.self) { try headers([("x-amz-mp-object-size", "-1")]).multipartObjectSize() }
        #expect(try headers([("x-amz-copy-source-range", "bytes=0-9")]).copySourceRange(size: 10) == ByteRange(first: 0, last: 9))
        #expect(throws: S3Error.self) { try headers([("x-amz-copy-source-range", "bytes=0-10")]).copySourceRange(size: 10) }
        #expect(try headers([("x-amz-object-attributes", "ETag, ObjectSize")]).objectAttributes() == [.etag, .objectSize])
        #expect(throws: S3Error.self) { try headers([("x-amz-object-attributes", "ETag,Nope")]).objectAttributes() }
        #expect(try headers([]).metadataDirective() == .copy)
        #expect(throws: S3Error.self) { try headers([("x-amz-metadata-directive", "replace")]).metadataDirective() }
        #expect(headers([("range", "bytes=1-2,4-5")]).range == nil && headers([("range", "bytes=1-2,4-5")]).rangeSent)
    }

    @Test("SSE headers: SSE-C needs TLS and a matching MD5; AES256 / aws:kms; unknown algorithms refused")
    func encryption() throws {
        let key = String(repeating: "A", count: 43) + "="  // 32 zero bytes
        let md5 = "cLyPS3KoaSFGi/joRB3OUQ=="  // base64 MD5 of 32 zero bytes
        let sseC = [("x-amz-server-side-encryption-customer-algorithm", "AES256"),
                    ("x-amz-server-side-encryption-customer-key", key), ("x-amz-server-side-encryption-customer-key-md5", md5)]
        #expect(throws: S3Error.self) { try headers(sseC).customerKey(secure: false) }
        #expect(try headers(sseC).customerKey(secure: true)?.md5 == md5)
        #expect(throws: S3Error.self) { try headers(sseC.dropLast() + [("x-amz-server-side-encryption-customer-key-md5", "AAAA")]).customerKey(secure: true) }
        #expect(try headers([("x-amz-server-side-encryption", "AES256")]).encryptionRequest(secure: false) == .s3)
        #expect(try headers([("x-amz-server-side-encryption", "aws:kms")]).encryptionRequest(secure: false) == .kms(keyID: "", bucketKeyEnabled: false))
        #expect(throws: S3Error.self) { try headers([("x-amz-server-side-encryption", "aes256")]).encryptionRequest(secure: false) }
    }
}
