import CairnModel

/// A request's headers as typed values. Built once per request from the HTTP header fields and a
/// presigned URL's `x-amz-*` query parameters (which S3 applies as headers; a header of the same
/// name wins). Each accessor parses and validates one group of headers with S3's errors, so a
/// handler asks for `checksumMode`, `preconditions()` or `objectHeaders()` and never looks a
/// header up by name. Accessors are read where the operation uses them: S3 ignores a header an
/// operation does not take, so nothing here fails a request for a header it never reads.
public struct RequestHeaders: Sendable {
    /// (lowercased name, value), in the order received; presigned query parameters after the headers.
    let fields: [(name: String, value: String)]

    public init(headers: [(name: String, value: String)], presignedQuery: [(name: String, value: String)] = []) {
        let sent = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        let names = Set(sent.map(\.name))
        fields = sent + presignedQuery.map { (name: $0.name.lowercased(), value: $0.value) }.filter { !names.contains($0.name) }
    }

    /// The first value of a header (`name` lowercased).
    subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// A header's value as sent, for the bucket-policy condition keys that compare it as is
    /// (`s3:x-amz-acl`, `s3:x-amz-server-side-encryption`, ...).
    public func conditionValue(_ name: String) -> String? { self[name.lowercased()] }

    /// An integer header within `range`, else InvalidArgument naming it.
    func int(_ name: String, default value: Int, max: Int) throws(S3Error) -> Int {
        guard let raw = self[name] else { return value }
        guard let v = Int(raw), v >= 0 else {
            throw S3Error(.invalidArgument, "Invalid \(name) value", fields: [("ArgumentName", name), ("ArgumentValue", raw)])
        }
        return min(v, max)
    }
}
