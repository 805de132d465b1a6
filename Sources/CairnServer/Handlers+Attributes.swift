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
        let object = try await storage.object(in: call.bucket, key: address.key)
        let known: Set<String> = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
        let wanted = Set((call.header("x-amz-object-attributes") ?? "").split(separator: ",").map { String($0.trimmingHTTPWhitespace) })
        guard !wanted.isEmpty, wanted.isSubset(of: known) else {
            throw S3Error(.invalidArgument, "Invalid attribute name specified.", fields: [("ArgumentName", "x-amz-object-attributes")])
        }
        func headerInt(_ name: String, _ def: Int, _ max: Int) throws(S3Error) -> Int {
            guard let raw = call.header(name) else { return def }
            guard let v = Int(raw), v >= 0 else {
                throw S3Error(.invalidArgument, "Invalid \(name) value", fields: [("ArgumentName", name), ("ArgumentValue", raw)])
            }
            return min(v, max)
        }
        let maxParts = try headerInt("x-amz-max-parts", 1000, 1000)
        let marker = try headerInt("x-amz-part-number-marker", 0, PartNumber.max)
        var w = XMLWriter()
        w.group("GetObjectAttributesResponse", xmlns: XMLWriter.s3Namespace) { w in
            if wanted.contains("ETag") { w.element("ETag", object.etag.value) }
            if wanted.contains("Checksum"), let c = object.checksum {
                w.group("Checksum") { w in
                    w.element(c.algorithm.xmlName, c.base64)
                    w.element("ChecksumType", object.checksumType ?? "FULL_OBJECT")
                }
            }
            if wanted.contains("ObjectParts"), !object.parts.isEmpty {
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
            if wanted.contains("StorageClass") { w.element("StorageClass", object.headers.storageClass ?? "STANDARD") }
            if wanted.contains("ObjectSize") { w.element("ObjectSize", object.size) }
        }
        var h = HTTPFields()
        h[.lastModified] = S3Dates.http(object.lastModified)
        return Responses.xml(w, headers: h)
    }
}
