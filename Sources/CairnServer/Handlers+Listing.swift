import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import Hummingbird

extension S3Responder {
    /// ListObjects (v1) and ListObjectsV2.
    func listObjects(_ call: S3Call, _ r: ListObjectsRequest, version: Int) async throws -> Response {
        let bucket = call.bucket.name.rawValue
        let (prefix, delimiter, maxKeys, urlEncode) = (r.scope.prefix, r.scope.delimiter, r.maxKeys, r.scope.urlEncoded)
        let enc: (String) -> String = { urlEncode ? URIEncoding.encode($0, keepSlash: true) : $0 }
        let page = try await storage.listObjects(in: call.bucket,
                                                 query: ListObjectsQuery(prefix: prefix, delimiter: delimiter, after: r.after, maxKeys: maxKeys))
        let fetchOwner = r.fetchOwner
        var w = XMLWriter()
        w.group("ListBucketResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Name", bucket)
            w.element("Prefix", enc(prefix))
            if version == 1 {
                w.element("Marker", enc(r.marker ?? ""))
                if page.isTruncated, delimiter != nil, let next = page.lastReturned { w.element("NextMarker", enc(next)) }
            } else {
                if let t = r.continuationToken { w.element("ContinuationToken", t) }
                if let s = r.startAfter { w.element("StartAfter", enc(s)) }
                if page.isTruncated, let next = page.nextAfter {
                    w.element("NextContinuationToken", ContinuationToken.encode(next))
                }
                w.element("KeyCount", page.objects.count + page.commonPrefixes.count)
            }
            w.element("MaxKeys", maxKeys)
            if let d = delimiter { w.element("Delimiter", enc(d)) }
            if urlEncode { w.element("EncodingType", "url") }
            w.element("IsTruncated", page.isTruncated)
            for o in page.objects {
                w.group("Contents") { w in
                    w.element("Key", enc(o.key.rawValue))
                    w.element("LastModified", S3Dates.iso8601(o.lastModified))
                    w.element("ETag", o.etag.quoted)
                    if let a = o.checksumAlgorithm {
                        w.element("ChecksumAlgorithm", a.rawValue)
                        w.element("ChecksumType", (o.checksumType ?? .fullObject).rawValue)
                    }
                    w.element("Size", o.size)
                    if fetchOwner { writeOwner(&w, o.owner) }
                    w.element("StorageClass", (o.storageClass ?? .standard).rawValue)
                }
            }
            for p in page.commonPrefixes {
                w.group("CommonPrefixes") { $0.element("Prefix", enc(p)) }
            }
        }
        return Responses.xml(w)
    }

    /// ListObjectVersions: versions and delete markers by key, newest first (an unversioned
    /// bucket's objects are each their own only version, `null`).
    func listObjectVersions(_ call: S3Call, _ r: ListVersionsRequest) async throws -> Response {
        let bucket = call.bucket.name.rawValue
        let (prefix, delimiter, maxKeys, urlEncode) = (r.scope.prefix, r.scope.delimiter, r.maxKeys, r.scope.urlEncoded)
        let enc: (String) -> String = { urlEncode ? URIEncoding.encode($0, keepSlash: true) : $0 }
        let page = try await storage.listObjectVersions(in: call.bucket, query: ListVersionsQuery(
            prefix: prefix, delimiter: delimiter, keyMarker: r.keyMarker, versionIDMarker: r.versionIDMarker, maxKeys: maxKeys))
        var w = XMLWriter()
        w.group("ListVersionsResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Name", bucket)
            w.element("Prefix", enc(prefix))
            w.element("KeyMarker", enc(r.keyMarker ?? ""))
            w.element("VersionIdMarker", r.versionIDMarker?.rawValue ?? "")
            if page.isTruncated, let next = page.nextKeyMarker {
                w.element("NextKeyMarker", enc(next))
                w.element("NextVersionIdMarker", page.nextVersionIDMarker?.rawValue)
            }
            w.element("MaxKeys", maxKeys)
            if let d = delimiter { w.element("Delimiter", enc(d)) }
            if urlEncode { w.element("EncodingType", "url") }
            w.element("IsTruncated", page.isTruncated)
            for o in page.versions {
                w.group(o.isDeleteMarker ? "DeleteMarker" : "Version") { w in
                    w.element("Key", enc(o.key.rawValue))
                    w.element("VersionId", o.versionID.rawValue)
                    w.element("IsLatest", o.isLatest)
                    w.element("LastModified", S3Dates.iso8601(o.lastModified))
                    if !o.isDeleteMarker {
                        w.element("ETag", o.etag.quoted)
                        w.element("Size", o.size)
                    }
                    writeOwner(&w, o.owner)
                    if !o.isDeleteMarker { w.element("StorageClass", (o.storageClass ?? .standard).rawValue) }
                }
            }
            for p in page.commonPrefixes {
                w.group("CommonPrefixes") { $0.element("Prefix", enc(p)) }
            }
        }
        return Responses.xml(w)
    }

    func writeOwner(_ w: inout XMLWriter, _ owner: Owner, element: String = "Owner") {
        w.group(element) { w in
            w.element("ID", owner.id)
            w.element("DisplayName", owner.displayName)
        }
    }
}
