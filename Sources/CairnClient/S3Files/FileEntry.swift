import Foundation

/// A file or object found on one side of a command, with where it goes (awscli `FileStat`).
public struct FileEntry: Sendable {
    /// Absolute local path or `bucket/key`.
    public var source: String
    public var sourceIsS3: Bool
    /// Where it goes: absolute local path or `bucket/key`.
    public var destination: String
    public var destinationIsS3: Bool
    /// The path below the roots that both sides share; sync pairs files by it.
    public var compareKey: String
    /// -1 when not known (a single `rm` does not look the object up).
    public var size: Int64
    /// Seconds since the epoch (file mtime or the object's LastModified).
    public var lastModified: Double
    /// An object's storage class, when the listing or HeadObject said it.
    public var storageClass: String? = nil
}
