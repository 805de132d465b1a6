/// Where an object is: its bucket and key, and the version a request names (`?versionId=`; nil
/// means the current version).
public struct ObjectAddress: Hashable, Sendable {
    public var bucket: BucketName
    public var key: ObjectKey
    public var versionID: VersionID?

    public init(bucket: BucketName, key: ObjectKey, versionID: VersionID? = nil) {
        self.bucket = bucket
        self.key = key
        self.versionID = versionID
    }
}
