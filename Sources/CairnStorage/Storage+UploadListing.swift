import CairnModel
import Foundation

public struct ListUploadsQuery: Sendable {
    public var prefix: String
    public var delimiter: String?
    public var keyMarker: String?
    public var uploadIDMarker: UploadID?
    public var maxUploads: Int
    public init(prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil, uploadIDMarker: UploadID? = nil, maxUploads: Int = 1000) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.uploadIDMarker = uploadIDMarker
        self.maxUploads = maxUploads
    }
}

public struct ListUploadsPage: Sendable {
    public var uploads: [UploadRecord] = []
    public var commonPrefixes: [String] = []
    public var isTruncated = false
    public var nextKeyMarker: String?
    public var nextUploadIDMarker: UploadID?
}

extension Storage {
    /// ListMultipartUploads: a range scan of the (bucket, key, initiated, id) index from the markers.
    /// With key-marker alone, uploads of keys after it; with upload-id-marker too, the marker key's
    /// uploads initiated after that upload, then later keys.
    public func listMultipartUploads(in context: BucketContext, query q: ListUploadsQuery) async throws -> ListUploadsPage {
        let bucket = context.name
        var page = ListUploadsPage()
        guard q.maxUploads > 0 else { return page }
        var afterKey = q.keyMarker
        var afterUpload: (Date, UploadID)?
        if let k = q.keyMarker, let u = q.uploadIDMarker, let marker = try await metadata.upload(u, bucket: bucket, key: ObjectKey(unchecked: k)) {
            afterUpload = (marker.initiated, marker.uploadID)
        }
        if let a = afterKey, a < q.prefix, afterUpload == nil { afterKey = nil }
        let delimiter = q.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var count = 0
        scan: while true {
            let batch = try await metadata.listUploads(bucket, prefix: q.prefix, afterKey: afterKey, afterUpload: afterUpload,
                                                       limit: min(1000, q.maxUploads - count + 1))
            if batch.isEmpty { break }
            for u in batch {
                let key = u.key.rawValue
                if let d = delimiter, let cp = Self.commonPrefix(key, prefix: q.prefix, delimiter: d) {
                    let skip = cp + "\u{10FFFF}"
                    if page.commonPrefixes.last == cp || q.keyMarker?.hasPrefix(cp) == true {
                        let resume = Self.resume(after: cp, at: key)
                        afterKey = resume.after; afterUpload = nil
                        if resume.seek { continue scan } else { continue }
                    }
                    if count == q.maxUploads { page.isTruncated = true; break scan }
                    page.commonPrefixes.append(cp)
                    count += 1
                    page.nextKeyMarker = cp
                    page.nextUploadIDMarker = nil
                    afterKey = skip; afterUpload = nil
                    continue scan
                }
                if count == q.maxUploads { page.isTruncated = true; break scan }
                page.uploads.append(u)
                count += 1
                page.nextKeyMarker = key
                page.nextUploadIDMarker = u.uploadID
                afterKey = key
                afterUpload = (u.initiated, u.uploadID)
            }
        }
        return page
    }
}
