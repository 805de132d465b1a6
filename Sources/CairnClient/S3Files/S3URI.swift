/// `s3://` URIs as the aws CLI reads them.
public enum S3URI {
    /// `bucket/key` split at the first slash.
    public static func split(_ bucketAndKey: String) -> (bucket: String, key: String) {
        guard let slash = bucketAndKey.firstIndex(of: "/") else { return (bucketAndKey, "") }
        return (String(bucketAndKey[..<slash]), String(bucketAndKey[bucketAndKey.index(after: slash)...]))
    }

    /// `s3://bucket` becomes `s3://bucket/` (awscli `_normalize_s3_trailing_slash`): a bucket alone
    /// names its whole contents.
    public static func normalise(_ arg: String) -> String {
        guard arg.hasPrefix("s3://") else { return arg }
        let (_, key) = split(String(arg.dropFirst(5)))
        return key.isEmpty && !arg.hasSuffix("/") ? arg + "/" : arg
    }
}
