/// A part number as S3 accepts it: 1 ... 10,000. Parsed once, where the request is parsed.
public struct PartNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let max = 10_000
    public let value: Int

    /// A request's `partNumber`; anything but an integer in 1 ... 10,000 is InvalidArgument, in
    /// AWS's words.
    public init(parsing raw: String) throws(S3Error) {
        guard let n = Int(raw), n >= 1, n <= PartNumber.max else {
            throw S3Error(.invalidArgument, "Part number must be an integer between 1 and 10000, inclusive",
                          fields: [("ArgumentName", "partNumber"), ("ArgumentValue", raw)])
        }
        value = n
    }

    public static func < (a: PartNumber, b: PartNumber) -> Bool { a.value < b.value }
    public var description: String { String(value) }
}

/// A multipart upload's id, exactly as the request carried it (an unknown id is NoSuchUpload
/// when looked up, not a parse error).
public struct UploadID: Hashable, Sendable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
