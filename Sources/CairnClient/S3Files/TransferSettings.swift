import Foundation

/// The aws CLI's S3 transfer settings (the `s3 =` block of a profile in ~/.aws/config):
/// `max_concurrent_requests` (10), `multipart_threshold` (8 MiB), `multipart_chunksize` (8 MiB),
/// `max_bandwidth` (none).
/// They apply to `cairn s3` exactly as to `aws s3`, from the same file.
public struct TransferSettings: Sendable {
    public var maxConcurrentRequests = 10
    public var multipartThreshold: Int64 = 8 << 20
    public var multipartChunkSize: Int64 = 8 << 20
    /// `max_bandwidth` (bytes per second, e.g. `50MB/s`): a limit for each transfer, as s3transfer
    /// applies it to the bytes it moves; nil is no limit.
    public var maxBandwidth: Int64?

    public init() {}

    /// Reads the settings of `profile` (or AWS_PROFILE, AWS_DEFAULT_PROFILE, `default`);
    /// throws the aws CLI's message for a value that is not a positive size or number.
    public static func resolve(profile: String?, env: [String: String] = ProcessInfo.processInfo.environment) throws -> TransferSettings {
        let name = profile ?? env["AWS_PROFILE"] ?? env["AWS_DEFAULT_PROFILE"] ?? "default"
        let path = ConfigResolver.expand(env["AWS_CONFIG_FILE"] ?? "~/.aws/config", env: env)
        var s = TransferSettings()
        guard let p = INIFile.load(path: path)?.configProfile(name) else { return s }
        if let v = p["s3.max_concurrent_requests"] { s.maxConcurrentRequests = Int(try positive(v, "max_concurrent_requests", sizes: false)) }
        if let v = p["s3.multipart_threshold"] { s.multipartThreshold = try positive(v, "multipart_threshold", sizes: true) }
        if let v = p["s3.multipart_chunksize"] { s.multipartChunkSize = try positive(v, "multipart_chunksize", sizes: true) }
        if let v = p["s3.max_bandwidth"] {
            s.maxBandwidth = try positive(v.hasSuffix("/s") ? String(v.dropLast(2)) : v, "max_bandwidth", sizes: true)
        }
        return s
    }

    /// The part size for an object of `size` bytes (s3transfer's `ChunksizeAdjuster`): doubled
    /// until 10,000 parts are enough, at most 5 GiB. Unlike s3transfer, a chunk size below 5 MiB
    /// is kept: servers such as Cairn (`--min-part-size`) accept smaller parts, and S3 itself
    /// refuses them with EntityTooSmall.
    /// https://github.com/boto/s3transfer/blob/develop/s3transfer/utils.py (ChunksizeAdjuster)
    public func chunkSize(for size: Int64?) -> Int64 {
        var chunk = multipartChunkSize
        if let size { while (size + chunk - 1) / chunk > 10_000 { chunk *= 2 } }
        return min(chunk, 5 << 30)
    }

    static func positive(_ v: String, _ name: String, sizes: Bool) throws -> Int64 {
        guard let n = sizes ? parseSize(v) : Int64(v), n > 0 else {
            throw ClientFailure("Value for \(name) must be a positive integer: \(v)")
        }
        return n
    }

    /// awscli's `human_readable_to_bytes`: `KB`/`MB`/`GB`/`TB` and `KiB`... are all powers of 1024.
    static func parseSize(_ text: String) -> Int64? {
        let v = text.lowercased()
        let units: [(String, Int64)] = [("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
                                        ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("tb", 1 << 40)]
        for (suffix, multiplier) in units where v.hasSuffix(suffix) {
            return Int64(v.dropLast(suffix.count)).map { $0 * multiplier }
        }
        return Int64(v)
    }
}
