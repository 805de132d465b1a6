import Foundation

/// An error response from the service: S3's `<Error>` document (or, for a HEAD without a body,
/// the HTTP status as code, as botocore does).
public struct S3ServiceError: Error, CustomStringConvertible, Sendable {
    public var code: String
    public var message: String
    public var status: Int
    public var requestID: String?
    public var operation: String = ""
    /// Set when the error is the last of several retried attempts (botocore says so in the message).
    public var retries: Int?

    public init(code: String, message: String, status: Int, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
    }

    /// The aws CLI's wording.
    public var description: String {
        let r = retries.map { " (reached max retries: \($0))" } ?? ""
        return "An error occurred (\(code)) when calling the \(operation) operation\(r): \(message)"
    }

    static func from(status: Int, body: [UInt8], headers: [(String, String)]) -> S3ServiceError {
        let reqID = headers.first { $0.0.lowercased() == "x-amz-request-id" }?.1
        if !body.isEmpty, let root = XMLElement.parse(Data(body)), root.name == "Error" {
            return S3ServiceError(code: root.child("Code")?.text ?? String(status),
                                  message: root.child("Message")?.text ?? "", status: status, requestID: reqID)
        }
        // The admin API's JSON errors: {"error": {"code": ..., "message": ...}}.
        if let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
           let detail = json["error"] as? [String: Any], let code = detail["code"] as? String {
            return S3ServiceError(code: code, message: detail["message"] as? String ?? "", status: status, requestID: reqID)
        }
        return S3ServiceError(code: String(status), message: HTTPStatusText.reason(status), status: status, requestID: reqID)
    }
}

/// A wrong command line (exit 252 in the aws CLI).
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Anything else the client reports and exits 255 on (network, files, checks that failed).
public struct ClientFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

enum HTTPStatusText {
    static func reason(_ s: Int) -> String {
        switch s {
        case 200: return "OK"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 416: return "Requested Range Not Satisfiable"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return ""
        }
    }
}
