import CairnModel

/// What ListObjectVersions asks for.
public struct ListVersionsQuery: Sendable {
    public var prefix: String
    public var delimiter: String?
    public var keyMarker: String?
    public var versionIDMarker: VersionID?
    public var maxKeys: Int
    public init(prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil, versionIDMarker: VersionID? = nil,
                maxKeys: Int = 1000) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.versionIDMarker = versionIDMarker
        self.maxKeys = maxKeys
    }
}

public struct ListVersionsPage: Sendable {
    /// Versions and delete markers, by key, newest first within a key.
    public var versions: [ObjectSummary] = []
    public var commonPrefixes: [String] = []
    public var isTruncated = false
    public var nextKeyMarker: String?
    public var nextVersionIDMarker: VersionID?
}

extension Storage {
    /// ListObjectVersions: one ordered scan of (key, newest first) from the markers; a common prefix
    /// is skipped with one seek, as in ListObjects. With key-marker alone the page starts after
    /// every version of that key; with version-id-marker too, after that version.
    public func listObjectVersions(in context: BucketContext, query q: ListVersionsQuery) async throws -> ListVersionsPage {
        let bucket = context.name
        var page = ListVersionsPage()
        guard q.maxKeys > 0 else { return page }
        var afterKey = q.keyMarker
        var afterSeq: Int64?
        if let k = q.keyMarker, let v = q.versionIDMarker, let marker = try await metadata.version(bucket, ObjectKey(unchecked: k), v) {
            afterSeq = marker.seq
        }
        let delimiter = q.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var count = 0
        scan: while true {
            let batch = try await metadata.listVersions(bucket, prefix: q.prefix, afterKey: afterKey, afterSeq: afterSeq,
                                                        limit: min(1000, q.maxKeys - count + 1))
            if batch.isEmpty { break }
            for v in batch {
                let key = v.key.rawValue
                if let d = delimiter, let cp = Self.commonPrefix(key, prefix: q.prefix, delimiter: d) {
                    if page.commonPrefixes.last == cp || q.keyMarker?.hasPrefix(cp) == true {
                        let resume = Self.resume(after: cp, at: key)
                        afterKey = resume.after; afterSeq = nil
                        if resume.seek { continue scan } else { continue }
                    }
                    if count == q.maxKeys { page.isTruncated = true; break scan }
                    page.commonPrefixes.append(cp)
                    count += 1
                    page.nextKeyMarker = cp
                    page.nextVersionIDMarker = nil
                    afterKey = cp + "\u{10FFFF}"; afterSeq = nil
                    continue scan
                }
                if count == q.maxKeys { page.isTruncated = true; break scan }
                page.versions.append(v)
                count += 1
                page.nextKeyMarker = key
                page.nextVersionIDMarker = v.versionID
                afterKey = key
                afterSeq = v.seq
            }
        }
        return page
    }
}
