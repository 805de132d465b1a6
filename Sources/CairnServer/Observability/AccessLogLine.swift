import CairnModel
import CairnProtocol

/// One request as one JSON line with the fields of S3's server access log
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html), in a fixed order.
/// Absent strings are `-` as in S3's format, absent numbers `null`.
///
/// Secrets never reach the line: the Authorization header and SSE-C key headers are not fields,
/// and the request URI's query values that are secrets (presigned signatures, session tokens,
/// SSE-C keys sent as query parameters) are replaced by `REDACTED`.
enum AccessLogLine {
    static func format(_ r: ObservedRequest) -> String {
        var w = JSONLineWriter()
        w.field("time", UTCDate(r.received).iso8601())
        w.field("remote_ip", r.remoteAddress)
        w.field("requester", r.principal.user?.accessKey)
        w.field("request_id", r.requestID)
        w.field("operation", r.endpoint?.logOperation(method: r.method))
        w.field("aws_operation", r.endpoint?.operationName)
        w.field("bucket", r.endpoint?.bucket?.rawValue)
        w.field("key", r.endpoint?.address?.key.rawValue)
        w.field("request_uri", "\(r.method) \(redactedURI(rawPath: r.rawPath, rawQuery: r.rawQuery)) HTTP/1.1")
        w.field("status", r.status)
        w.field("error_code", r.errorCode)
        w.field("bytes_sent", r.bytesSent)
        w.field("bytes_received", r.bytesReceived)
        w.field("object_size", r.objectSize)
        w.field("total_time_ms", milliseconds(r.duration))
        w.field("turn_around_time_ms", milliseconds(r.timeToFirstByte))
        w.field("user_agent", r.userAgent)
        w.field("version_id", r.versionID)
        w.field("signature_version", r.signatureVersion)
        w.field("host", r.host)
        w.field("tls_version", r.tlsVersion)
        return w.finish()
    }

    /// Query parameters whose values are secrets (compared lowercased, after percent-decoding).
    static func isSecretParameter(_ name: String) -> Bool {
        let lower = URIEncoding.decode(name).lowercased()
        return lower == "signature" || lower == "x-amz-signature" || lower == "x-amz-security-token"
            || lower.contains("server-side-encryption-customer-key")
    }

    /// The request target with every secret query value replaced by `REDACTED`.
    static func redactedURI(rawPath: String, rawQuery: String) -> String {
        guard !rawQuery.isEmpty else { return rawPath }
        let pairs = rawQuery.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "="), isSecretParameter(String(pair[..<eq])) else { return String(pair) }
            return String(pair[..<eq]) + "=REDACTED"
        }
        return rawPath + "?" + pairs.joined(separator: "&")
    }

    /// Milliseconds, to the microsecond.
    static func milliseconds(_ d: Duration) -> Double {
        let (seconds, attoseconds) = d.components
        return Double(seconds * 1_000_000 + attoseconds / 1_000_000_000_000) / 1000
    }
}

/// A flat JSON object written field by field, in the order given.
struct JSONLineWriter {
    private var text = "{"
    private var empty = true

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        guard let value else { text += "\"-\""; return }
        JSONEscaping.appendQuoted(value, to: &text)
    }

    mutating func field(_ name: String, _ value: Int) { key(name); text += String(value) }
    mutating func field(_ name: String, _ value: Int64?) { key(name); text += value.map { String($0) } ?? "null" }
    mutating func field(_ name: String, _ value: Double) { key(name); text += String(value) }

    func finish() -> String { text + "}" }

    private mutating func key(_ name: String) {
        if !empty { text += "," }
        empty = false
        JSONEscaping.appendQuoted(name, to: &text)
        text += ":"
    }
}
