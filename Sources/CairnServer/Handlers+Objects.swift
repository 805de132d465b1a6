import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    func putObject(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        try call.headers.requireBodyLength(max: storage.limits.maxSinglePutSize)
        // The bucket was read and access decided before dispatch; the body is asked for last.
        let (body, trailers) = try BodyDecoding.body(call)
        let record = try await storeObject(call, key: address.key, body: body, check: try PayloadVerifier(call: call, trailers: trailers))
        return Responses.empty(headers: putObjectHeaders(record, call))
    }

    /// Stores one object from a body, as PutObject and a browser's POST upload do: the headers,
    /// encryption, write conditions, tags and lock the request's (typed) headers ask for.
    func storeObject(_ call: S3Call, key: ObjectKey, body: some AsyncSequence<ByteBuffer, any Error>,
                     check: PayloadVerifier) async throws -> ObjectRecord {
        let headers = try call.headers.objectHeaders()
        var check = check
        // As S3 does since 2025: an object uploaded without any checksum gets a CRC64NVME
        // (FULL_OBJECT) computed in the same pass, stored and returned like a client-sent one.
        if check.checksumAlgorithm == nil { check.requestedAlgorithm = .crc64nvme }
        let (encryption, customerKey) = try await writeEncryption(call)
        let conditions = try call.headers.writeConditions()
        let tags = try call.headers.tagging() ?? TagSet()
        let lock = try storage.lock(for: try call.headers.objectLock(withBody: true), in: call.bucket.record)
        try await storage.checkQuotaBeforeBody(call.bucket, declaredBytes: call.headers.declaredBodyLength, key: key)
        call.sendContinue()
        return try await storage.putObject(in: call.bucket, key: key, owner: call.objectWrite.owner,
                                           headers: headers, body: body, check: check, encryption: encryption, customerKey: customerKey,
                                           conditions: conditions, tags: tags, lock: lock, acl: call.objectWrite.grants)
    }

    /// The headers of a stored object's PutObject answer: ETag, encryption, version, expiration, checksum.
    func putObjectHeaders(_ record: ObjectRecord, _ call: S3Call) -> HTTPFields {
        var h = HTTPFields()
        h[.eTag] = record.etag.quoted
        encryptionHeaders(record.encryption, into: &h)
        versionHeader(record.versionID, call.bucket, into: &h)
        expirationHeader(record, call, into: &h)
        if let c = record.checksum {
            h[c.algorithm.headerName] = c.base64
            h["x-amz-checksum-type"] = record.checksumType?.rawValue
        }
        return h
    }

    /// `x-amz-version-id`: sent for every version of a bucket that was ever versioned (`null`
    /// included), never for a bucket that never was.
    func versionHeader(_ id: VersionID?, _ bucket: BucketContext, into h: inout HTTPFields) {
        guard let id, id != .null || bucket.record.versioning != nil else { return }
        h["x-amz-version-id"] = id.rawValue
    }

    func getObject(_ call: S3Call, _ address: ObjectAddress, partNumber: PartNumber?, overrides: ResponseOverrides,
                   head: Bool) async throws -> Response {
        let object = try await storage.object(in: call.bucket, key: address.key, version: address.versionID)
        let customerKey = try call.customerKey()
        try Storage.checkReadKey(object, customerKey: customerKey)
        let conditions = call.headers.preconditions()
        switch conditions.evaluate(etag: object.etag, lastModified: object.lastModified) {
        case .proceed: break
        case .notModified:
            var h = HTTPFields()
            h[.eTag] = object.etag.quoted
            h[.lastModified] = S3Dates.http(object.lastModified)
            return Response(status: .notModified, headers: h)
        case .failed:
            throw S3Error(.preconditionFailed, fields: [("Condition", conditions.ifMatch != nil ? "If-Match" : "If-Unmodified-Since")])
        }
        var h = objectResponseHeaders(object, call: call)
        versionHeader(object.versionID, call.bucket, into: &h)
        objectLockHeaders(object.lock, into: &h)
        expirationHeader(object, call, into: &h)
        for (name, value) in overrides.headers { h[HTTPField.Name(name)!] = value }
        var status = HTTPResponse.Status.ok
        var range: ByteRange?
        if let n = partNumber {
            if call.headers.rangeSent {
                throw S3Error(.invalidRequest, "Cannot specify both Range header and partNumber query parameter")
            }
            let (r, part) = try Self.partRange(object, n)
            range = r
            if let r {
                status = .partialContent
                h[.contentRange] = "bytes \(r.first)-\(r.last)/\(object.size)"
            }
            if !object.parts.isEmpty { h["x-amz-mp-parts-count"] = String(object.parts.count) }
            for a in ChecksumAlgorithm.allCases { h[a.headerName] = nil }
            h["x-amz-checksum-type"] = nil
            // A part read returns that part's checksum: the whole object's for a single-part object,
            // the part's own for COMPOSITE; a FULL_OBJECT multipart object has none per part (AWS).
            if call.headers.checksumMode {
                if object.parts.isEmpty, let c = object.checksum {
                    h[c.algorithm.headerName] = c.base64
                    h["x-amz-checksum-type"] = (object.checksumType ?? .fullObject).rawValue
                } else if object.checksumType != .fullObject, let c = part?.checksum {
                    h[c.algorithm.headerName] = c.base64
                    h["x-amz-checksum-type"] = "COMPOSITE"
                } else if object.parts.count == 1, let c = object.checksum {
                    h[c.algorithm.headerName] = c.base64  // the one part's CRC is the object's
                    h["x-amz-checksum-type"] = "FULL_OBJECT"
                }
            }
        } else if let (rangeHeader, requested) = call.headers.range {
            guard let r = requested.resolve(size: object.size) else {
                throw S3Error(.invalidRange, fields: [("RangeRequested", rangeHeader), ("ActualObjectSize", String(object.size))])
            }
            range = r
            status = .partialContent
            h[.contentRange] = "bytes \(r.first)-\(r.last)/\(object.size)"
            // A whole-object checksum cannot be verified against a slice: AWS omits it on ranged GETs.
            for a in ChecksumAlgorithm.allCases { h[a.headerName] = nil }
            h["x-amz-checksum-type"] = nil
        }
        h[.contentLength] = String(range?.count ?? object.size)
        if head { return Response(status: status, headers: h) }
        let body = try await PrefetchedBody.start(storage.read(object, range: range, customerKey: customerKey))
        return Response(status: status, headers: h, body: ResponseBody(asyncSequence: body))
    }

    /// The byte range of part `n`. A single-part object has one part, the whole object, as on
    /// AWS (206 with Content-Range). A part number is valid by presence: an object completed from
    /// parts 1 and 3 serves part 3, and part 2 (or any number it does not have) is 400 InvalidPart,
    /// as S3 answers.
    static func partRange(_ o: ObjectRecord, _ n: PartNumber) throws(S3Error) -> (ByteRange?, ManifestPart?) {
        if o.parts.isEmpty {
            guard n.value == 1 else { throw S3Error(.invalidPart) }
            return (o.size > 0 ? ByteRange(first: 0, last: o.size - 1) : nil, nil)
        }
        guard let index = o.parts.firstIndex(where: { $0.partNumber == n.value }) else { throw S3Error(.invalidPart) }
        let offset = o.parts[..<index].reduce(Int64(0)) { $0 + $1.size }
        let part = o.parts[index]
        return (part.size > 0 ? ByteRange(first: offset, last: offset + part.size - 1) : nil, part)
    }

    /// ETag, Last-Modified, the stored representation headers, `x-amz-meta-*`, and the
    /// `response-*` query overrides of GetObject.
    func objectResponseHeaders(_ o: ObjectRecord, call: S3Call) -> HTTPFields {
        var h = HTTPFields()
        h[.eTag] = o.etag.quoted
        h[.lastModified] = S3Dates.http(o.lastModified)
        h[.acceptRanges] = "bytes"
        encryptionHeaders(o.encryption, into: &h)
        h[.contentType] = o.headers.contentType ?? "binary/octet-stream"
        if let v = o.headers.contentEncoding { h[.contentEncoding] = v }
        if let v = o.headers.contentDisposition { h[.contentDisposition] = v }
        if let v = o.headers.contentLanguage { h[.contentLanguage] = v }
        if let v = o.headers.cacheControl { h[.cacheControl] = v }
        if let v = o.headers.expires { h[.expires] = v }
        if let v = o.headers.websiteRedirectLocation { h["x-amz-website-redirect-location"] = v }
        if let v = o.headers.storageClass { h["x-amz-storage-class"] = v.rawValue }
        if !o.tags.isEmpty { h["x-amz-tagging-count"] = String(o.tags.count) }
        for (k, v) in o.headers.userMetadata.sorted(by: { $0.key < $1.key }) {
            if let name = HTTPField.Name("x-amz-meta-" + k) { h[name] = MailSafeHeader.encode(v) }
        }
        if call.headers.checksumMode, let c = o.checksum {
            h[c.algorithm.headerName] = c.base64
            h["x-amz-checksum-type"] = (o.checksumType ?? .fullObject).rawValue
        }
        return h
    }

    func deleteObject(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let outcome = try await storage.deleteObject(in: call.bucket, key: address.key, version: address.versionID, requester: call.owner,
                                                     ifMatch: try call.headers.writeConditions().ifMatch,
                                                     bypassGovernance: call.headers.bypassGovernance)
        var h = HTTPFields()
        versionHeader(outcome.versionID, call.bucket, into: &h)
        if outcome.deleteMarker { h["x-amz-delete-marker"] = "true" }
        return Responses.empty(.noContent, headers: h)
    }

    func deleteObjects(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let body = try await collectXMLBody(call)
        let request = try RequestXML.decode(DeleteRequestXML.self, from: body)
        guard !request.objects.isEmpty, request.objects.count <= 1000 else { throw S3Error(.malformedXML) }
        let results = try await storage.deleteObjects(in: call.bucket, entries: request.objects.map { ($0.key, $0.versionID) },
                                                      requester: call.owner, bypassGovernance: call.headers.bypassGovernance)
        var w = XMLWriter()
        w.group("DeleteResult", xmlns: XMLWriter.s3Namespace) { w in
            for (entry, result) in zip(request.objects, results) {
                switch result {
                case .failure(let error):
                    w.group("Error") { w in
                        w.element("Key", entry.key)
                        w.element("VersionId", entry.versionID)
                        w.element("Code", error.code.rawValue)
                        w.element("Message", error.message)
                    }
                case .success(let outcome) where !request.quiet:
                    // As S3: the version deleted (when one was named); for a delete marker made or
                    // removed, DeleteMarker and the marker's id.
                    w.group("Deleted") { w in
                        w.element("Key", entry.key)
                        w.element("VersionId", entry.versionID)
                        if outcome.deleteMarker {
                            w.element("DeleteMarker", true)
                            w.element("DeleteMarkerVersionId", outcome.versionID?.rawValue)
                        }
                    }
                case .success:
                    break
                }
            }
        }
        return Responses.xml(w)
    }

    func copyObject(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let destKey = address.key
        let source = try await copySource(call)
        let replace: ObjectHeaders? = try call.headers.metadataDirective() == .replace ? try call.headers.objectHeaders() : nil
        let replaceTags: TagSet? = try call.headers.taggingDirective() == .replace ? try call.headers.tagging() ?? TagSet() : nil
        let sourceKey = try call.customerKey(copySource: true)
        try Storage.checkReadKey(source, customerKey: sourceKey)
        let algorithm = try call.headers.checksumAlgorithm()
        let (encryption, customerKey) = try await writeEncryption(call)
        let record = try await storage.copyObject(source: source, sourceKey: sourceKey, into: call.bucket, key: destKey,
                                                  owner: call.objectWrite.owner, replaceHeaders: replace, encryption: encryption,
                                                  encryptionRequested: try call.encryptionRequest() != .none, customerKey: customerKey,
                                                  checksumAlgorithm: algorithm, sourceVersionNamed: call.access.copySource?.source.versionID != nil,
                                                  conditions: try call.headers.writeConditions(), replaceTags: replaceTags,
                                                  lock: try storage.lock(for: try call.headers.objectLock(), in: call.bucket.record),
                                                  acl: call.objectWrite.grants)
        var h = HTTPFields()
        encryptionHeaders(record.encryption, into: &h)
        versionHeader(record.versionID, call.bucket, into: &h)
        copySourceVersionHeader(source, call, into: &h)
        var w = XMLWriter()
        w.group("CopyObjectResult", xmlns: XMLWriter.s3Namespace) { w in
            w.element("LastModified", S3Dates.iso8601(record.lastModified))
            w.element("ETag", record.etag.quoted)
            if let c = record.checksum {
                w.element("ChecksumType", record.checksumType)
                w.element(c.algorithm.xmlName, c.base64)
            }
        }
        return Responses.xml(w, headers: h)
    }

    /// The object named by `x-amz-copy-source` (parsed and authorized before dispatch), after its
    /// `x-amz-copy-source-if-*` conditions (all failures are 412).
    func copySource(_ call: S3Call) async throws -> ObjectRecord {
        guard let copy = call.access.copySource else { throw S3Error(.invalidArgument) }
        let source: ObjectRecord
        do {
            source = try await storage.object(in: copy.bucket, key: copy.source.address.key, version: copy.source.versionID)
        } catch let e as S3Error where e.code == .methodNotAllowed {
            throw S3Error(.invalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.")
        }
        let conditions = call.headers.preconditions(copySource: true)
        if conditions.evaluate(etag: source.etag, lastModified: source.lastModified) != .proceed {
            throw S3Error(.preconditionFailed, fields: [("Condition", "x-amz-copy-source-If-Match")])
        }
        return source
    }

    /// `x-amz-copy-source-version-id`: the source's version, when its bucket was ever versioned or
    /// the request named one.
    func copySourceVersionHeader(_ source: ObjectRecord, _ call: S3Call, into h: inout HTTPFields) {
        guard let copy = call.access.copySource, copy.bucket.record.versioning != nil || copy.source.versionID != nil else { return }
        h["x-amz-copy-source-version-id"] = source.versionID.rawValue
    }
}
