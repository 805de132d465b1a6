import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import Hummingbird

extension S3Responder {
    /// ListObjects (v1) and ListObjectsV2.
    func listObjects(_ call: S3Call, version: Int) async throws -> Response {
        let bucket = call.bucket.name.rawValue
        let prefix = call.query["prefix"] ?? ""
        let delimiter = call.query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.intQuery("max-keys", default: 1000, range: 0...1000)
        let urlEncode = try encodingType(call)
        let enc: (String) -> String = { urlEncode ? URIEncoding.encode($0, keepSlash: true) : $0 }
        var after: String?
        var token: String?
        if version == 2 {
            token = call.query["continuation-token"]
            if let t = token {
                after = try ContinuationToken.decode(t)
            } else {
                after = call.query["start-after"]
            }
        } else {
            after = call.query["marker"]
        }
        let page = try await storage.listObjects(in: call.bucket,
                                                 query: ListObjectsQuery(prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys))
        let fetchOwner = version == 1 || call.query["fetch-owner"] == "true"
        var w = XMLWriter()
        w.group("ListBucketResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Name", bucket)
            w.element("Prefix", enc(prefix))
            if version == 1 {
                w.element("Marker", enc(call.query["marker"] ?? ""))
                if page.isTruncated, delimiter != nil, let next = page.lastReturned { w.element("NextMarker", enc(next)) }
            } else {
                if let t = token { w.element("ContinuationToken", t) }
                if let s = call.query["start-after"] { w.element("StartAfter", enc(s)) }
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
                        w.element("ChecksumType", o.checksumType ?? "FULL_OBJECT")
                    }
                    w.element("Size", o.size)
                    if fetchOwner { writeOwner(&w, o.owner) }
                    w.element("StorageClass", o.storageClass ?? "STANDARD")
                }
            }
            for p in page.commonPrefixes {
                w.group("CommonPrefixes") { $0.element("Prefix", enc(p)) }
            }
        }
        return Responses.xml(w)
    }

    /// ListObjectVersions on an unversioned bucket: every object is its own only version, "null".
    func listObjectVersions(_ call: S3Call) async throws -> Response {
        let bucket = call.bucket.name.rawValue
        let prefix = call.query["prefix"] ?? ""
        let delimiter = call.query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.intQuery("max-keys", default: 1000, range: 0...1000)
        let urlEncode = try encodingType(call)
        let enc: (String) -> String = { urlEncode ? URIEncoding.encode($0, keepSlash: true) : $0 }
        let keyMarker = call.query["key-marker"]
        let page = try await storage.listObjects(in: call.bucket,
                                                 query: ListObjectsQuery(prefix: prefix, delimiter: delimiter, after: keyMarker, maxKeys: maxKeys))
        var w = XMLWriter()
        w.group("ListVersionsResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Name", bucket)
            w.element("Prefix", enc(prefix))
            w.element("KeyMarker", enc(keyMarker ?? ""))
            w.element("VersionIdMarker", call.query["version-id-marker"] ?? "")
            if page.isTruncated, let next = page.lastReturned {
                w.element("NextKeyMarker", enc(next))
                w.element("NextVersionIdMarker", "null")
            }
            w.element("MaxKeys", maxKeys)
            if let d = delimiter { w.element("Delimiter", enc(d)) }
            if urlEncode { w.element("EncodingType", "url") }
            w.element("IsTruncated", page.isTruncated)
            for o in page.objects {
                w.group("Version") { w in
                    w.element("Key", enc(o.key.rawValue))
                    w.element("VersionId", "null")
                    w.element("IsLatest", true)
                    w.element("LastModified", S3Dates.iso8601(o.lastModified))
                    w.element("ETag", o.etag.quoted)
                    w.element("Size", o.size)
                    writeOwner(&w, o.owner)
                    w.element("StorageClass", o.storageClass ?? "STANDARD")
                }
            }
            for p in page.commonPrefixes {
                w.group("CommonPrefixes") { $0.element("Prefix", enc(p)) }
            }
        }
        return Responses.xml(w)
    }

    func encodingType(_ call: S3Call) throws(S3Error) -> Bool {
        guard let e = call.query["encoding-type"] else { return false }
        guard e == "url" else {
            throw S3Error(.invalidArgument, "Invalid Encoding Method specified in Request",
                          fields: [("ArgumentName", "encoding-type"), ("ArgumentValue", e)])
        }
        return true
    }

    func writeOwner(_ w: inout XMLWriter, _ owner: Owner, element: String = "Owner") {
        w.group(element) { w in
            w.element("ID", owner.id)
            w.element("DisplayName", owner.displayName)
        }
    }
}
