/// A bucket name that passed S3's general-purpose bucket naming rules.
///
/// Rules (S3 User Guide, "Bucket naming rules"): 3-63 characters; lowercase letters, digits, dots and
/// hyphens; begins and ends with a letter or digit; no two adjacent dots, and no dot next to a
/// hyphen (`a.-b`, `a-.b`: S3 refuses them, as DNS labels cannot start or end with a hyphen); not formatted as an IPv4
/// address; not starting with `xn--`, `sthree-` or `amzn-s3-demo-`; not ending with `-s3alias`,
/// `--ol-s3`, `.mrap` or `--x-s3`.
public struct BucketName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates a name for creation. Names of buckets that already exist are not re-validated on
    /// every request (AWS answers NoSuchBucket for a malformed name that cannot exist).
    public init(validating name: String) throws(S3Error) {
        guard BucketName.isValid(name) else {
            throw S3Error(.invalidBucketName, fields: [("BucketName", name)])
        }
        self.rawValue = name
    }

    /// Wraps a name taken from a request without validation (lookups only).
    public init(unchecked name: String) { self.rawValue = name }

    public var description: String { rawValue }
    public static func < (a: BucketName, b: BucketName) -> Bool { a.rawValue < b.rawValue }

    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 3, bytes.count <= 63 else { return false }
        func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) }
        for b in bytes where !(isLowerAlnum(b) || b == 0x2e || b == 0x2d) { return false }
        guard isLowerAlnum(bytes.first!), isLowerAlnum(bytes.last!) else { return false }
        if name.contains("..") || name.contains(".-") || name.contains("-.") { return false }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] where name.hasPrefix(prefix) { return false }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3"] where name.hasSuffix(suffix) { return false }
        if looksLikeIPv4(name) { return false }
        return true
    }

    private static func looksLikeIPv4(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) }
    }
}
