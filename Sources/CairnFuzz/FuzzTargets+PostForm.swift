import CairnModel
import CairnProtocol
import CairnSigV4
import Foundation

extension FuzzTargets {
    /// POST Object (browser upload) forms. An odd first byte: the rest is a POST policy document
    /// (the JSON; the form carries it base64-encoded), checked against a fixed form, so the policy
    /// parser is reached without a valid signature. An even one: the second byte is how the body
    /// is cut into network reads, the first line is the Content-Type, the rest the
    /// multipart/form-data body, read as `PostFormReader` reads it; its fields then go through the
    /// key, the object headers, the success action and the signature check.
    static func postForm(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        if data[0] & 1 == 1 {
            guard let policy = try? PostPolicy(base64: Data(data.dropFirst()).base64EncodedString()) else { return }
            _ = policy.contentLengthRange
            _ = try? policy.check(fields: postFields, bucket: "fuzz-bucket", now: Date(timeIntervalSince1970: 1_796_342_400))
            return
        }
        let piece = max(1, Int(data[1]))
        let rest = data[2...]
        let lineEnd = rest.firstIndex(of: 10) ?? rest.endIndex
        guard let boundary = try? MultipartBoundary.parse(contentType: String(decoding: rest[..<lineEnd], as: UTF8.self)) else { return }
        var body = rest[lineEnd...].dropFirst()
        var scanner = MultipartFormScanner(boundary: boundary)
        var fields: [(name: String, value: String)] = []
        var filename: String?
        var finished = false
        do {
            while true {
                if let event = try scanner.next() {
                    switch event {
                    case .field(let name, let value): if filename == nil { fields.append((name, value)) }
                    case .fileStart(let name): filename = name
                    case .fileData, .fileEnd: break
                    }
                    continue
                }
                if scanner.isDone { break }
                // After the end of the body the server's reader asks again: a scanner that still
                // wants input instead of answering or throwing would spin it forever.
                precondition(!finished, "MultipartFormScanner wants input after finish()")
                if body.isEmpty {
                    scanner.finish()
                    finished = true
                } else {
                    scanner.feed(body.prefix(piece))
                    body = body.dropFirst(piece)
                }
            }
        } catch {}
        let form = PostObjectForm(fields: fields, filename: filename ?? "")
        _ = try? form.key()
        _ = try? form.requestHeaders()
        _ = form.successAction
        if let auth = try? authenticator.authenticatePost(fields: form.byName) {
            _ = try? auth.policy?.check(fields: form.fields, bucket: "fuzz-bucket", now: Date(timeIntervalSince1970: 1_796_342_400))
        }
    }

    /// The form a fuzzed policy document is checked against (what boto3's generate_presigned_post sends).
    static let postFields: [(name: String, value: String)] = [
        ("key", "uploads/${filename}"), ("acl", "public-read"), ("success_action_status", "201"),
        ("Content-Type", "image/png"), ("x-amz-meta-a", "b"), ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", "AKIAFUZZ/20261204/us-east-1/s3/aws4_request"), ("x-amz-date", "20261204T000000Z"),
        ("policy", "e30="), ("x-amz-signature", String(repeating: "0", count: 64)), ("bucket", "fuzz-bucket"),
    ]
}
