import CairnHashing
import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    func createMultipartUpload(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let objectKey = address.key
        let (bucket, key) = (address.bucket.rawValue, address.key.rawValue)
        let headers = try call.headers.objectHeaders()
        let checksum = try call.headers.multipartChecksum()
        let (algorithm, type) = (checksum?.0, checksum?.1)
        let (encryption, _) = try await writeEncryption(call)
        let tags = try call.headers.tagging() ?? TagSet()
        // The request's lock is checked now and kept; the bucket's default applies at completion.
        let lock = try call.headers.objectLock()
        _ = try storage.lock(for: lock, in: call.bucket.record)
        let upload = try await storage.createMultipartUpload(in: call.bucket, key: objectKey, owner: call.owner,
                                                             headers: headers, checksumAlgorithm: algorithm, checksumType: type,
                                                             encryption: encryption, tags: tags, lock: lock,
                                                             objectOwner: call.objectWrite.owner, acl: call.objectWrite.grants)
        var h = HTTPFields()
        encryptionHeaders(upload.encryption, into: &h)
        if let a = algorithm {
            h["x-amz-checksum-algorithm"] = a.rawValue
            h["x-amz-checksum-type"] = type?.rawValue
        }
        try await addAbortRule(&h, upload)
        var w = XMLWriter()
        w.group("InitiateMultipartUploadResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Bucket", bucket)
            w.element("Key", key)
            w.element("UploadId", upload.uploadID)
        }
        return Responses.xml(w, headers: h)
    }

    func uploadPart(_ call: S3Call, _ address: ObjectAddress, partNumber: PartNumber, uploadID: UploadID) async throws -> Response {
        let upload = try await storage.upload(uploadID, in: call.bucket, key: address.key)
        try call.headers.requireBodyLength(max: storage.limits.maxSinglePutSize)
        let (body, trailers) = try BodyDecoding.body(call)
        var check = try PayloadVerifier(call: call, trailers: trailers)
        try check.require(upload.checksumAlgorithm)
        let customerKey = try call.customerKey()
        try Storage.checkPartKey(upload, customerKey: customerKey)
        try await storage.checkQuotaBeforeBody(call.bucket, declaredBytes: call.headers.declaredBodyLength,
                                               part: (uploadID, partNumber))
        call.sendContinue()
        let part = try await storage.uploadPart(upload, partNumber: partNumber, body: body, check: check, customerKey: customerKey,
                                                quota: call.bucket.record.quota)
        var h = HTTPFields()
        encryptionHeaders(upload.encryption, into: &h)
        h[.eTag] = part.etag.quoted
        // An upload with an algorithm answers with the part's value of it; a default (CRC64NVME)
        // upload echoes only what the part was sent with, as AWS documents for UploadPart.
        if let c = upload.checksumAlgorithm == nil ? check.sentChecksum : part.checksum { h[c.algorithm.headerName] = c.base64 }
        return Responses.empty(headers: h)
    }

    func uploadPartCopy(_ call: S3Call, _ address: ObjectAddress, partNumber: PartNumber, uploadID: UploadID) async throws -> Response {
        let upload = try await storage.upload(uploadID, in: call.bucket, key: address.key)
        let source = try await copySource(call)
        let sourceKey = try call.customerKey(copySource: true)
        try Storage.checkReadKey(source, customerKey: sourceKey)
        let customerKey = try call.customerKey()
        try Storage.checkPartKey(upload, customerKey: customerKey)
        let range = try call.headers.copySourceRange(size: source.size)
        let body = storage.read(source, range: range, customerKey: sourceKey)
        let part = try await storage.uploadPart(upload, partNumber: partNumber, body: body,
                                                check: CopyCheck(algorithm: upload.checksumAlgorithm ?? .default), customerKey: customerKey,
                                                quota: call.bucket.record.quota)
        var h = HTTPFields()
        encryptionHeaders(upload.encryption, into: &h)
        copySourceVersionHeader(source, call, into: &h)
        var w = XMLWriter()
        w.group("CopyPartResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("LastModified", S3Dates.iso8601(part.lastModified))
            w.element("ETag", part.etag.quoted)
            // CopyPartResult names only an algorithm the upload was created with (AWS), not the default.
            if upload.checksumAlgorithm != nil, let c = part.checksum { w.element(c.algorithm.xmlName, c.base64) }
        }
        return Responses.xml(w, headers: h)
    }

    func completeMultipartUpload(_ call: S3Call, _ address: ObjectAddress, uploadID: UploadID) async throws -> Response {
        let objectKey = address.key
        let (bucket, key) = (address.bucket.rawValue, address.key.rawValue)
        call.sendContinue()
        let body = try await collectXMLBody(call, limit: 16 * 1024 * 1024, checksumHeaders: false)
        guard !body.isEmpty else { throw S3Error(.malformedXML) }
        let request = try CompleteMultipartUploadXML.decode(from: body)
        let object = try await storage.completeMultipartUpload(
            uploadID, in: call.bucket, key: objectKey, requester: call.owner,
            parts: request.parts.map { CompletedPartRequest(partNumber: $0.partNumber, etag: $0.etag, checksums: $0.checksums) },
            conditions: CompleteConditions(write: try call.headers.writeConditions(), objectSize: try call.headers.multipartObjectSize(), checksum: try call.headers.checksum(partCount: true)))
        var h = HTTPFields()
        encryptionHeaders(object.encryption, into: &h)
        versionHeader(object.versionID, call.bucket, into: &h)
        var w = XMLWriter()
        w.group("CompleteMultipartUploadResult", xmlns: XMLWriter.s3Namespace) { w in
            let host = call.request.head.authority ?? "localhost"
            w.element("Location", "http://\(host)/\(URIEncoding.encode(bucket))/\(URIEncoding.encode(key, keepSlash: true))")
            w.element("Bucket", bucket)
            w.element("Key", key)
            w.element("ETag", object.etag.quoted)
            if let c = object.checksum {
                w.element(c.algorithm.xmlName, c.base64)
                w.element("ChecksumType", object.checksumType)
            }
        }
        return Responses.xml(w, headers: h)
    }

    func abortMultipartUpload(_ call: S3Call, _ address: ObjectAddress, uploadID: UploadID) async throws -> Response {
        try await storage.abortMultipartUpload(uploadID, in: call.bucket, key: address.key)
        let h = HTTPFields()
        return Responses.empty(.noContent, headers: h)
    }

    func listParts(_ call: S3Call, _ address: ObjectAddress, uploadID: UploadID, _ r: ListPartsRequest) async throws -> Response {
        let (bucket, key) = (address.bucket.rawValue, address.key.rawValue)
        let upload = try await storage.upload(uploadID, in: call.bucket, key: address.key)
        let (maxParts, marker) = (r.maxParts, r.partNumberMarker)
        let (parts, truncated) = try await storage.listParts(upload, marker: marker, maxParts: maxParts)
        var h = HTTPFields()
        try await addAbortRule(&h, upload)
        var w = XMLWriter()
        w.group("ListPartsResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Bucket", bucket)
            w.element("Key", key)
            w.element("UploadId", uploadID.rawValue)
            w.element("PartNumberMarker", marker)
            w.element("NextPartNumberMarker", parts.last?.partNumber ?? 0)
            w.element("MaxParts", maxParts)
            w.element("IsTruncated", truncated)
            for p in parts {
                w.group("Part") { w in
                    w.element("PartNumber", p.partNumber)
                    w.element("LastModified", S3Dates.iso8601(p.lastModified))
                    w.element("ETag", p.etag.quoted)
                    w.element("Size", p.size)
                    if let c = p.checksum, c.algorithm == upload.objectChecksumAlgorithm {
                        w.element(c.algorithm.xmlName, c.base64)
                    }
                }
            }
            writeOwner(&w, upload.owner, element: "Initiator")
            writeOwner(&w, upload.owner)
            w.element("StorageClass", (upload.headers.storageClass ?? .standard).rawValue)
            // An upload created without an algorithm shows the default it gets: CRC64NVME, FULL_OBJECT.
            w.element("ChecksumAlgorithm", upload.objectChecksumAlgorithm.rawValue)
            w.element("ChecksumType", upload.objectChecksumType)
        }
        return Responses.xml(w, headers: h)
    }

    func listMultipartUploads(_ call: S3Call, _ r: ListUploadsRequest) async throws -> Response {
        let bucket = call.bucket.name.rawValue
        let (prefix, delimiter, maxUploads, urlEncode) = (r.scope.prefix, r.scope.delimiter, r.maxUploads, r.scope.urlEncoded)
        let enc: (String) -> String = { urlEncode ? URIEncoding.encode($0, keepSlash: true) : $0 }
        let (keyMarker, uploadIDMarker) = (r.keyMarker, r.uploadIDMarker)
        let page = try await storage.listMultipartUploads(
            in: call.bucket,
            query: ListUploadsQuery(prefix: prefix, delimiter: delimiter, keyMarker: keyMarker, uploadIDMarker: uploadIDMarker, maxUploads: maxUploads))
        let h = HTTPFields()
        var w = XMLWriter()
        w.group("ListMultipartUploadsResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Bucket", bucket)
            w.element("KeyMarker", enc(keyMarker ?? ""))
            w.element("UploadIdMarker", uploadIDMarker?.rawValue ?? "")
            w.element("NextKeyMarker", enc(page.isTruncated ? page.nextKeyMarker ?? "" : ""))
            w.element("NextUploadIdMarker", page.isTruncated ? page.nextUploadIDMarker?.rawValue ?? "" : "")
            if let d = delimiter { w.element("Delimiter", enc(d)) }
            w.element("Prefix", enc(prefix))
            w.element("MaxUploads", maxUploads)
            w.element("IsTruncated", page.isTruncated)
            if urlEncode { w.element("EncodingType", "url") }
            for u in page.uploads {
                w.group("Upload") { w in
                    w.element("Key", enc(u.key.rawValue))
                    w.element("UploadId", u.uploadID)
                    writeOwner(&w, u.owner, element: "Initiator")
                    writeOwner(&w, u.owner)
                    w.element("StorageClass", (u.headers.storageClass ?? .standard).rawValue)
                    w.element("Initiated", S3Dates.iso8601(u.initiated))
                    if let a = u.checksumAlgorithm {
                        w.element("ChecksumAlgorithm", a.rawValue)
                        w.element("ChecksumType", u.checksumType)
                    }
                }
            }
            for p in page.commonPrefixes {
                w.group("CommonPrefixes") { $0.element("Prefix", enc(p)) }
            }
        }
        return Responses.xml(w, headers: h)
    }
}

/// UploadPartCopy: recompute the upload's checksum over the copied bytes; nothing to verify.
struct CopyCheck: PayloadCheck {
    var algorithm: ChecksumAlgorithm?
    var needsSHA256: Bool { false }
    var checksumAlgorithm: ChecksumAlgorithm? { algorithm }
    func verify(_ digests: CairnHashing.BodyDigests) throws {}
}
