/// A user the server knows: the access key pair it signs with and the canonical identity S3 shows in
/// Owner / Initiator fields.
public struct UserIdentity: Hashable, Sendable {
    public var accessKey: String
    public var secretKey: String
    /// Canonical user id (AWS shows a 64-hex-character id; any stable string works for clients).
    public var id: String
    public var displayName: String

    public init(accessKey: String, secretKey: String, id: String, displayName: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.id = id
        self.displayName = displayName
    }
}

/// The owner of a bucket or object as stored and shown.
public struct Owner: Hashable, Sendable, Codable {
    public var id: String
    public var displayName: String
    public init(id: String, displayName: String) { self.id = id; self.displayName = displayName }
}
