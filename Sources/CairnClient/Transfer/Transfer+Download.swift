import CairnModel
import Crypto
import Foundation

/// A download whose bytes do not match the object's ETag: nothing of it is kept.
struct DownloadMismatch: Error, CustomStringConvertible {
    var description: String
}

/// The temporary file a download writes before it is renamed into place (shared by the tasks
/// writing its ranges).
final class DownloadFile: @unchecked Sendable {  // `fd` is only pwritten at disjoint offsets
    let fd: Int32
    let path: String
    init(_ fd: Int32, path: String) { self.fd = fd; self.path = path }
}

extension Transfer {
    /// What every HEAD and GET of a download sends: the SSE-C key, and `--checksum-mode`.
    var readHeaders: [(String, String)] {
        options.customerKeyHeaders + (options.checksumMode ? [("x-amz-checksum-mode", "ENABLED")] : [])
    }

    /// Downloads `bucket/key` into `path` with parallel ranged GETs (If-Match on the ETag) into a
    /// temporary file, checks the ETag (single part: MD5 of the file; multipart: the MD5 of the
    /// per-part MD5s, the part size taken from `HEAD ?partNumber=1`), then renames it into place.
    /// `knownSize`: the object's size from a listing; an object smaller than one part is then
    /// fetched with a single GET and no HeadObject first (half the requests for many small files).
    ///
    /// Every range written is recorded in a state file (as an upload's parts are), so an
    /// interrupted download can continue with `resume`: the recorded ranges are hashed again from
    /// the temporary file, those that still match are kept and the rest fetched. A download that
    /// fails verification leaves nothing behind; one cut off otherwise keeps what it has.
    public func download(bucket: String, key: String, path: String, knownSize: Int64? = nil) async throws {
        if let size = knownSize, size < (options.multipartThreshold ?? options.partSize + 1),
           try await downloadInOneGet(bucket: bucket, key: key, path: path) {
            return
        }
        let head = try await Self.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, headers: readHeaders))
        guard let size = Int64(head.header("Content-Length") ?? "") else { throw ClientFailure("HeadObject: no Content-Length") }
        let etag = ETag.unquote(head.header("ETag") ?? "")
        let quotedETag = head.header("ETag") ?? ""
        var partSize = options.partSize
        var multipartCount: Int?
        if let dash = etag.firstIndex(of: "-"), let n = Int(etag[etag.index(after: dash)...]) {
            multipartCount = n
            let h1 = try await Self.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, query: [("partNumber", "1")],
                                                                          headers: readHeaders))
            if let p = Int64(h1.header("Content-Length") ?? ""), p > 0 { partSize = p }
        }
        let tmp = path + ".cairn-download"
        var state = DownloadState(endpoint: client.config.endpoint.absoluteString, bucket: bucket, key: key, etag: quotedETag,
                                  size: size, chunk: multipartCount != nil ? partSize : max(options.partSize, 1))
        let statePath = DownloadLedger.path(directory: options.stateDirectory, endpoint: state.endpoint, bucket: bucket, key: key, destination: path)
        let saved = options.resume ? DownloadLedger.load(path: statePath, matching: state, temporary: tmp) : nil
        if let saved { state.chunk = saved.chunk }
        let chunk = state.chunk
        let count = size == 0 ? 0 : Int((size + chunk - 1) / chunk)
        let fd = open(tmp, O_RDWR | O_CREAT | (saved == nil ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw ClientFailure("cannot open \(tmp): \(String(cString: strerror(errno)))") }
        let file = DownloadFile(fd, path: tmp)
        defer { close(fd) }
        if saved == nil { ftruncate(fd, off_t(size)) }
        let kept = try await keptRanges(saved, file: file, count: count, size: size)
        state.done = kept.mapValues { Hex.encode($0) }
        let ledger = DownloadLedger(path: statePath, state: state)
        await ledger.save()
        let progress = TransferProgress(total: size, label: "download", draw: options.progress, maxBandwidth: options.maxBandwidth,
                                        observer: options.onBytes)
        for i in kept.keys { progress.skip(min(size, Int64(i + 1) * chunk) - Int64(i) * chunk) }
        let rangeMD5s: [[UInt8]]
        do {
            rangeMD5s = try await boundedConcurrently(count, limit: options.concurrency) { [self] i -> [UInt8] in
                if let md5 = kept[i] { return md5 }
                let md5 = try await fetchRange(bucket: bucket, key: key, quotedETag: quotedETag, first: Int64(i) * chunk,
                                               last: min(size, Int64(i + 1) * chunk) - 1, into: file, progress: progress)
                await ledger.record(range: i, md5: md5)
                return md5
            }
        } catch {
            // Cut off: keep what was written for --resume, unless nothing was.
            if await ledger.isEmpty {
                unlink(tmp)
                await ledger.remove()
            }
            throw error
        }
        do {
            try await verify(bucket: bucket, key: key, head: head, file: file, size: size, rangeMD5s: rangeMD5s, multipartCount: multipartCount)
            guard rename(tmp, path) == 0 else { throw ClientFailure("cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))") }
        } catch {
            unlink(tmp)
            await ledger.remove()
            throw error
        }
        await ledger.remove()
        progress.finish()
    }

    /// The ranges of an earlier attempt whose bytes in the temporary file still have the MD5 it
    /// recorded (hashed again in parallel), by range index.
    func keptRanges(_ saved: DownloadState?, file: DownloadFile, count: Int, size: Int64) async throws -> [Int: [UInt8]] {
        guard let saved else { return [:] }
        let recorded = saved.done.filter { $0.key >= 0 && $0.key < count }.sorted { $0.key < $1.key }
        let md5s = try await boundedConcurrently(recorded.count, limit: options.concurrency) { i -> [UInt8]? in
            let (n, hex) = recorded[i]
            let first = Int64(n) * saved.chunk
            let md5 = try FileDigest.compute(path: file.path, offset: first, length: min(size, first + saved.chunk) - first).md5
            return Hex.encode(md5) == hex ? md5 : nil
        }
        var kept: [Int: [UInt8]] = [:]
        for (i, md5) in md5s.enumerated() { if let md5 { kept[recorded[i].key] = md5 } }
        return kept
    }

    /// GETs bytes `first...last` into the file at their offset, hashing them as they arrive.
    func fetchRange(bucket: String, key: String, quotedETag: String, first: Int64, last: Int64,
                    into file: DownloadFile, progress: TransferProgress) async throws -> [UInt8] {
        var headers = [("Range", "bytes=\(first)-\(last)")] + readHeaders
        if !quotedETag.isEmpty { headers.append(("If-Match", quotedETag)) }
        return try await client.perform(S3Request(method: "GET", bucket: bucket, key: key, headers: headers)) { response in
            var pos = first
            var md5 = Insecure.MD5()
            do {
                for try await buf in response.body {
                    try buf.withUnsafeReadableBytes { p in
                        md5.update(bufferPointer: p)
                        try Self.writeAll(file.fd, p, at: pos, path: file.path)
                    }
                    pos += Int64(buf.readableBytes)
                    await progress.add(buf.readableBytes)
                }
                guard pos == last + 1 else { throw ClientFailure("short read: bytes \(first)-\(last) ended at \(pos)") }
            } catch {
                await progress.add(-Int(pos - first))  // a retried range is counted again
                throw error
            }
            return Array(md5.finalize())
        }
    }

    /// Checks the downloaded bytes against the ETag (not possible for SSE-KMS and SSE-C objects,
    /// whose ETags are not MD5s).
    func verify(bucket: String, key: String, head: S3Response, file: DownloadFile, size: Int64,
                rangeMD5s: [[UInt8]], multipartCount: Int?) async throws {
        guard Self.etagIsMD5(head) else { return }
        let quotedETag = head.header("ETag") ?? ""
        let etag = ETag.unquote(quotedETag)
        if let n = multipartCount {
            var got = ETag.multipart(partMD5s: rangeMD5s).value
            if got != etag || rangeMD5s.count != n {
                // S3 allows parts of different sizes (other tools make them): learn each part's
                // size and hash the file again by those.
                let sizes = try await partSizes(bucket: bucket, key: key, count: n, quotedETag: quotedETag)
                if sizes.reduce(0, +) == size {
                    var md5s: [[UInt8]] = []
                    var off: Int64 = 0
                    for len in sizes {
                        md5s.append(try FileDigest.compute(path: file.path, offset: off, length: len).md5)
                        off += len
                    }
                    got = ETag.multipart(partMD5s: md5s).value
                }
            }
            guard got == etag, etag.hasSuffix("-\(n)") else {
                throw DownloadMismatch(description: "download of s3://\(bucket)/\(key): ETag \(etag) does not match the data received (\(got))")
            }
        } else if !etag.isEmpty && etag.count == 32 {
            // One range: its MD5 is the object's; several: the file is hashed once more in order.
            let got = rangeMD5s.count == 1 ? Hex.encode(rangeMD5s[0]) : try FileDigest.compute(path: file.path, length: size).md5Hex
            guard got == etag else {
                throw DownloadMismatch(description: "download of s3://\(bucket)/\(key): MD5 \(got) does not match the ETag \(etag)")
            }
        }
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

    /// Writes all of `p` at `offset` of `fd` (pwrite may write less than asked).
    static func writeAll(_ fd: Int32, _ p: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        var o = 0
        while o < p.count {
            let n = pwrite(fd, p.baseAddress! + o, p.count - o, off_t(offset) + off_t(o))
            guard n > 0 else { throw ClientFailure("write error on \(path)") }
            o += n
        }
    }
}
