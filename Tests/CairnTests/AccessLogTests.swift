import CairnModel
import CairnProtocol
@testable import CairnServer
import CoreMetrics
import Foundation
import Prometheus
import Logging
import Testing

@Suite("Access log")
struct AccessLogTests {
    static func endpoint(_ method: String, _ path: String, _ query: [(String, String)] = [], copy: Bool = false) throws -> S3Endpoint {
        try S3Endpoint.parse(method: method, rawPath: path, query: query, host: nil, hasCopySource: copy,
                             addressing: AddressingConfig())
    }

    static func logName(_ method: String, _ path: String, _ query: [(String, String)] = [], copy: Bool = false) throws -> String {
        try endpoint(method, path, query, copy: copy).logOperation(method: method)
    }

    static func request(endpoint: S3Endpoint?, method: String = "GET", rawPath: String = "/b/k", rawQuery: String = "",
                        principal: Principal = .anonymous, status: Int = 200, errorCode: String? = nil) -> ObservedRequest {
        ObservedRequest(requestID: "0000000100000002", endpoint: endpoint, principal: principal, status: status,
                        duration: .microseconds(12_345), timeToFirstByte: .microseconds(2_500),
                        received: Date(timeIntervalSince1970: 1_700_000_000.25), method: method, rawPath: rawPath,
                        rawQuery: rawQuery, host: "127.0.0.1:9000", userAgent: "Boto3/1.43 \"quoted\"",
                        remoteAddress: "127.0.0.1", signatureVersion: "SigV4", errorCode: errorCode,
                        bytesReceived: 5, bytesSent: 42, objectSize: 42, versionID: nil)
    }

