import Foundation

/// A user kept in the metadata store: the canonical id S3 shows as Owner, a display name, and
/// whether it may use the admin API.
public struct StoredUser: Sendable, Equatable {
    public var id: String
    public var name: String
    public var admin: Bool
    public var created: Date
    public init(id: String, name: String, admin: Bool, created: Date) {
        self.id = id
        self.name = name
        self.admin = admin
        self.created = created
    }
}

/// An access key of a user. SigV4 needs the secret itself, so it is kept sealed by the server's
/// master key (`KeyService.wrap`), never in clear.
public struct StoredAccessKey: Sendable, Equatable {
    public var accessKey: String
    public var userID: String
    /// The secret, sealed with the master key.
    public var sealedSecret: String
    public var enabled: Bool
    public var created: Date
    public init(accessKey: String, userID: String, sealedSecret: String, enabled: Bool, created: Date) {
        self.accessKey = accessKey
        self.userID = userID
        self.sealedSecret = sealedSecret
        self.enabled = enabled
        self.created = created
    }
}
