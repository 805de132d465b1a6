@testable import CairnClient
import Foundation
import Testing

/// Documents generated from the aws CLI and botocore themselves (Tests/Fixtures/generate_*.py).
enum ClientFixtures {
    static func load(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        return try JSONValue.parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    /// The entries of a botocore capture (`file`'s array `key`), each with its operation.
    static func operationCases(_ file: String, _ key: String) throws -> [(name: String, op: S3Model.Operation, entry: JSONObject)] {
        let entries = (try load(file)[key]?.arrayValue ?? []).compactMap(\.objectValue)
        return try entries.map { c in
            let name = c["operation"]?.stringValue ?? ""
            return (name, try #require(S3Model.shared.operations[name], "\(name)"), c)
        }
    }

    /// `operations` of s3api_arguments.json, by aws CLI name.
    static func arguments() throws -> [(cli: String, entry: JSONObject)] {
        let root = try load("s3api_arguments.json")
        return (root["operations"]?.objectValue?.entries ?? []).map { ($0.key, $0.value.objectValue ?? JSONObject()) }
    }
}

@Suite("cairn s3api offers every operation of the S3 model as the aws CLI does")
struct S3APIAllOperationsTests {
    @Test("every aws s3api operation exists, and no other")
    func operations() throws {
        let fixture = try ClientFixtures.arguments()
        #expect(fixture.count > 100)
        #expect(Set(fixture.map(\.cli)) == Set(S3Model.shared.cliNames))
        for (cli, entry) in fixture {
            #expect(S3Model.shared.operation(cli: cli)?.name == entry["operation"]?.stringValue)
        }
    }

    @Test("each operation's options and required options are the aws CLI's")
    func argumentTables() throws {
        for (cli, entry) in try ClientFixtures.arguments() {
            let op = try #require(S3Model.shared.operation(cli: cli)).op
            let expected = (entry["arguments"]?.arrayValue ?? []).compactMap(\.objectValue)
            // cli-input-yaml is the aws CLI v2's; the v1 CLI in the fixture lacks it.
            let mine = CommandLineParser.argumentTable(op).filter { $0.name != "cli-input-yaml" }
            #expect(Set(mine.map(\.name)) == Set(expected.compactMap { $0["name"]?.stringValue }), "\(cli)")
            #expect(Set(mine.filter(\.required).map(\.name)) == Set(expected.filter { $0["required"] == .bool(true) }.compactMap { $0["name"]?.stringValue }),
                    "\(cli)")
        }
    }

    @Test("the parser takes every option of the aws CLI's argument table")
    func parserAcceptsEveryOption() throws {
        for (cli, entry) in try ClientFixtures.arguments() {
            let skeleton = entry["skeleton"]?.objectValue ?? JSONObject()
            let op = try #require(S3Model.shared.operation(cli: cli))
            let members = op.op.input.map { S3Model.shared.shape($0).members ?? [] } ?? []
            for arg in (entry["arguments"]?.arrayValue ?? []).compactMap(\.objectValue) {
                let name = arg["name"]?.stringValue ?? ""
                var argv = [cli]
                if name == "outfile" {
                    argv.append("out.bin")
                } else if arg["boolean"] == .bool(true) {
                    argv.append("--" + name)
                } else if let m = members.first(where: { $0.cli == name }) {
                    // A member's value: its skeleton (JSON for structures and lists), a number, or text.
                    let v = skeleton[m.name] ?? .string("x")
                    argv += ["--" + name, v.isScalar ? (v == .null ? "file" : v.pythonString) : v.serialized(indent: nil)]
                } else {
                    let values = ["page-size": "1", "max-items": "1", "generate-cli-skeleton": "input"]
                    argv += ["--" + name, values[name] ?? "e30="]
                }
                #expect(throws: Never.self, "\(argv)") { _ = try CommandLineParser.parse(argv) }
            }
        }
    }

    @Test("--generate-cli-skeleton input is the aws CLI's document")
    func skeletons() throws {
        for (cli, entry) in try ClientFixtures.arguments() {
            let op = try #require(S3Model.shared.operation(cli: cli)).op
            let mine = op.input.map { ModelCodec.skeleton(shapeName: $0, forOutput: false) } ?? .object(JSONObject())
            #expect(mine == entry["skeleton"], "\(cli)")
        }
    }

    @Test("requests are serialised as botocore serialises them: path, query, headers, XML body, checksum")
    func requestsMatchBotocore() throws {
        let cases = try ClientFixtures.operationCases("s3_requests.json", "requests")
        #expect(cases.count >= 20)
        for (name, op, c) in cases {
            var req = try ModelCodec.request(op, params: c["params"]?.objectValue ?? JSONObject())
            try ModelCodec.addChecksum(&req, op: op, params: c["params"]?.objectValue ?? JSONObject(), whenSupported: true)
            #expect(req.method == c["method"]?.stringValue, "\(name)")
            let config = ClientConfig(endpoint: URL(string: "http://127.0.0.1:9")!, region: "us-east-1", accessKey: "a", secretKey: "b")
            #expect(URL(string: config.url(for: req))?.host.map { $0 + ":9" } == c["host"]?.stringValue, "\(name)")
            #expect(req.signingName == c["service"]?.stringValue, "\(name)")
            let path = "/" + [req.bucket, req.key].compactMap { $0 }.joined(separator: "/")
            #expect(path == c["path"]?.stringValue, "\(name)")
            let query = req.query.map { "\($0.0)=\($0.1)" }.sorted()
            let expectedQuery = (c["query"]?.arrayValue ?? []).map { pair in
                (pair.arrayValue ?? []).map { $0.stringValue ?? "" }.joined(separator: "=")
            }.sorted()
            #expect(query == expectedQuery, "\(name)")
            let headers = req.headers.map { "\($0.0.lowercased()): \($0.1)" }.sorted()
            let expectedHeaders = (c["headers"]?.arrayValue ?? []).map { pair in
                (pair.arrayValue ?? []).map { $0.stringValue ?? "" }.joined(separator: ": ")
            }.sorted()
            #expect(headers == expectedHeaders, "\(name)")
            var body: [UInt8] = []
            if case .bytes(let b) = req.body { body = b }
            let expectedBody = Data(base64Encoded: c["body"]?.stringValue ?? "") ?? Data()
            #expect(String(decoding: body, as: UTF8.self) == String(decoding: expectedBody, as: UTF8.self), "\(name)")
        }
    }

    @Test("nested parameters are validated as botocore does: missing, then unknown, then each known member")
    func validation() throws {
        // The aws CLI's own output for `put-bucket-tagging --tagging '{"TagSet":[{"Key":1,"Bad":2}],"X":[1]}'`.
        let tagging = try JSONValue.parse(#"{"TagSet":[{"Key":1,"Bad":2}],"X":[1]}"#)
        let params = JSONObject([("Bucket", .string("b")), ("Tagging", tagging)])
        #expect(throws: UsageError.self) { try ParamValidator.validate(params, inputShape: "PutBucketTaggingRequest") }
        do {
            try ParamValidator.validate(params, inputShape: "PutBucketTaggingRequest")
        } catch let e as UsageError {
            #expect(e.description == """
                Parameter validation failed:
                Unknown parameter in Tagging: "X", must be one of: TagSet
                Missing required parameter in Tagging.TagSet[0]: "Value"
                Unknown parameter in Tagging.TagSet[0]: "Bad", must be one of: Key, Value
                Invalid type for parameter Tagging.TagSet[0].Key, value: 1, type: <class 'int'>, valid types: <class 'str'>
                """)
        }
        let good = JSONObject([("Bucket", .string("b")), ("Tagging", try JSONValue.parse(#"{"TagSet":[{"Key":"k","Value":""}]}"#))])
        try ParamValidator.validate(good, inputShape: "PutBucketTaggingRequest")
    }

    @Test("responses are parsed as botocore parses them: headers first, payloads, flattened lists, attributes")
    func responsesMatchBotocore() throws {
        let cases = try ClientFixtures.operationCases("s3_responses.json", "responses")
        #expect(cases.count >= 60)
        for (name, op, c) in cases {
            let headers = (c["headers"]?.arrayValue ?? []).map { pair -> (String, String) in
                let p = pair.arrayValue ?? []
                return (p.first?.stringValue ?? "", p.last?.stringValue ?? "")
            }
            let body = [UInt8](Data(base64Encoded: c["body"]?.stringValue ?? "") ?? Data())
            let parsed = ModelCodec.parse(op, response: S3Response(status: 200, headers: headers, body: body))
            #expect(JSONValue.object(parsed) == c["parsed"], "\(name)")
        }
    }
}
