@testable import CairnClient
import Foundation
import Testing

@Suite("aws CLI pagination (botocore PageIterator)")
struct ClientPaginationTests {
    // Expected tokens: base64.b64encode(json.dumps({...})) in Python, as botocore's TokenEncoder.
    @Test("NextToken is base64 of Python's json.dumps of the input tokens")
    func tokens() throws {
        #expect(Paginator.encodeToken(JSONObject([("PartNumberMarker", .string("3")), ("boto_truncate_amount", .int(1))]))
            == "eyJQYXJ0TnVtYmVyTWFya2VyIjogIjMiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==")
        #expect(Paginator.encodeToken(JSONObject([("KeyMarker", .string("k1")), ("UploadIdMarker", .null)]))
            == "eyJLZXlNYXJrZXIiOiAiazEiLCAiVXBsb2FkSWRNYXJrZXIiOiBudWxsfQ==")
        let (tok, trunc) = try Paginator.decodeToken("eyJQYXJ0TnVtYmVyTWFya2VyIjogIjMiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==")
        #expect(tok["PartNumberMarker"] == .string("3") && trunc == 1 && tok.count == 1)
        #expect(throws: UsageError.self) { try Paginator.decodeToken("not a token") }
    }

    /// Pages of ListParts: 2 parts each, 5 in all.
    func page(_ marker: JSONValue?) -> JSONObject {
        let start = Int(marker?.stringValue ?? "0") ?? 0
        let nums = Array((start + 1)...min(start + 2, 5))
        var o = JSONObject()
        o["Bucket"] = .string("b")
        o["Parts"] = .array(nums.map { .object(JSONObject([("PartNumber", .int(Int64($0)))])) })
        o["IsTruncated"] = .bool(nums.last! < 5)
        if nums.last! < 5 { o["NextPartNumberMarker"] = .string(String(nums.last!)) }
        o["StorageClass"] = .string("STANDARD")
        return o
    }

    func run(maxItems: Int? = nil, startingToken: String? = nil) async throws -> JSONObject {
        let op = S3Model.shared.operations["ListParts"]!
        var p = Paginator(op: op, paginator: op.paginator!, params: JSONObject(), maxItems: maxItems,
                          startingToken: startingToken, pageSize: nil)
        return try await p.run { params in self.page(params["PartNumberMarker"]) }
    }

    func numbers(_ o: JSONObject) -> [Int64] {
        (o["Parts"]?.arrayValue ?? []).compactMap { if case .int(let n) = $0["PartNumber"] ?? .null { return n }; return nil }
    }

    @Test("all pages merged; only the non-aggregate keys of the first page kept (null when absent)")
    func merged() async throws {
        let o = try await run()
        #expect(numbers(o) == [1, 2, 3, 4, 5])
        #expect(o.keys == ["Parts", "ChecksumAlgorithm", "Initiator", "Owner", "StorageClass", "ChecksumType"])
        #expect(o["Initiator"] == .null && o["StorageClass"] == .string("STANDARD"))
    }

    @Test("--max-items truncates mid-page; --starting-token resumes exactly there")
    func maxItems() async throws {
        let first = try await run(maxItems: 3)
        #expect(numbers(first) == [1, 2, 3])
        let token = try #require(first["NextToken"]?.stringValue)
        let (t, trunc) = try Paginator.decodeToken(token)
        #expect(t["PartNumberMarker"] == .string("2") && trunc == 1)
        let rest = try await run(startingToken: token)
        #expect(numbers(rest) == [4, 5] && rest["NextToken"] == nil)
        let exact = try await run(maxItems: 2)
        #expect(numbers(exact) == [1, 2])
        #expect(try Paginator.decodeToken(exact["NextToken"]!.stringValue!).1 == 0)
    }
}