    static func json(_ line: String) throws -> [String: Any] {
        #expect(!line.contains("\n"))
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("Operations are named as S3's access log names them (REST.PUT.PART)")
    func restOperationNames() throws {
        #expect(try Self.logName("GET", "/") == "REST.GET.SERVICE")
        #expect(try Self.logName("PUT", "/bkt") == "REST.PUT.BUCKET")
        #expect(try Self.logName("GET", "/bkt", [("list-type", "2")]) == "REST.GET.BUCKET")
        #expect(try Self.logName("GET", "/bkt", [("versions", "")]) == "REST.GET.BUCKETVERSIONS")
        #expect(try Self.logName("POST", "/bkt", [("delete", "")]) == "REST.POST.MULTI_OBJECT_DELETE")
        #expect(try Self.logName("PUT", "/bkt/k") == "REST.PUT.OBJECT")
        #expect(try Self.logName("PUT", "/bkt/k", copy: true) == "REST.COPY.OBJECT")
        #expect(try Self.logName("HEAD", "/bkt/k") == "REST.HEAD.OBJECT")
        #expect(try Self.logName("POST", "/bkt/k", [("uploads", "")]) == "REST.POST.UPLOADS")
        #expect(try Self.logName("PUT", "/bkt/k", [("partNumber", "1"), ("uploadId", "u")]) == "REST.PUT.PART")
        #expect(try Self.logName("PUT", "/bkt/k", [("partNumber", "1"), ("uploadId", "u")], copy: true) == "REST.COPY.PART")
        #expect(try Self.logName("POST", "/bkt/k", [("uploadId", "u")]) == "REST.POST.UPLOAD")
        #expect(try Self.logName("GET", "/bkt/k", [("uploadId", "u")]) == "REST.GET.UPLOAD")
        #expect(try Self.logName("DELETE", "/bkt/k", [("uploadId", "u")]) == "REST.DELETE.UPLOAD")
        #expect(try Self.logName("GET", "/bkt", [("uploads", "")]) == "REST.GET.UPLOADS")
        #expect(try Self.logName("GET", "/bkt", [("lifecycle", "")]) == "REST.GET.LIFECYCLE")
        // Subresources Cairn does not implement keep S3's spelling.
        #expect(try Self.logName("GET", "/bkt", [("ownershipControls", "")]) == "REST.GET.OWNERSHIP_CONTROLS")
        #expect(try Self.logName("PUT", "/bkt/k", [("legal-hold", "")]) == "REST.PUT.LEGAL_HOLD")
        #expect(try Self.logName("GET", "/bkt", [("website", "")]) == "REST.GET.WEBSITE")
    }

    @Test("Secret query values are redacted from the request URI; the rest is kept as sent")
    func redaction() {
        let presignedV4 = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=deadbeef00"
            + "&X-Amz-Security-Token=SESSIONSECRET"
        let v4 = AccessLogLine.redactedURI(rawPath: "/b/k", rawQuery: presignedV4)
        #expect(!v4.contains("deadbeef00"))
        #expect(!v4.contains("SESSIONSECRET"))
        #expect(v4.contains("X-Amz-Signature=REDACTED"))
        #expect(v4.contains("X-Amz-Security-Token=REDACTED"))
        #expect(v4.contains("X-Amz-Credential=AKID%2F20260101"))
        #expect(v4.hasPrefix("/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))

        let v2 = AccessLogLine.redactedURI(rawPath: "/b/k", rawQuery: "AWSAccessKeyId=AKID&Expires=1&Signature=abc%2Bdef%3D")
        #expect(v2 == "/b/k?AWSAccessKeyId=AKID&Expires=1&Signature=REDACTED")

        // An SSE-C key hoisted into a presigned URL's query, whatever the name's case or encoding.
        let ssec = AccessLogLine.redactedURI(
            rawPath: "/b/k", rawQuery: "x-amz-server-side-encryption-customer-key=S0VZ&X-Amz-Server-Side-Encryption-Customer-Key%2DMD5=TUQ1&partNumber=1")
        #expect(ssec == "/b/k?x-amz-server-side-encryption-customer-key=REDACTED&X-Amz-Server-Side-Encryption-Customer-Key%2DMD5=REDACTED&partNumber=1")

        #expect(AccessLogLine.redactedURI(rawPath: "/b/a%20b", rawQuery: "") == "/b/a%20b")
        #expect(AccessLogLine.redactedURI(rawPath: "/b", rawQuery: "prefix=Signature&uploads") == "/b?prefix=Signature&uploads")
    }

    @Test("A line is one JSON object with S3's access log fields, absent strings as -")
    func lineFields() throws {
        let user = UserIdentity(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI", id: "id1", displayName: "alice")
        let upload = try Self.endpoint("PUT", "/b/dir/k", [("partNumber", "2"), ("uploadId", "u1")])
        let line = AccessLogLine.format(Self.request(endpoint: upload, method: "PUT", rawPath: "/b/dir/k",
                                                     rawQuery: "partNumber=2&uploadId=u1&X-Amz-Signature=feedface",
                                                     principal: .user(user)))
        let f = try Self.json(line)
        #expect(f["time"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(f["remote_ip"] as? String == "127.0.0.1")
        #expect(f["requester"] as? String == "AKIDEXAMPLE")
        #expect(f["request_id"] as? String == "0000000100000002")
        #expect(f["operation"] as? String == "REST.PUT.PART")
        #expect(f["aws_operation"] as? String == "UploadPart")
        #expect(f["bucket"] as? String == "b")
        #expect(f["key"] as? String == "dir/k")
        #expect(f["request_uri"] as? String == "PUT /b/dir/k?partNumber=2&uploadId=u1&X-Amz-Signature=REDACTED HTTP/1.1")
        #expect(f["status"] as? Int == 200)
        #expect(f["error_code"] as? String == "-")
        #expect(f["bytes_sent"] as? Int == 42)
        #expect(f["bytes_received"] as? Int == 5)
        #expect(f["object_size"] as? Int == 42)
        #expect(f["total_time_ms"] as? Double == 12.345)
        #expect(f["turn_around_time_ms"] as? Double == 2.5)
        #expect(f["user_agent"] as? String == "Boto3/1.43 \"quoted\"")
        #expect(f["version_id"] as? String == "-")
        #expect(f["signature_version"] as? String == "SigV4")
        #expect(f["host"] as? String == "127.0.0.1:9000")
        #expect(f["tls_version"] as? String == "-")
        #expect(!line.contains("wJalrXUtnFEMI") && !line.contains("feedface"))
        // The order is fixed, S3's: time first, host and TLS version last.
        #expect(line.hasPrefix(#"{"time":"#) && line.hasSuffix(#""host":"127.0.0.1:9000","tls_version":"-"}"#))
    }

    @Test("A request refused before it named an operation is logged with dashes, the error code and its URI")
    func unparsedRequest() throws {
        let f = try Self.json(AccessLogLine.format(Self.request(endpoint: nil, rawQuery: "X-Amz-Signature=bad", status: 403,
                                                                errorCode: "SignatureDoesNotMatch")))
        #expect(f["operation"] as? String == "-")
        #expect(f["bucket"] as? String == "-")
        #expect(f["requester"] as? String == "-")
        #expect(f["error_code"] as? String == "SignatureDoesNotMatch")
        #expect(f["request_uri"] as? String == "GET /b/k?X-Amz-Signature=REDACTED HTTP/1.1")
    }

    @Test("Keys with quotes, backslashes and control characters stay valid JSON")
    func escaping() throws {
        let key = "a\"b\\c\nd\u{1}e\u{7F}f\u{8} é/😀"
        var w = JSONLineWriter()
        w.field("key", key)
        w.field("n", Int64?.none)
        let text = w.finish()
        #expect(text == "{\"key\":\"a\\\"b\\\\c\\nd\\u0001e\u{7F}f\\b é/😀\",\"n\":null}")
        #expect(try Self.json(text)["key"] as? String == key)
    }

    @Test("The signature version is read from the request's shape")
    func signatureVersion() {
        #expect(SignatureVersion.of(authorization: "AWS4-HMAC-SHA256 Credential=x", rawQuery: "") == "SigV4")
        #expect(SignatureVersion.of(authorization: "AWS AKID:c2ln", rawQuery: "") == "SigV2")
        #expect(SignatureVersion.of(authorization: nil, rawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=1") == "SigV4")
        #expect(SignatureVersion.of(authorization: nil, rawQuery: "AWSAccessKeyId=A&Expires=1&Signature=s") == "SigV2")
        #expect(SignatureVersion.of(authorization: nil, rawQuery: "list-type=2&prefix=Signature") == nil)
    }

    @Test("The object size is what a write sent or the whole object a read saw")
    func objectSize() throws {
        let put = try Self.endpoint("PUT", "/b/k")
        let get = try Self.endpoint("GET", "/b/k")
        #expect(ObjectSize.of(put, status: 200, requestDeclared: 1234, contentRange: nil, contentLength: "0") == 1234)
        #expect(ObjectSize.of(get, status: 206, requestDeclared: nil, contentRange: "bytes 0-9/5000", contentLength: "10") == 5000)
        #expect(ObjectSize.of(get, status: 200, requestDeclared: nil, contentRange: nil, contentLength: "77") == 77)
        #expect(ObjectSize.of(get, status: 404, requestDeclared: nil, contentRange: nil, contentLength: "300") == nil)
        #expect(ObjectSize.of(try Self.endpoint("GET", "/b"), status: 200, requestDeclared: nil, contentRange: nil,
                              contentLength: "900") == nil)
    }

