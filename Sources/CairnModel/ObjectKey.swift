/// An object key: any UTF-8 string of 1 to 1,024 bytes (S3 User Guide, "Naming Amazon S3 objects").
/// Keys are never mapped to file paths, so `..`, `//` and trailing slashes are ordinary characters.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(validating key: String) throws(S3Error) {
        guard !key.isEmpty else { throw S3Error(.invalidArgument, "Object key must not be empty") }
        guard key.utf8.count <= 1024 else {
            throw S3Error(.keyTooLongError, fields: [("Size", String(key.utf8.count)), ("MaxSizeAllowed", "1024")])
        }
        self.rawValue = key
    }

    public init(unchecked key: String) { self.rawValue = key }
    public var description: String { rawValue }
    /// S3 orders keys by their UTF-8 bytes; Swift's String `<` compares by Unicode scalars, which gives
    /// the same order for valid UTF-8.
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }
}
