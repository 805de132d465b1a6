import Foundation

/// One object of a listing, as the `aws s3` commands use it.
public struct ListedObject: Sendable {
    public var key: String
    public var size: Int64
    /// Seconds since the epoch, with the listing's fraction.
    public var lastModified: Double
    /// `GLACIER`, `DEEP_ARCHIVE`, ... (the `aws s3` commands skip archived objects).
    public var storageClass: String? = nil
}

/// One page of ListObjectsV2.
public struct ObjectPage: Sendable {
    public var objects: [ListedObject]
    public var commonPrefixes: [String]
    public var nextToken: String?
}

/// A bucket of ListBuckets.
public struct ListedBucket: Sendable {
    public var name: String
    public var creationDate: Double
}

/// ListObjectsV2 and ListBuckets, page by page (the paginators `aws s3` drives).
public struct ObjectListing: Sendable {
    let client: S3Client

    public init(client: S3Client) { self.client = client }

    /// One page under `prefix`; `delimiter` `/` for a folder view.
    public func page(bucket: String, prefix: String, delimiter: String?, token: String?, pageSize: Int? = nil) async throws -> ObjectPage {
        var q: [(String, String)] = [("list-type", "2"), ("prefix", prefix), ("encoding-type", "url")]
        if let delimiter { q.append(("delimiter", delimiter)) }
        if let token { q.append(("continuation-token", token)) }
        if let pageSize { q.append(("max-keys", String(pageSize))) }
        var req = S3Request(method: "GET", bucket: bucket, query: q)
        req.errorIn200 = true
        let resp = try await Transfer.send(client, "ListObjectsV2", req)
        guard let root = XMLElement.parse(Data(resp.body)) else { throw ClientFailure("ListObjectsV2: unreadable response") }
        // botocore asks for url-encoded keys (any byte survives XML) and decodes them again.
        let encoded = root.child("EncodingType")?.text == "url"
        func text(_ s: String) -> String { encoded ? URIEncodingBridge.decodeForm(s) : s }
        let objects = root.children("Contents").map { c in
            ListedObject(key: text(c.child("Key")?.text ?? ""), size: Int64(c.child("Size")?.text ?? "") ?? 0,
                         lastModified: Self.seconds(c.child("LastModified")?.text ?? ""), storageClass: c.child("StorageClass")?.text)
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.child("Prefix")?.text }.map(text)
        let truncated = root.child("IsTruncated")?.text == "true"
        return ObjectPage(objects: objects, commonPrefixes: prefixes,
                          nextToken: truncated ? root.child("NextContinuationToken")?.text : nil)
    }

    /// Every object under `prefix`, in key order.
    public func all(bucket: String, prefix: String, pageSize: Int? = nil) async throws -> [ListedObject] {
        var out: [ListedObject] = []
        var token: String?
        repeat {
            let p = try await page(bucket: bucket, prefix: prefix, delimiter: nil, token: token, pageSize: pageSize)
            out += p.objects
            token = p.nextToken
        } while token != nil
        return out
    }

    /// Every bucket (ListBuckets, following continuation tokens where the server pages), those
    /// whose names start with `prefix` and, when given, in `region`.
    public func buckets(prefix: String? = nil, region: String? = nil, pageSize: Int? = nil) async throws -> [ListedBucket] {
        var out: [ListedBucket] = []
        var token: String?
        repeat {
            var q: [(String, String)] = []
            if let pageSize { q.append(("max-buckets", String(pageSize))) }
            if let prefix, !prefix.isEmpty { q.append(("prefix", prefix)) }
            if let region { q.append(("bucket-region", region)) }
            if let token { q.append(("continuation-token", token)) }
            var req = S3Request(method: "GET", query: q)
            req.errorIn200 = true
            let resp = try await Transfer.send(client, "ListBuckets", req)
            guard let root = XMLElement.parse(Data(resp.body)) else { throw ClientFailure("ListBuckets: unreadable response") }
            for b in root.child("Buckets")?.children("Bucket") ?? [] {
                out.append(ListedBucket(name: b.child("Name")?.text ?? "", creationDate: Self.seconds(b.child("CreationDate")?.text ?? "")))
            }
            token = root.child("ContinuationToken")?.text
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return out
    }

    /// An S3 timestamp (ISO 8601) as seconds since the epoch; 0 when unreadable.
    static func seconds(_ s: String) -> Double {
        guard let t = BotoTimestamp.parse(s) else { return 0 }
        return Double(t.seconds) + Double(t.micros) / 1e6
    }
}