    @Test("The metrics token is a bearer token compared whole")
    func bearerToken() {
        #expect(BearerToken.allows(nil, expected: nil))
        #expect(BearerToken.allows("Bearer s3cret", expected: "s3cret"))
        #expect(!BearerToken.allows(nil, expected: "s3cret"))
        #expect(!BearerToken.allows("Bearer s3cre", expected: "s3cret"))
        #expect(!BearerToken.allows("Bearer s3cretX", expected: "s3cret"))
        #expect(!BearerToken.allows("Basic s3cret", expected: "s3cret"))
    }

    static func counter(_ registry: PrometheusCollectorRegistry, _ name: String) -> Int? {
        registry.emitToString().split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Int($0.split(separator: " ")[1]) }
    }

    @Test("Lines reach the file in order; close writes what is queued")
    func writesLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).log").path
        defer { unlink(path) }
        let registry = PrometheusCollectorRegistry()
        let log = try AccessLog(path: path, logger: Logger(label: "test"), metrics: PrometheusMetricsFactory(registry: registry))
        for i in 0..<50 { #expect(log.enqueue("{\"n\":\(i)}")) }
        log.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines == (0..<50).map { "{\"n\":\($0)}"[...] })
        #expect(Self.counter(registry, "cairn_access_log_lines_total") == 50)
        #expect(!log.enqueue("after close"))
        log.close()  // a second close is harmless
    }

    @Test("reopen (SIGHUP) starts a new file under the same name after the old one was moved away")
    func reopenAfterRotation() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).log").path
        defer { unlink(path); unlink(path + ".1") }
        let log = try AccessLog(path: path, logger: Logger(label: "test"), metrics: NOOPMetricsHandler.instance)
        log.enqueue("{\"n\":1}")
        for _ in 0..<500 where (try? String(contentsOfFile: path, encoding: .utf8)) != "{\"n\":1}\n" {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rename(path, path + ".1") == 0)
        log.reopen()
        log.enqueue("{\"n\":2}")
        log.close()
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "{\"n\":1}\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":2}\n")
    }

    @Test("A full disk drops and counts lines instead of stopping anything")
    func fullDisk() throws {
        let registry = PrometheusCollectorRegistry()
        // /dev/full accepts the open and fails every write with ENOSPC.
        let log = try AccessLog(path: "/dev/full", logger: Logger(label: "test"), metrics: PrometheusMetricsFactory(registry: registry))
        for i in 0..<20 { #expect(log.enqueue("{\"n\":\(i)}")) }
        log.close()
        #expect(Self.counter(registry, "cairn_access_log_dropped_lines_total") == 20)
        #expect(Self.counter(registry, "cairn_access_log_lines_total") ?? 0 == 0)
    }

    @Test("A full queue drops and counts the lines it cannot hold")
    func fullQueue() throws {
        let registry = PrometheusCollectorRegistry()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).log").path
        defer { unlink(path) }
        let log = try AccessLog(path: path, capacity: 0, logger: Logger(label: "test"),
                                metrics: PrometheusMetricsFactory(registry: registry))
        #expect(!log.enqueue("{}"))
        #expect(!log.enqueue("{}"))
        log.close()
        #expect(Self.counter(registry, "cairn_access_log_dropped_lines_total") == 2)
    }
}
