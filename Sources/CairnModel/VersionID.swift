import Foundation

/// An object version's id. `null` is the version of an object written while the bucket was never
/// versioned or was suspended; every other id is made by the server: 32 lowercase hex digits, the
/// first 16 the complement of the version's sequence number (so ids of one key sort newest first)
/// and 16 random ones (so they are unguessable and unique across nodes).
public enum VersionID: Hashable, Sendable, CustomStringConvertible {
    case null
    case id(String)

    /// A `versionId` from a request: `null`, or an id of the server's form; InvalidArgument
    /// otherwise (as S3 answers an id it could never have made).
    public init(parsing raw: String) throws(S3Error) {
        if raw == "null" { self = .null; return }
        guard raw.utf8.count == 32, raw.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw S3Error(.invalidArgument, raw.isEmpty ? "Version id cannot be the empty string" : "Invalid version id specified",
                          fields: [("ArgumentName", "versionId"), ("ArgumentValue", raw)])
        }
        self = .id(raw)
    }

    /// A stored value, trusted as written.
    public init(stored raw: String) {
        self = raw == "null" ? .null : .id(raw)
    }

    /// A new id for a version with sequence number `seq`.
    public static func new(seq: Int64) -> VersionID {
        let ordered = String(UInt64.max - UInt64(max(seq, 0)), radix: 16)
        var random = SystemRandomNumberGenerator()
        let tail = String(random.next() as UInt64, radix: 16)
        return .id(String(repeating: "0", count: 16 - ordered.count) + ordered + String(repeating: "0", count: 16 - tail.count) + tail)
    }

    public var rawValue: String {
        switch self {
        case .null: return "null"
        case .id(let s): return s
        }
    }

    public var description: String { rawValue }
}

/// A bucket's versioning state. A bucket that was never versioned has none (no Status element,
/// no `x-amz-version-id` headers); once enabled it can only be suspended, never unversioned again.
public enum VersioningStatus: String, Sendable, Codable {
    case enabled = "Enabled"
    case suspended = "Suspended"
}
