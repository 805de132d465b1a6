extension S3Error {
    /// A body over `max` bytes (declared up front or found while streaming), with AWS's fields.
    public static func entityTooLarge(proposed: some CustomStringConvertible, max: Int64) -> S3Error {
        S3Error(.entityTooLarge, fields: [("ProposedSize", proposed.description), ("MaxSizeAllowed", String(max))])
    }
}
