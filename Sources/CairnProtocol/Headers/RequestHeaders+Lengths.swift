import CairnModel

extension RequestHeaders {
    /// `Content-Length`, when it is a number.
    public var contentLength: Int64? { self["content-length"].flatMap { Int64($0) } }

    /// `x-amz-decoded-content-length`: an aws-chunked body's length without its framing, required
    /// with such a body (MissingContentLength).
    public func decodedContentLength() throws(S3Error) -> Int64 {
        guard let raw = self["x-amz-decoded-content-length"], let decoded = Int64(raw), decoded >= 0 else {
            throw S3Error(.missingContentLength, "You must provide the x-amz-decoded-content-length header with aws-chunked bodies.")
        }
        return decoded
    }

    /// The body length declared (decoded length first), if any: what a quota is checked against
    /// before the body is asked for.
    public var declaredBodyLength: Int64? {
        (self["x-amz-decoded-content-length"] ?? self["content-length"]).flatMap { Int64($0) }
    }

    /// The length a PutObject or UploadPart declares (decoded length first), refused before the body
    /// is asked for when missing or over `max`: an oversized upload then sends no bytes.
    public func requireBodyLength(max: Int64) throws(S3Error) {
        guard let raw = self["x-amz-decoded-content-length"] ?? self["content-length"] else {
            throw S3Error(.missingContentLength)
        }
        if let n = Int64(raw), n > max {
            throw S3Error.entityTooLarge(proposed: raw, max: max)
        }
    }

    /// CompleteMultipartUpload's `x-amz-mp-object-size`: the size the client expects.
    public func multipartObjectSize() throws(S3Error) -> Int64? {
        guard let raw = self["x-amz-mp-object-size"] else { return nil }
        guard let v = Int64(raw), v >= 0 else {
            throw S3Error(.invalidArgument, "Invalid value for x-amz-mp-object-size",
                          fields: [("ArgumentName", "x-amz-mp-object-size"), ("ArgumentValue", raw)])
        }
        return v
    }
}
