import CairnModel
import Foundation

/// The fields of a POST Object form that came before its file, with the file's name: what the
/// upload is (key, headers, tags, ACL) and how to answer it. Field names are case-insensitive,
/// as S3 reads them; values are taken byte for byte.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
public struct PostObjectForm: Sendable {
    /// (name as sent, value), in form order.
    public let fields: [(name: String, value: String)]
    /// The file part's Content-Disposition filename ("" when it gave none).
    public let filename: String

    public init(fields: [(name: String, value: String)], filename: String) {
        self.fields = fields
        self.filename = filename
    }

    /// The first value of a field (`name` lowercased).
    public subscript(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name }?.value
    }

    /// The fields by lowercased name (the first of repeated names), for the signature check.
    public var byName: [String: String] {
        var out: [String: String] = [:]
        for (n, v) in fields where out[n.lowercased()] == nil { out[n.lowercased()] = v }
        return out
    }

    /// The object's key: the `key` field with `${filename}` replaced by the file's name, validated
    /// as a key to write (KeyTooLongError).
    public func key() throws(S3Error) -> ObjectKey {
        guard let raw = self["key"], !raw.isEmpty else {
            throw S3Error(.invalidArgument, "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
                          fields: [("ArgumentName", "key"), ("ArgumentValue", "")])
        }
        return try ObjectKey(validating: raw.replacingOccurrences(of: "${filename}", with: filename))
    }

    /// The fields that are request headers in a PutObject (`Content-Type`, `Cache-Control`,
    /// `x-amz-meta-*`, `x-amz-server-side-encryption`, `x-amz-checksum-*`, `x-amz-storage-class`,
    /// ...), with `acl` as `x-amz-acl` and the `tagging` document as `x-amz-tagging`, so the upload
    /// goes through the same typed accessors as PutObject's headers.
    public func requestHeaders() throws(S3Error) -> RequestHeaders {
        var headers: [(name: String, value: String)] = []
        for (name, value) in fields {
            let lower = name.lowercased()
            if lower == "acl" {
                guard Self.cannedACLs.contains(value) else {
                    throw S3Error(.invalidArgument, fields: [("ArgumentName", "acl"), ("ArgumentValue", value)])
                }
                headers.append(("x-amz-acl", value))
            } else if lower == "tagging" {
                let tags = try TaggingXML.tagSet(from: Data(value.utf8), for: .object)
                headers.append(("x-amz-tagging", URIEncoding.formatQuery(tags.tags.map { ($0.key, $0.value) })))
            } else if Self.headerFields.contains(lower) || lower.hasPrefix("x-amz-meta-") || lower.hasPrefix("x-amz-checksum-")
                        || lower.hasPrefix("x-amz-server-side-encryption") {
                headers.append((lower, value))
            }
        }
        return RequestHeaders(headers: headers)
    }

    /// How to answer a successful upload: `success_action_redirect` (or the older `redirect`),
    /// else `success_action_status` (200, 201 or, by default and for any other value, 204).
    public var successAction: PostSuccessAction {
        if let url = self["success_action_redirect"] ?? self["redirect"], !url.isEmpty { return .redirect(url) }
        switch self["success_action_status"] {
        case "200": return .status(200)
        case "201": return .status(201)
        default: return .status(204)
        }
    }

    /// S3's canned ACL names (`acl` field, `x-amz-acl` header).
    public static let cannedACLs: Set<String> = [
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
        "bucket-owner-read", "bucket-owner-full-control",
    ]

    /// Form fields that are PutObject headers of the same name.
    static let headerFields: Set<String> = [
        "cache-control", "content-type", "content-disposition", "content-encoding", "content-language", "expires",
        "content-md5", "x-amz-storage-class", "x-amz-website-redirect-location", "x-amz-object-lock-mode",
        "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold", "x-amz-sdk-checksum-algorithm",
    ]
}

/// The answer to a successful POST Object.
public enum PostSuccessAction: Sendable, Equatable {
    case status(Int)
    /// 303 See Other to the URL with `bucket`, `key` and `etag` added to its query.
    case redirect(String)
}

/// `Content-Type: multipart/form-data; boundary=...`.
public enum MultipartBoundary {
    /// The boundary, or S3's 412 for a POST that is not a form upload.
    public static func parse(contentType: String?) throws(S3Error) -> String {
        let params = FormPartHeaders.parameters(contentType ?? "")
        guard let type = contentType?.split(separator: ";").first?.trimmingHTTPWhitespace.lowercased(),
              type == "multipart/form-data" else {
            throw S3Error(.preconditionFailed, fields: [("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")])
        }
        guard let boundary = params["boundary"], !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw S3Error(.malformedPOSTRequest)
        }
        return boundary
    }
}
