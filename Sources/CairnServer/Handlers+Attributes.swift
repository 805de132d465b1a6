import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    /// GetObjectAttributes: the attributes named in `x-amz-object-attributes`, ObjectParts paged by
    /// `x-amz-max-parts` / `x-amz-part-number-marker`.
    func getObjectAttributes(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let object = try await storage.object(in: call.bucket, key: address.key, version: address.versionID)
        let wanted = try call.headers.objectAttributes()
        let (maxParts, marker) = try call.headers.objectPartsPage()
        var w = XMLWriter()
        w.group("GetObjectAttributesResponse", xmlns: XMLWriter.s3Namespace) { w in
            if wanted.contains(.etag) { w.element("ETag", object.etag.value) }
            if wanted.contains(.checksum), let c = object.checksum {
                w.group("Checksum") { w in
                    w.element(c.algorithm.xmlName, c.base64)
                    w.element("ChecksumType", (object.checksumType ?? .fullObject).rawValue)
                }
            }
            if wanted.contains(.objectParts), !object.parts.isEmpty {
                let after = object.parts.filter { $0.partNumber > marker }
                let page = after.prefix(maxParts)
                w.group("ObjectParts") { w in
                    w.element("PartsCount", object.parts.count)  // TotalPartsCount on the wire is <PartsCount>
                    w.element("PartNumberMarker", marker)
                    w.element("NextPartNumberMarker", page.last?.partNumber ?? marker)
                    w.element("MaxParts", maxParts)
                    w.element("IsTruncated", after.count > page.count)
                    for p in page {
                        w.group("Part") { w in
                            if let c = p.checksum { w.element(c.algorithm.xmlName, c.base64) }
                            w.element("PartNumber", p.partNumber)
                            w.element("Size", p.size)
                        }
                    }
                }
            }
            if wanted.contains(.storageClass) { w.element("StorageClass", (object.headers.storageClass ?? .standard).rawValue) }
            if wanted.contains(.objectSize) { w.element("ObjectSize", object.size) }
        }
        var h = HTTPFields()
        h[.lastModified] = S3Dates.http(object.lastModified)
        versionHeader(object.versionID, call.bucket, into: &h)
        return Responses.xml(w, headers: h)
    }
}
