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
    /// `--checksum-mode ENABLED`: HEAD and GET ask for the object's checksum (`x-amz-checksum-mode`),
    /// and a whole-object GET checks the bytes against a full-object checksum it returns.
    public var checksumMode = false
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
}
