import Foundation

/// `aws s3 ls`: buckets (`2026-01-02 03:04:05 name`), a folder view of a prefix (`PRE dir/` lines,
/// then objects by base name) or, with `--recursive`, every key under it; sizes in bytes or, with
/// `--human-readable`, as `1.5 MiB`; times in the local time zone; `--summarize` adds the totals.
public final class ListingPrinter: @unchecked Sendable {  // used by one task at a time
    let listing: ObjectListing
    let humanReadable: Bool
    let pageSize: Int?
    var totalObjects = 0
    var totalSize: Int64 = 0
    var sawNothing = false
    var atFirstPage = true
    let out: (String) -> Void

    public init(client: S3Client, humanReadable: Bool, pageSize: Int?, out: @escaping (String) -> Void = { print($0) }) {
        self.listing = ObjectListing(client: client)
        self.humanReadable = humanReadable
        self.pageSize = pageSize
        self.out = out
    }

    /// Lists `path` (`s3://bucket/prefix`, `bucket/prefix` or empty for the buckets) and returns
    /// the aws CLI's exit code: 1 when a prefix was named and matched nothing, else 0.
    /// `bucketPrefix` / `bucketRegion` narrow the bucket list (`--bucket-name-prefix`, `--bucket-region`).
    public func run(path: String, recursive: Bool, summarize: Bool, bucketPrefix: String? = nil, bucketRegion: String? = nil) async throws -> Int32 {
        let p = path.hasPrefix("s3://") ? String(path.dropFirst(5)) : path
        let (bucket, key) = S3URI.split(p)
        if bucket.isEmpty {
            for b in try await listing.buckets(prefix: bucketPrefix, region: bucketRegion, pageSize: pageSize) {
                out(Self.time(b.creationDate) + " " + b.name)
            }
        } else {
            var token: String?
            repeat {
                let page = try await listing.page(bucket: bucket, prefix: key, delimiter: recursive ? nil : "/", token: token, pageSize: pageSize)
                show(page, baseNames: !recursive)
                token = page.nextToken
            } while token != nil
        }
        if summarize {
            out("\nTotal Objects: \(totalObjects)")
            out("   Total Size: " + (humanReadable ? Self.humanSize(totalSize) : String(totalSize)))
        }
        return !key.isEmpty && sawNothing && atFirstPage ? 1 : 0
    }

    func show(_ page: ObjectPage, baseNames: Bool) {
        if page.objects.isEmpty && page.commonPrefixes.isEmpty {
            sawNothing = true
            return
        }
        for prefix in page.commonPrefixes {
            let parts = prefix.split(separator: "/", omittingEmptySubsequences: false)
            out(String(repeating: " ", count: 27) + "PRE " + (parts.count >= 2 ? parts[parts.count - 2] : "") + "/")
        }
        for o in page.objects {
            totalObjects += 1
            totalSize += o.size
            let size = humanReadable ? Self.humanSize(o.size) : String(o.size)
            let name = baseNames ? String(o.key.split(separator: "/", omittingEmptySubsequences: false).last ?? "") : o.key
            out(Self.time(o.lastModified) + " " + String(repeating: " ", count: max(0, 10 - size.count)) + size + " " + name)
        }
        atFirstPage = false
    }

    /// `YYYY-MM-DD hh:mm:ss` in the local time zone.
    static func time(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var tm = tm()
        localtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
    }

    /// awscli's `human_readable_size`: `1 Byte`, `10 Bytes`, `1.0 KiB`, `1.5 MiB`, ...
    public static func humanSize(_ value: Int64) -> String {
        let b = Double(value)
        if value == 1 { return "1 Byte" }
        if b < 1024 { return "\(value) Bytes" }
        let suffixes = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        for (i, suffix) in suffixes.enumerated() {
            let unit = pow(1024.0, Double(i + 2))
            if ((b / unit) * 1024).rounded(.toNearestOrEven) < 1024 || i == suffixes.count - 1 {
                return String(format: "%.1f %@", 1024 * b / unit, suffix)
            }
        }
        return String(value)
    }
}
