import CairnModel

/// What ListObjects (v1 and v2) asks for.
public struct ListObjectsQuery: Sendable {
    public var prefix: String
    public var delimiter: String?
    /// Exclusive lower bound: start-after, marker or the continuation point.
    public var after: String?
    public var maxKeys: Int
    public init(prefix: String = "", delimiter: String? = nil, after: String? = nil, maxKeys: Int = 1000) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.after = after
        self.maxKeys = maxKeys
    }
}

public struct ListObjectsPage: Sendable {
    public var objects: [ObjectSummary] = []
    public var commonPrefixes: [String] = []
    public var isTruncated = false
    /// The last key or common prefix returned (v1 NextMarker).
    public var lastReturned: String?
    /// Where the next page starts (exclusive), past a returned common prefix's keys.
    public var nextAfter: String?
}

extension Storage {
    /// Ordered range scans over the key index; a common prefix is skipped with one seek, so a
    /// delimiter listing costs O(returned entries), not O(keys under the prefixes).
    public func listObjects(in context: BucketContext, query q: ListObjectsQuery) async throws -> ListObjectsPage {
        let bucket = context.name
        var page = ListObjectsPage()
        guard q.maxKeys > 0 else { return page }
        var after = q.after
        if let a = after, a < q.prefix { after = nil }
        let delimiter = q.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var count = 0
        scan: while true {
            let batch = try await metadata.listObjects(bucket, prefix: q.prefix, after: after, limit: min(1000, q.maxKeys - count + 1))
            if batch.isEmpty { break }
            for obj in batch {
                let key = obj.key.rawValue
                if let d = delimiter, let cp = Self.commonPrefix(key, prefix: q.prefix, delimiter: d) {
                    let skip = cp + "\u{10FFFF}"
                    // Returned already, on an earlier page or just now: step over its keys.
                    if page.commonPrefixes.last == cp || q.after?.hasPrefix(cp) == true {
                        let resume = Self.resume(after: cp, at: key)
                        after = resume.after
                        if resume.seek { continue scan } else { continue }
                    }
                    if count == q.maxKeys { page.isTruncated = true; break scan }
                    page.commonPrefixes.append(cp)
                    count += 1
                    page.lastReturned = cp
                    page.nextAfter = skip
                    after = skip
                    continue scan
                }
                if count == q.maxKeys { page.isTruncated = true; break scan }
                page.objects.append(obj)
                count += 1
                page.lastReturned = key
                page.nextAfter = key
                after = key
            }
        }
        return page
    }

    /// Where a scan resumes past a common prefix it has returned: one seek to `cp + U+10FFFF`, or,
    /// for the rare key that sorts after that and still starts with `cp` (U+10FFFF right after
    /// it), just past that key.
    static func resume(after cp: String, at key: String) -> (after: String, seek: Bool) {
        let skip = cp + "\u{10FFFF}"
        return key.utf8.lexicographicallyPrecedes(skip.utf8) ? (skip, true) : (key, false)
    }

    static func commonPrefix(_ key: String, prefix: String, delimiter: String) -> String? {
        guard key.hasPrefix(prefix) else { return nil }
        let rest = key.utf8.dropFirst(prefix.utf8.count)
        let d = Array(delimiter.utf8)
        var i = rest.startIndex
        while i != rest.endIndex {
            if rest[i...].starts(with: d) {
                let end = key.utf8.index(i, offsetBy: d.count)
                return String(key.utf8[..<end])!
            }
            i = rest.index(after: i)
        }
        return nil
    }
}
