import CairnModel
import Crypto
import Foundation

/// `cp - s3://bucket/key` and `cp s3://bucket/key -`: an upload from stdin and a download to
/// stdout, as the aws CLI streams them. Stdin is read once, in order: up to the multipart
/// threshold it is one PutObject; past it, parts of the chunk size go up while the next are read
/// (at most `max_concurrent_requests` parts in memory). The download is one GET written out as it
/// arrives and checked against a single-part ETag at the end.
public struct StreamTransfer: Sendable {
    let client: S3Client
    let settings: TransferSettings
    /// SSE-C headers for every request on the object.
    public var customerKey: [(String, String)] = []
    /// `--expected-size`: lets a stream larger than 10,000 chunks get larger parts.
    public var expectedSize: Int64?
    /// `--checksum-algorithm`: the checksum every PUT and part carries, and the object keeps.
    public var checksumAlgorithm: ChecksumAlgorithm?

    public init(client: S3Client, settings: TransferSettings) {
        self.client = client
        self.settings = settings
    }

    /// Up to `count` bytes from `fd`; fewer only at the end of the input.
    static func readUpTo(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ClientFailure("read error on stdin: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }

    /// A PUT of `bytes` with its Content-MD5 and, with an algorithm, its checksum (returned too).
    static func putRequest(bucket: String, key: String, query: [(String, String)] = [], headers: [(String, String)], bytes: [UInt8],
                           checksum: ChecksumAlgorithm?) -> (S3Request, Checksum?) {
        let digest = FileDigest.of(bytes, checksum: checksum)
        return (S3Request(method: "PUT", bucket: bucket, key: key, query: query,
                          headers: [("Content-MD5", digest.md5Base64)] + Transfer.checksumHeader(digest) + headers, body: .bytes(bytes)),
                digest.checksum)
    }

    public func upload(from fd: Int32 = STDIN_FILENO, bucket: String, key: String, headers: [(String, String)]) async throws {
        let threshold = Int(settings.multipartThreshold), chunk = Int(settings.chunkSize(for: expectedSize))
        var pending = try Self.readUpTo(fd, threshold)
        if pending.count < threshold {
            let (put, _) = Self.putRequest(bucket: bucket, key: key, headers: headers + customerKey, bytes: pending, checksum: checksumAlgorithm)
            _ = try await Transfer.send(client, "PutObject", put)
            return
        }
        let algorithmHeader = checksumAlgorithm.map { [("x-amz-checksum-algorithm", $0.rawValue)] } ?? []
        let id = try await MultipartCalls.create(client, bucket: bucket, key: key, headers: headers + customerKey + algorithmHeader)
        let client = self.client, customerKey = self.customerKey, algorithm = self.checksumAlgorithm
        do {
            var uploaded: [Int: (etag: String, checksum: Checksum?)] = [:]
            try await withThrowingTaskGroup(of: (Int, (etag: String, checksum: Checksum?)).self) { group in
                var number = 0, inFlight = 0, ended = false
                while !ended || !pending.isEmpty {
                    if pending.count < chunk && !ended {
                        let more = try Self.readUpTo(fd, chunk - pending.count)
                        ended = more.count < chunk - pending.count
                        pending += more
                        continue
                    }
                    let part = Array(pending.prefix(chunk))
                    pending.removeFirst(part.count)
                    number += 1
                    let n = number
                    if inFlight == settings.maxConcurrentRequests, let (done, result) = try await group.next() {
                        uploaded[done] = result
                        inFlight -= 1
                    }
                    group.addTask {
                        let (req, checksum) = Self.putRequest(bucket: bucket, key: key, query: [("partNumber", String(n)), ("uploadId", id)],
                                                              headers: customerKey, bytes: part, checksum: algorithm)
                        let resp = try await Transfer.send(client, "UploadPart", req)
                        return (n, (resp.header("ETag") ?? "", checksum))
                    }
                    inFlight += 1
                }
                for try await (done, result) in group { uploaded[done] = result }
            }
            try await MultipartCalls.complete(client, bucket: bucket, key: key, uploadID: id, parts: uploaded.keys.sorted().map { uploaded[$0]! })
        } catch {
            await MultipartCalls.abort(client, bucket: bucket, key: key, uploadID: id)
            throw error
        }
    }

    public func download(bucket: String, key: String, to fd: Int32 = STDOUT_FILENO) async throws {
        try await client.perform(S3Request(method: "GET", bucket: bucket, key: key, headers: customerKey)) { response in
            var md5 = Insecure.MD5()
            var count: Int64 = 0
            for try await buf in response.body {
                try buf.withUnsafeReadableBytes { p in
                    md5.update(bufferPointer: p)
                    var o = 0
                    while o < p.count {
                        let n = write(fd, p.baseAddress! + o, p.count - o)
                        if n < 0 && errno == EINTR { continue }
                        guard n > 0 else { throw ClientFailure("write error on stdout: \(String(cString: strerror(errno)))") }
                        o += n
                    }
                }
                count += Int64(buf.readableBytes)
            }
            let etag = ETag.unquote(response.headers.first(name: "ETag") ?? "")
            let encrypted = response.headers.first(name: "x-amz-server-side-encryption")?.hasPrefix("aws:kms") == true
                || response.headers.contains(name: "x-amz-server-side-encryption-customer-algorithm")
            if etag.count == 32 && !encrypted {
                let got = Hex.encode(md5.finalize())
                guard got == etag else { throw ClientFailure("download of s3://\(bucket)/\(key): MD5 \(got) does not match the ETag \(etag)") }
            }
        }
    }
}
