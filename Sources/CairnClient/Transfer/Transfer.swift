import CairnModel
import Crypto
import Foundation

/// `cairn cp` options.
public struct TransferOptions: Sendable {
    public var partSize: Int64 = 8 << 20
    /// Files of this size and up go multipart (nil: files larger than one part), as the aws
    /// CLI's `multipart_threshold`, which may differ from its part size.
    public var multipartThreshold: Int64?
    public var concurrency = 4
    public var resume = false
    public var progress = true
    public var maxBandwidth: Int64?
    /// Told of every byte counted (negative: taken back for a retry), for a progress line over
    /// many transfers.
    public var onBytes: (@Sendable (Int64) -> Void)?
    /// SSE-C: the customer key's headers (algorithm, key, key MD5), sent with every request on
    /// the object (PUT, CreateMultipartUpload, UploadPart, HEAD, GET).
    public var customerKeyHeaders: [(String, String)] = []
    /// `--checksum-algorithm`: every PUT and part also carries this checksum (computed in the same
    /// pass as its MD5), and the object keeps it.
    public var checksumAlgorithm: ChecksumAlgorithm?
    /// Where upload state files live (default: $XDG_CACHE_HOME/cairn or ~/.cache/cairn).
    public var stateDirectory: String
    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    public static func defaultStateDirectory(env: [String: String]) -> String {
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return x + "/cairn" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.cache/cairn"
    }
}

/// What an upload left behind for `--resume`: enough to find the upload again and to know it
/// belongs to the same file.
struct UploadState: Codable {
    var endpoint: String
    var bucket: String
    var key: String
    var uploadId: String
    var partSize: Int64
    var size: Int64
    var mtime: Double
}

/// Parallel multipart transfers between a local file and S3, with verification and resume.
public final class Transfer: Sendable {
    let client: S3Client
    let options: TransferOptions

    public init(client: S3Client, options: TransferOptions) {
        self.client = client
        self.options = options
    }

    /// Sends a request, naming the S3 operation in a service error as the aws CLI does.
    static func send(_ client: S3Client, _ operation: String, _ req: S3Request) async throws -> S3Response {
        do { return try await client.send(req) } catch var e as S3ServiceError {
            e.operation = operation
            throw e
        }
    }

    // MARK: upload

