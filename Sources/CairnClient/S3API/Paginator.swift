import Foundation

/// The aws CLI's pagination (botocore's PageIterator + build_full_result): fetch every page,
/// concatenate the result keys, keep the non-aggregate keys of the first page (null when
/// absent), and stop after `--max-items` with a `NextToken` (base64 of JSON
/// `{"<InputToken>": ..., "boto_truncate_amount": n}`) that `--starting-token` resumes from.
struct Paginator {
    let op: S3Model.Operation
    let paginator: S3Model.Paginator
    var params: JSONObject
    let maxItems: Int?
    let startingToken: String?
    let pageSize: Int?
    /// What the aws CLI's text format prints, page by page: the first page carries the
    /// non-aggregate keys, every page its result keys, and a final `{"NextToken": {"NextToken": t}}`.
    private(set) var textPages: [JSONObject] = []

    init(op: S3Model.Operation, paginator: S3Model.Paginator, params: JSONObject, maxItems: Int?, startingToken: String?, pageSize: Int?) {
        self.op = op
        self.paginator = paginator
        self.params = params
        self.maxItems = maxItems
        self.startingToken = startingToken
        self.pageSize = pageSize
    }

    static func encodeToken(_ token: JSONObject) -> String {
        // Python's json.dumps default separators.
        Data(JSONValue.object(token).serialized(indent: nil).utf8).base64EncodedString()
    }

    static func decodeToken(_ s: String) throws -> (JSONObject, Int) {
        var padded = s
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), case .object(var o) = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            throw UsageError("Bad starting token: \(s)")
        }
        var truncate = 0
        if case .int(let n) = o["boto_truncate_amount"] ?? .null { truncate = Int(n) }
        o["boto_truncate_amount"] = nil
        return (o, truncate)
    }

    func inject(_ token: JSONObject, into p: inout JSONObject) {
        for e in token.entries {
            if e.value != .null, e.value != .string("None") { p[e.key] = e.value } else { p[e.key] = nil }
        }
    }

    func nextToken(_ page: JSONObject) -> JSONObject {
        if let more = paginator.more_results, !(page[more]?.isTruthy ?? false) { return JSONObject() }
        var t = JSONObject()
        for (out, input) in zip(paginator.output_token, paginator.input_token) {
            // An output token is a JMESPath expression (ListObjects: `NextMarker || Contents[-1].Key`).
            let v = (try? JMESPath(out).search(.object(page))) ?? .null
            t[input] = v.isTruthy ? v : .null
        }
        return t
    }

    mutating func run(fetch: (JSONObject) async throws -> JSONObject) async throws -> JSONObject {
        var current = params
        var nextTok = JSONObject()
        for k in paginator.input_token { nextTok[k] = .null }
        var startTruncation = 0
        if let startingToken {
            let (tok, trunc) = try Self.decodeToken(startingToken)
            nextTok = tok
            startTruncation = trunc
            inject(tok, into: &current)
        }
        if let pageSize, let limit = paginator.limit_key { current[limit] = .int(Int64(pageSize)) }
        let primary = paginator.result_key[0]
        var full = JSONObject()
        var nonAggregate = JSONObject()
        var resumeToken: JSONObject?
        var total = 0
        var first = true
        var previous: JSONObject?
        while true {
            var page = try await fetch(current)
            if first {
                if startingToken != nil {
                    if case .array(let a) = page[primary] ?? .null { page[primary] = .array(Array(a.dropFirst(min(startTruncation, a.count)))) }
                    for k in paginator.result_key.dropFirst() where page[k]?.arrayValue != nil { page[k] = .array([]) }
                } else {
                    startTruncation = 0
                }
                for k in paginator.non_aggregate_keys ?? [] { nonAggregate[k] = page[k] ?? .null }
                first = false
            } else {
                startTruncation = 0
            }
            let items = page[primary]?.arrayValue ?? []
            var stop = false
            if let maxItems, total + items.count - maxItems > 0 {
                let keep = items.count - (total + items.count - maxItems)
                page[primary] = .array(Array(items.prefix(keep)))
                var t = nextTok
                t["boto_truncate_amount"] = .int(Int64(keep + startTruncation))
                resumeToken = t
                stop = true
            }
            var textPage = textPages.isEmpty ? nonAggregate : JSONObject()
            for k in paginator.result_key { textPage[k] = page[k] ?? .null }
            textPages.append(textPage)
            for k in paginator.result_key {
                guard let v = page[k], v != .null else { continue }
                if case .array(let existing) = full[k] ?? .null, case .array(let more) = v {
                    full[k] = .array(existing + more)
                } else if full[k] == nil {
                    full[k] = v
                }
            }
            if stop { break }
            total += items.count
            nextTok = nextToken(page)
            if nextTok.entries.allSatisfy({ $0.value == .null }) { break }
            if let maxItems, total == maxItems { resumeToken = nextTok; break }
            if let previous, previous == nextTok {
                throw ClientFailure("The same next token was received twice: \(JSONValue.object(nextTok).serialized(indent: nil))")
            }
            inject(nextTok, into: &current)
            previous = nextTok
        }
        for e in nonAggregate.entries where full[e.key] == nil { full[e.key] = e.value }
        if let resumeToken {
            full["NextToken"] = .string(Self.encodeToken(resumeToken))
            textPages.append(JSONObject([("NextToken", .object(JSONObject([("NextToken", .string(Self.encodeToken(resumeToken)))])))]))
        }
        return full
    }
}
