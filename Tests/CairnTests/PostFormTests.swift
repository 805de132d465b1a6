import CairnModel
@testable import CairnProtocol
import CairnSigV4
import Foundation
import Testing

/// POST Object: the streaming `multipart/form-data` scanner, the form's key and headers, and the
/// policy document's conditions.
@Suite("POST Object form")
struct PostFormTests {
    let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

    func body(_ fields: [(String, String)], file: String?, filename: String = "cat.jpg", after: [(String, String)] = []) -> [UInt8] {
        var s = ""
        for (n, v) in fields { s += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(n)\"\r\n\r\n\(v)\r\n" }
        if let file {
            s += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n\(file)\r\n"
        }
        for (n, v) in after { s += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(n)\"\r\n\r\n\(v)\r\n" }
        s += "--\(boundary)--\r\n"
        return Array(s.utf8)
    }

    /// Feeds `bytes` in chunks of `chunk`, collecting fields, the file's bytes and how it ended.
    func scan(_ bytes: [UInt8], chunk: Int, preDataLimit: Int = MultipartFormScanner.defaultPreDataLimit) throws(S3Error)
        -> (fields: [(String, String)], filename: String?, file: [UInt8], ended: Bool) {
        var scanner = MultipartFormScanner(boundary: boundary, preDataLimit: preDataLimit)
        var fields: [(String, String)] = [], filename: String?, file: [UInt8] = [], ended = false
        var offset = 0
        while !scanner.isDone {
            if let event = try scanner.next() {
                switch event {
                case .field(let n, let v): fields.append((n, v))
                case .fileStart(let f): filename = f
                case .fileData(let d): file += d
                case .fileEnd: ended = true
                }
                continue
            }
            if offset < bytes.count {
                scanner.feed(bytes[offset..<min(offset + chunk, bytes.count)])
                offset += chunk
            } else {
                scanner.finish()
            }
        }
        return (fields, filename, file, ended)
    }

