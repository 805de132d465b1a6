/// Where an object is: its bucket and key (and, with versioning, the version a request names).
public struct ObjectAddress: Hashable, Sendable {
    public var bucket: BucketName
    public var key: ObjectKey

    public init(bucket: BucketName, key: ObjectKey) {
        self.bucket = bucket
        self.key = key
    }
}