    /// Uploads `path` to `bucket/key`: one PUT up to the part size, parallel multipart above it.
    /// Every part carries Content-MD5 and its returned ETag is checked against the local MD5;
    /// the final multipart ETag is checked too. `headers` (Content-Type, ...) go with the object.
    public func upload(path: String, bucket: String, key: String, headers: [(String, String)] = []) async throws {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw ClientFailure("The user-provided path \(path) does not exist.")
        }
        let size = Int64(st.st_size)
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        let progress = TransferProgress(total: size, label: "upload", draw: options.progress, maxBandwidth: options.maxBandwidth,
                                        observer: options.onBytes)
        if size < (options.multipartThreshold ?? options.partSize + 1) && !options.resume {
            let digest = try FileDigest.compute(path: path, length: size, checksum: options.checksumAlgorithm)
            let req = S3Request(method: "PUT", bucket: bucket, key: key,
                                headers: [("Content-MD5", digest.md5Base64)] + Self.checksumHeader(digest) + headers + options.customerKeyHeaders,
                                body: .file(path: path, offset: 0, length: size, progress: { await progress.add($0) }))
            let resp = try await Self.send(client, "PutObject", req)
            if Self.etagIsMD5(resp) { try checkETag(resp.header("ETag"), expected: digest.md5Hex, what: "object") }
            progress.finish()
            return
        }
        var partSize = options.partSize
        var uploadID: String?
        var existing: [Int: (etag: String, size: Int64)] = [:]
        let statePath = stateFile(path: path, bucket: bucket, key: key)
        if options.resume {
            var fromState = false
            if let data = FileManager.default.contents(atPath: statePath),
               let s = try? JSONDecoder().decode(UploadState.self, from: data),
               s.size == size, s.mtime == mtime, s.bucket == bucket, s.key == key {
                uploadID = s.uploadId
                partSize = s.partSize
                fromState = true
            } else if let found = try await newestUpload(bucket: bucket, key: key) {
                uploadID = found
            }
            if let id = uploadID {
                do {
                    existing = try await listParts(bucket: bucket, key: key, uploadID: id)
                    // Without our state file, part 1 (always a full part) tells the part size used.
                    if !fromState, let p1 = existing[1], p1.size > 0 { partSize = p1.size }
                } catch let e as S3ServiceError where e.code == "NoSuchUpload" {
                    uploadID = nil
                    existing = [:]
                }
            }
        }
        if uploadID == nil {
            let resp = try await Self.send(client, "CreateMultipartUpload", S3Request(method: "POST", bucket: bucket, key: key, query: [("uploads", "")],
                                                                                              headers: headers + options.customerKeyHeaders
                                                                                                + (options.checksumAlgorithm.map { [("x-amz-checksum-algorithm", $0.rawValue)] } ?? [])))
            guard let root = XMLElement.parse(Data(resp.body)), let id = root.child("UploadId")?.text else {
                throw ClientFailure("CreateMultipartUpload returned no UploadId")
            }
            uploadID = id
        }
        let id = uploadID!
        let state = UploadState(endpoint: client.config.endpoint.absoluteString, bucket: bucket, key: key, uploadId: id,
                                partSize: partSize, size: size, mtime: mtime)
        try? FileManager.default.createDirectory(atPath: (statePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? JSONEncoder().encode(state).write(to: URL(fileURLWithPath: statePath))

        // An empty file (reached with --resume) is one empty part, which S3 accepts as the last.
        let partCount = max(1, Int((size + partSize - 1) / partSize))
        guard partCount <= 10_000 else { throw ClientFailure("\(partCount) parts: raise --part-size (S3 allows 10,000)") }
        // Each part is hashed in its own task, so hashing runs in parallel and beside other parts'
        // transfers instead of in a pass over the whole file first. Its MD5 goes in Content-MD5 and
        // is checked against the returned ETag; a part already uploaded (--resume) is kept only if
        // its size and ETag match the local bytes.
        let client = self.client
        let parts = try await boundedConcurrently(partCount, limit: options.concurrency) {
            [self, partSize, existing] i -> (etag: String, md5: [UInt8], checksum: Checksum?) in
            let n = i + 1
            let (off, len) = range(n, partSize: partSize, size: size)
            let digest = try FileDigest.compute(path: path, offset: off, length: len, checksum: options.checksumAlgorithm)
            let md5 = digest.md5
            if let e = existing[n], e.size == len, e.etag == Hex.encode(md5) {
                progress.skip(len)
                return (e.etag, md5, digest.checksum)
            }
            let req = S3Request(method: "PUT", bucket: bucket, key: key,
                                query: [("partNumber", String(n)), ("uploadId", id)],
                                headers: [("Content-MD5", Data(md5).base64EncodedString())] + Transfer.checksumHeader(digest) + options.customerKeyHeaders,
                                body: .file(path: path, offset: off, length: len, progress: { await progress.add($0) }))
            let resp = try await Transfer.send(client, "UploadPart", req)
            let etag = ETag.unquote(resp.header("ETag") ?? "")
            guard etag == Hex.encode(md5) || !Transfer.etagIsMD5(resp) else {
                throw ClientFailure("part \(n): the server's ETag \(etag) is not the MD5 of the bytes sent (\(Hex.encode(md5)))")
            }
            return (etag, md5, digest.checksum)
        }
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, p) in parts.enumerated() {
            let checksum = p.checksum.map { "<\($0.algorithm.xmlName)>\($0.base64)</\($0.algorithm.xmlName)>" } ?? ""
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\"\(p.etag)\"</ETag>\(checksum)</Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let resp = try await Self.send(client, "CompleteMultipartUpload", S3Request(method: "POST", bucket: bucket, key: key, query: [("uploadId", id)], body: .bytes(Array(xml.utf8))))
        guard let root = XMLElement.parse(Data(resp.body)) else { throw ClientFailure("CompleteMultipartUpload: unreadable response") }
        if root.name == "Error" {
            throw S3ServiceError(code: root.child("Code")?.text ?? "InternalError", message: root.child("Message")?.text ?? "", status: resp.status)
        }
        if Self.etagIsMD5(resp) {
            let expected = ETag.multipart(partMD5s: parts.map(\.md5)).value
            try checkETag(root.child("ETag")?.text, expected: expected, what: "multipart object")
        }
        try? FileManager.default.removeItem(atPath: statePath)
        progress.finish()
    }

    /// `x-amz-checksum-<algorithm>` of a digest that computed one.
    static func checksumHeader(_ digest: FileDigest) -> [(String, String)] {
        digest.checksum.map { [($0.algorithm.headerName, $0.base64)] } ?? []
    }

    func range(_ n: Int, partSize: Int64, size: Int64) -> (Int64, Int64) {
        let off = Int64(n - 1) * partSize
        return (off, min(partSize, size - off))
    }

    /// S3's ETag is the MD5 of the bytes (or the multipart MD5 of MD5s) except for objects encrypted
    /// with SSE-KMS, DSSE-KMS or SSE-C, whose responses say so.
    static func etagIsMD5(_ resp: S3Response) -> Bool {
        !(resp.header("x-amz-server-side-encryption") ?? "").hasPrefix("aws:kms")
            && resp.header("x-amz-server-side-encryption-customer-algorithm") == nil
    }

    func checkETag(_ got: String?, expected: String, what: String) throws {
        let g = ETag.unquote(got ?? "")
        guard g == expected else { throw ClientFailure("\(what): ETag \(g) does not match the local data (\(expected))") }
    }

    func stateFile(path: String, bucket: String, key: String) -> String {
        let abs = URL(fileURLWithPath: path).standardizedFileURL.path
        let id = Hex.encode(SHA256.hash(data: Data("\(client.config.endpoint.absoluteString)\n\(bucket)\n\(key)\n\(abs)".utf8)).prefix(16))
        return options.stateDirectory + "/uploads/\(id).json"
    }

    /// The newest in-progress upload of exactly `key` (ListMultipartUploads, all pages).
    func newestUpload(bucket: String, key: String) async throws -> String? {
        var best: (String, String)?
        var keyMarker: String?, idMarker: String?
        while true {
            var q: [(String, String)] = [("uploads", ""), ("prefix", key)]
            if let keyMarker { q.append(("key-marker", keyMarker)) }
            if let idMarker { q.append(("upload-id-marker", idMarker)) }
            let resp = try await Self.send(client, "ListMultipartUploads", S3Request(method: "GET", bucket: bucket, query: q))
            guard let root = XMLElement.parse(Data(resp.body)) else { return best?.1 }
            for u in root.children("Upload") where u.child("Key")?.text == key {
                let initiated = u.child("Initiated")?.text ?? ""
                if let id = u.child("UploadId")?.text, best == nil || initiated > best!.0 { best = (initiated, id) }
            }
            guard root.child("IsTruncated")?.text == "true" else { break }
            keyMarker = root.child("NextKeyMarker")?.text
            idMarker = root.child("NextUploadIdMarker")?.text
            if keyMarker == nil && idMarker == nil { break }
        }
        return best?.1
    }

    func listParts(bucket: String, key: String, uploadID: String) async throws -> [Int: (etag: String, size: Int64)] {
        var out: [Int: (etag: String, size: Int64)] = [:]
        var marker: String?
        while true {
            var q: [(String, String)] = [("uploadId", uploadID)]
            if let marker { q.append(("part-number-marker", marker)) }
            let resp = try await Self.send(client, "ListParts", S3Request(method: "GET", bucket: bucket, key: key, query: q))
            guard let root = XMLElement.parse(Data(resp.body)) else { break }
            for p in root.children("Part") {
                if let n = Int(p.child("PartNumber")?.text ?? ""), let size = Int64(p.child("Size")?.text ?? "") {
                    out[n] = (ETag.unquote(p.child("ETag")?.text ?? ""), size)
                }
            }
            guard root.child("IsTruncated")?.text == "true", let next = root.child("NextPartNumberMarker")?.text else { break }
            marker = next
        }
        return out
    }

    /// Each part's size (`HEAD ?partNumber=N`, N parallel requests at the configured concurrency).
    func partSizes(bucket: String, key: String, count: Int, quotedETag: String) async throws -> [Int64] {
        let client = self.client
        return try await boundedConcurrently(count, limit: options.concurrency) { [options] i in
            var headers = options.customerKeyHeaders
            if !quotedETag.isEmpty { headers.append(("If-Match", quotedETag)) }
            let h = try await Transfer.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key,
                                                                         query: [("partNumber", String(i + 1))], headers: headers))
            return Int64(h.header("Content-Length") ?? "") ?? -1
        }
    }

    // MARK: download

    /// Downloads `bucket/key` into `path` with parallel ranged GETs (If-Match on the ETag) into a
    /// temporary file, checks the ETag (single part: MD5 of the file; multipart: the MD5 of the
    /// per-part MD5s, the part size taken from `HEAD ?partNumber=1`), then renames it into place.
    /// `knownSize`: the object's size from a listing; an object smaller than one part is then
    /// fetched with a single GET and no HeadObject first (half the requests for many small files).
    public func download(bucket: String, key: String, path: String, knownSize: Int64? = nil) async throws {
        if let size = knownSize, size < (options.multipartThreshold ?? options.partSize + 1),
           try await downloadInOneGet(bucket: bucket, key: key, path: path) {
            return
        }
        let head = try await Self.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, headers: options.customerKeyHeaders))
        guard let size = Int64(head.header("Content-Length") ?? "") else { throw ClientFailure("HeadObject: no Content-Length") }
        let etag = ETag.unquote(head.header("ETag") ?? "")
        var partSize = options.partSize
        var multipartCount: Int?
        if let dash = etag.firstIndex(of: "-"), let n = Int(etag[etag.index(after: dash)...]) {
            multipartCount = n
            let h1 = try await Self.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, query: [("partNumber", "1")],
                                                                                  headers: options.customerKeyHeaders))
            if let p = Int64(h1.header("Content-Length") ?? ""), p > 0 { partSize = p }
        }
        let tmp = path + ".cairn-download"
        let fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ClientFailure("cannot open \(tmp): \(String(cString: strerror(errno)))") }
        final class FDBox: @unchecked Sendable { let fd: Int32; init(_ f: Int32) { fd = f } }
        let box = FDBox(fd)
        defer { close(fd) }
        ftruncate(fd, off_t(size))
        let progress = TransferProgress(total: size, label: "download", draw: options.progress, maxBandwidth: options.maxBandwidth,
                                        observer: options.onBytes)
        let chunk = multipartCount != nil ? partSize : max(options.partSize, 1)
        let count = size == 0 ? 0 : Int((size + chunk - 1) / chunk)
        let client = self.client
        let quotedETag = head.header("ETag") ?? ""
        do {
            // Each range is hashed as it arrives, so a multipart object (ranges = parts) is verified
            // without reading the file again.
            let rangeMD5s = try await boundedConcurrently(count, limit: options.concurrency) { [options] i -> [UInt8] in
                let off = Int64(i) * chunk
                let end = min(size, off + chunk) - 1
                var headers = [("Range", "bytes=\(off)-\(end)")] + options.customerKeyHeaders
                if !quotedETag.isEmpty { headers.append(("If-Match", quotedETag)) }
                return try await client.perform(S3Request(method: "GET", bucket: bucket, key: key, headers: headers)) { response in
                    var pos = off
                    var md5 = Insecure.MD5()
                    do {
                        for try await buf in response.body {
                            try buf.withUnsafeReadableBytes { p in
                                md5.update(bufferPointer: p)
                                try Self.writeAll(box.fd, p, at: pos, path: tmp)
                            }
                            pos += Int64(buf.readableBytes)
                            await progress.add(buf.readableBytes)
                        }
                        guard pos == end + 1 else { throw ClientFailure("short read: bytes \(off)-\(end) ended at \(pos)") }
                    } catch {
                        await progress.add(-Int(pos - off))  // a retried range is counted again
                        throw error
                    }
                    return Array(md5.finalize())
                }
            }
            // Verify (not possible for SSE-KMS and SSE-C objects, whose ETags are not MD5s).
            if !Self.etagIsMD5(head) {
            } else if let n = multipartCount {
                var got = ETag.multipart(partMD5s: rangeMD5s).value
                if got != etag || count != n {
                    // S3 allows parts of different sizes (other tools make them): learn each part's
                    // size and hash the file again by those.
                    let sizes = try await partSizes(bucket: bucket, key: key, count: n, quotedETag: quotedETag)
                    if sizes.reduce(0, +) == size {
                        var md5s: [[UInt8]] = []
                        var off: Int64 = 0
                        for len in sizes {
                            md5s.append(try FileDigest.compute(path: tmp, offset: off, length: len).md5)
                            off += len
                        }
                        got = ETag.multipart(partMD5s: md5s).value
                    }
                }
                guard got == etag, etag.hasSuffix("-\(n)") else {
                    throw ClientFailure("download of s3://\(bucket)/\(key): ETag \(etag) does not match the data received (\(got))")
                }
            } else if !etag.isEmpty && etag.count == 32 {
                // One range: its MD5 is the object's; several: the file is hashed once more in order.
                let got = count == 1 ? Hex.encode(rangeMD5s[0]) : try FileDigest.compute(path: tmp, length: size).md5Hex
                guard got == etag else {
                    throw ClientFailure("download of s3://\(bucket)/\(key): MD5 \(got) does not match the ETag \(etag)")
                }
            }
            guard rename(tmp, path) == 0 else { throw ClientFailure("cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))") }
        } catch {
            unlink(tmp)
            throw error
        }
        progress.finish()
    }
    /// Writes all of `p` at `offset` of `fd` (pwrite may write less than asked).
    static func writeAll(_ fd: Int32, _ p: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        var o = 0
        while o < p.count {
            let n = pwrite(fd, p.baseAddress! + o, p.count - o, off_t(offset) + off_t(o))
            guard n > 0 else { throw ClientFailure("write error on \(path)") }
            o += n
        }
    }

    /// One GET into a temporary file, checked against the response's ETag (an MD5, or the
    /// multipart ETag of a single part), then renamed into place. Returns false, leaving nothing
    /// behind, for an object of several parts: the ranged download verifies those.
    func downloadInOneGet(bucket: String, key: String, path: String) async throws -> Bool {
        let tmp = path + ".cairn-download"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ClientFailure("cannot open \(tmp): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let progress = TransferProgress(total: Int64.max, label: "download", draw: false, maxBandwidth: options.maxBandwidth,
                                        observer: options.onBytes)
        do {
            let get = S3Request(method: "GET", bucket: bucket, key: key, headers: options.customerKeyHeaders)
            let verified = try await client.perform(get) { response -> Bool in
                var md5 = Insecure.MD5()
                var pos: Int64 = 0
                do {
                    for try await buf in response.body {
                        try buf.withUnsafeReadableBytes { p in
                            md5.update(bufferPointer: p)
                            try Self.writeAll(fd, p, at: pos, path: tmp)
                        }
                        pos += Int64(buf.readableBytes)
                        await progress.add(buf.readableBytes)
                    }
                } catch {
                    await progress.add(-Int(pos))  // a retried GET is counted again
                    throw error
                }
                ftruncate(fd, off_t(pos))  // a retry after a longer failed attempt
                let headers = S3Response(status: 200, headers: response.headers.map { ($0.name, $0.value) }, body: [])
                let etag = ETag.unquote(headers.header("ETag") ?? "")
                let digest = Array(md5.finalize())
                guard Self.etagIsMD5(headers), !etag.isEmpty else { return true }
                if etag.hasSuffix("-1") {
                    guard ETag.multipart(partMD5s: [digest]).value == etag else {
                        throw ClientFailure("download of s3://\(bucket)/\(key): ETag \(etag) does not match the data received")
                    }
                    return true
                }
                if etag.contains("-") { return false }
                guard Hex.encode(digest) == etag else {
                    throw ClientFailure("download of s3://\(bucket)/\(key): MD5 \(Hex.encode(digest)) does not match the ETag \(etag)")
                }
                return true
            }
            guard verified else {
                unlink(tmp)
                return false
            }
            guard rename(tmp, path) == 0 else { throw ClientFailure("cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))") }
            return true
        } catch {
            unlink(tmp)
            throw error
        }
    }
}