    @Test("fields in any order before the file, the file's bytes exactly, at any chunking; fields after the file are not parsed")
    func scansAtAnyChunking() throws {
        // The file holds CRs, LFs, dashes and a near-delimiter.
        let content = "line1\r\nline2\r\n--\(boundary.dropLast())x\r\n\r\n-end"
        let bytes = body([("Content-Type", "text/plain"), ("key", "up/${filename}"), ("x-amz-meta-a", "α b")], file: content,
                         after: [("ignored", "yes")])
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let r = try scan(bytes, chunk: chunk)
            #expect(r.fields.map(\.0) == ["Content-Type", "key", "x-amz-meta-a"])
            #expect(r.fields.map(\.1) == ["text/plain", "up/${filename}", "α b"])
            #expect(r.filename == "cat.jpg" && r.ended)
            #expect(r.file == Array(content.utf8), "chunk \(chunk)")
        }
    }

    @Test("an empty file, a field value that is empty or holds CRLFs")
    func emptyValues() throws {
        let r = try scan(body([("key", ""), ("note", "a\r\nb")], file: ""), chunk: 5)
        #expect(r.fields.map(\.1) == ["", "a\r\nb"])
        #expect(r.file.isEmpty && r.ended)
    }

    @Test("a body cut inside the file is IncompleteBody; a form with no file is IncorrectNumberOfFilesInPostRequest")
    func truncated() {
        var cut = body([("key", "k")], file: String(repeating: "x", count: 100))
        cut.removeLast(60)
        #expect(throws: S3Error.self) { _ = try scan(cut, chunk: 16) }
        do { _ = try scan(cut, chunk: 16) } catch { #expect(error.code == .incompleteBody) }
        do { _ = try scan(body([("key", "k")], file: nil), chunk: 16); Issue.record("no error") } catch {
            #expect(error.code == .incorrectNumberOfFilesInPostRequest)
        }
        do { _ = try scan(Array("garbage".utf8), chunk: 3); Issue.record("no error") } catch { #expect(error.code == .malformedPOSTRequest) }
    }

    @Test("a form arriving a byte at a time is searched once: twice the fields, twice the bytes looked at")
    func byteAtATimeIsLinear() throws {
        // Values full of CRs (the header search's first byte), as libFuzzer's input was. Each byte
        // still re-reads a delimiter's length (a delimiter may straddle two reads): linear.
        func searched(_ n: Int) throws -> Int {
            let value = String(repeating: "\r-", count: n)
            let bytes = body([("key", "k"), ("x-amz-meta-a", value), ("x-amz-meta-b", value)], file: "x")
            var scanner = MultipartFormScanner(boundary: boundary)
            var fields = 0
            for b in bytes {
                scanner.feed(CollectionOfOne(b))
                while let event = try scanner.next() { if case .field = event { fields += 1 } }
            }
            #expect(fields == 3 && scanner.isDone)
            return scanner.searched
        }
        let small = try searched(2_000), large = try searched(4_000)
        // Searching each value again from its start at every byte made this ratio about 4.
        #expect(Double(large) / Double(small) < 2.2, "\(small) then \(large) bytes searched")
    }

    @Test("fields before the file over the limit are MaxPostPreDataLengthExceededError, even while a value is unfinished")
    func preDataLimit() {
        let big = String(repeating: "v", count: 30 * 1024)
        do { _ = try scan(body([("x-ignore-pad", big)], file: "f"), chunk: 1024); Issue.record("no error") } catch {
            #expect(error.code == .maxPostPreDataLengthExceeded)
        }
        #expect(throws: Never.self) { _ = try scan(body([("x-ignore-pad", String(big.prefix(10 * 1024)))], file: "f"), chunk: 1024) }
    }

    @Test("Content-Disposition parameters: quoted, escaped, unquoted, any case")
    func dispositionParameters() throws {
        let p = FormPartHeaders.parameters("form-data; NAME=\"a\\\"b\"; filename=c.txt ; x=\"; y\"")
        #expect(p == ["name": "a\"b", "filename": "c.txt", "x": "; y"])
        #expect(try MultipartBoundary.parse(contentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(throws: S3Error.self) { _ = try MultipartBoundary.parse(contentType: "application/x-www-form-urlencoded") }
    }

    @Test("the key takes ${filename}; acl and tagging become x-amz-acl and x-amz-tagging; unknown ACLs are refused")
    func keyAndHeaders() throws {
        let form = PostObjectForm(fields: [("Key", "up/${filename}"), ("acl", "public-read"), ("Content-Type", "image/png"),
                                           ("tagging", "<Tagging><TagSet><Tag><Key>a b</Key><Value>1</Value></Tag></TagSet></Tagging>"),
                                           ("x-amz-meta-who", "me"), ("policy", "p"), ("success_action_status", "201")],
                                  filename: "cat.png")
        #expect(try form.key().rawValue == "up/cat.png")
        let h = try form.requestHeaders()
        #expect(h.conditionValue("x-amz-acl") == "public-read")
        #expect(try h.tagging()?.tags == [TagSet.Tag(key: "a b", value: "1")])
        #expect(try h.objectHeaders().contentType == "image/png")
        #expect(try h.userMetadata() == ["who": "me"])
        #expect(h.conditionValue("policy") == nil)
        #expect(form.successAction == .status(201))
        let bad = PostObjectForm(fields: [("key", "k"), ("acl", "world-writable")], filename: "")
        #expect(throws: S3Error.self) { _ = try bad.requestHeaders() }
        do { _ = try PostObjectForm(fields: [], filename: "f").key(); Issue.record("no error") } catch { #expect(error.code == .invalidArgument) }
    }

    func policy(_ conditions: String, expiration: String = "2099-01-01T00:00:00Z") throws(S3Error) -> PostPolicy {
        try PostPolicy(base64: Data("{\"expiration\": \"\(expiration)\", \"conditions\": \(conditions)}".utf8).base64EncodedString())
    }

    func failure(_ p: PostPolicy, _ fields: [(String, String)]) -> String? {
        do { try p.check(fields: fields.map { (name: $0.0, value: $0.1) }, bucket: "photos") } catch { return error.message }
        return nil
    }

    @Test("policy conditions: exact match, eq, starts-with, the bucket, extra fields, expiry, content-length-range")
    func policyConditions() throws {
        let p = try policy(#"[{"bucket": "photos"}, ["starts-with", "$key", "user/"], ["eq", "$x-amz-meta-tag", "ok"], {"acl": "private"}, ["content-length-range", 1, "1048576"]]"#)
        #expect(p.contentLengthRange == 1...1_048_576)
        let good = [("key", "user/cat"), ("x-amz-meta-tag", "ok"), ("ACL", "private"), ("policy", "x"), ("x-ignore-me", "1")]
        #expect(failure(p, good) == nil)
        #expect(failure(p, [("key", "other/cat"), ("x-amz-meta-tag", "ok"), ("acl", "private")])
                == #"Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]"#)
        #expect(failure(p, [("key", "user/cat"), ("x-amz-meta-tag", "no"), ("acl", "private")])
                == #"Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-tag", "ok"]"#)
        #expect(failure(p, good + [("x-amz-meta-extra", "1")]) == "Invalid according to Policy: Extra input fields: x-amz-meta-extra")
        let other = try policy(#"[{"bucket": "elsewhere"}]"#)
        #expect(failure(other, []) == #"Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "elsewhere"]"#)
        let expired = try policy("[]", expiration: "2001-01-01T00:00:00Z")
        #expect(failure(expired, []) == "Invalid according to Policy: Policy expired.")
        let types = try policy(#"[["starts-with", "$Content-Type", "image/"]]"#)
        #expect(failure(types, [("Content-Type", "image/png, image/gif")]) == nil)
        #expect(failure(types, [("Content-Type", "image/png, text/plain")]) != nil)
    }

    @Test("a policy that is not base64 JSON, lacks expiration or has an unknown operation is InvalidPolicyDocument")
    func invalidPolicies() {
        for text in ["not base64!", Data("[1]".utf8).base64EncodedString(), Data(#"{"conditions": []}"#.utf8).base64EncodedString(),
                     Data(#"{"expiration": "2099-01-01T00:00:00Z", "conditions": [["matches", "$key", "x"]]}"#.utf8).base64EncodedString()] {
            do { _ = try PostPolicy(base64: text); Issue.record("accepted \(text)") } catch { #expect(error.code == .invalidPolicyDocument) }
        }
    }
}
