/// What an admin operation refuses, by kind; the admin API maps kinds to HTTP statuses.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case notFound = "NotFound", conflict = "Conflict", invalid = "InvalidRequest",
                                         unavailable = "Unavailable" }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { "\(kind.rawValue): \(message)" }
}
