import CairnHashing
import CairnModel
import Crypto
import Foundation

extension Transfer {
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
            let get = S3Request(method: "GET", bucket: bucket, key: key, headers: readHeaders)
            let verified = try await client.perform(get) { [options] response -> Bool in
                var md5 = Insecure.MD5()
                var pos: Int64 = 0
                let expected = options.checksumMode ? Self.fullObjectChecksum(response.headers.map { ($0.name, $0.value) }) : nil
                var checksum = expected.map { ChecksumState($0.algorithm) }
                do {
                    for try await buf in response.body {
                        try buf.withUnsafeReadableBytes { p in
                            md5.update(bufferPointer: p)
                            checksum?.update(p)
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
                if let expected, let checksum, Data(checksum.digest()).base64EncodedString() != expected.base64 {
                    throw ClientFailure("download of s3://\(bucket)/\(key): \(expected.algorithm.rawValue) checksum "
                                        + "\(Data(checksum.digest()).base64EncodedString()) does not match the object's \(expected.base64)")
                }
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

    /// The whole-object checksum a GET returned (`x-amz-checksum-<algorithm>`), not a checksum of
    /// checksums (`COMPOSITE`, whose value ends in `-N`), which the bytes alone cannot give.
    static func fullObjectChecksum(_ headers: [(String, String)]) -> Checksum? {
        let response = S3Response(status: 200, headers: headers, body: [])
        if response.header("x-amz-checksum-type") == "COMPOSITE" { return nil }
        for a in ChecksumAlgorithm.allCases {
            if let v = response.header(a.headerName), !v.contains("-") { return Checksum(a, base64: v) }
        }
        return nil
    }
}
