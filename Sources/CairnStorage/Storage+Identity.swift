import CairnModel
import Foundation

/// A user with one of its keys, as authentication needs it: the secret in clear (in memory only).
public struct ActiveKey: Sendable {
    public var identity: UserIdentity
    public var admin: Bool
}

/// A key as first created: the only time its secret is shown.
public struct NewAccessKey: Sendable {
    public var accessKey: String
    public var secretKey: String
    public var userID: String
}

/// Users and access keys in the metadata store, so every node sees them and they change without a
/// restart. Secrets are sealed with the master key (`KeyService.wrap`, AES-GCM): SigV4 needs the
/// secret itself, so a hash would not do, and the database alone does not give them away.
extension Storage {
    private func keyService() throws -> any KeyService {
        guard let keys else { throw AdminError(.unavailable, "no master key: users and keys cannot be stored") }
        return keys
    }

    func seal(_ secret: String) async throws -> String {
        try await keyService().wrap(Array(secret.utf8), kmsKeyARN: nil)
    }

    /// The enabled keys with their users, secrets unsealed (the server's in-memory key directory),
    /// and the keys whose secret this node cannot unseal (sealed under another master key: every
    /// node must have the same one). Those are left out, not fatal: the other keys keep working.
    public func activeKeys() async throws -> (keys: [ActiveKey], unreadable: [String]) {
        let users = Dictionary(try await metadata.users().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var active: [ActiveKey] = []
        var unreadable: [String] = []
        for key in try await metadata.accessKeys() where key.enabled {
            guard let user = users[key.userID] else { continue }
            guard let sealed = try? await keyService().unwrap(key.sealedSecret, kmsKeyARN: nil) else {
                unreadable.append(key.accessKey)
                continue
            }
            let identity = UserIdentity(accessKey: key.accessKey, secretKey: String(decoding: sealed, as: UTF8.self), id: user.id,
                                        displayName: user.name)
            active.append(ActiveKey(identity: identity, admin: user.admin))
        }
        return (active, unreadable)
    }

    /// Imports users given at start (`--users FILE`, the single pair): each user and key is
    /// written with the secret given, so restating a secret at start changes it; a key's
    /// enabled/disabled state set through the admin API is kept.
    public func importUsers(_ users: [UserIdentity], admins: Set<String>) async throws {
        var sealed: [String: String] = [:]
        for u in users { sealed[u.accessKey] = try await seal(u.secretKey) }
        let now = Date().truncatedToMilliseconds
        try await metadata.withTransaction { tx in
            for u in users {
                let existing = try await tx.user(u.id)
                try await tx.putUser(StoredUser(id: u.id, name: u.displayName, admin: admins.contains(u.id) || existing?.admin == true,
                                                created: existing?.created ?? now))
                let key = try await tx.accessKey(u.accessKey)
                try await tx.putAccessKey(StoredAccessKey(accessKey: u.accessKey, userID: u.id, sealedSecret: sealed[u.accessKey]!,
                                                          enabled: key?.enabled ?? true, created: key?.created ?? now))
            }
        }
    }

    /// A new user with a canonical id shaped like AWS's (64 hex digits). Names are unique.
    public func addUser(name: String, admin: Bool) async throws -> StoredUser {
        guard !name.isEmpty, name.utf8.count <= 64 else { throw AdminError(.invalid, "a user name is 1 to 64 bytes") }
        if try await metadata.users().contains(where: { $0.name == name }) { throw AdminError(.conflict, "user \(name) exists") }
        let user = StoredUser(id: Self.randomHex(32), name: name, admin: admin, created: Date().truncatedToMilliseconds)
        try await metadata.withTransaction { tx in try await tx.putUser(user) }
        return user
    }

    /// The user named `nameOrID` (its name, or its id).
    public func user(named nameOrID: String) async throws -> StoredUser {
        let users = try await metadata.users()
        guard let user = users.first(where: { $0.id == nameOrID }) ?? users.first(where: { $0.name == nameOrID }) else {
            throw AdminError(.notFound, "no user \(nameOrID)")
        }
        return user
    }

    /// Removes a user and its keys. A user who owns buckets stays (its buckets would have no owner).
    public func removeUser(_ nameOrID: String) async throws {
        let user = try await user(named: nameOrID)
        let owned = try await metadata.buckets(ownedBy: user.id)
        guard owned.isEmpty else {
            throw AdminError(.conflict, "user \(user.name) owns \(owned.count) bucket(s): \(owned.prefix(5).map(\.name.rawValue).joined(separator: ", "))")
        }
        try await metadata.withTransaction { tx in try await tx.deleteUser(user.id) }
    }

    /// A new key for a user: 20 characters from AWS's access key alphabet, a 40-character secret.
    public func createKey(for nameOrID: String) async throws -> NewAccessKey {
        let user = try await user(named: nameOrID)
        let key = NewAccessKey(accessKey: "CK" + Self.randomString(18, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                               secretKey: Self.randomString(40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
                               userID: user.id)
        let sealed = try await seal(key.secretKey)
        try await metadata.withTransaction { tx in
            guard try await tx.user(user.id) != nil else { throw AdminError(.notFound, "no user \(nameOrID)") }
            try await tx.putAccessKey(StoredAccessKey(accessKey: key.accessKey, userID: user.id, sealedSecret: sealed, enabled: true,
                                                      created: Date().truncatedToMilliseconds))
        }
        return key
    }

    /// Enables or disables a key: a disabled key is refused as unknown (InvalidAccessKeyId).
    public func setKeyEnabled(_ accessKey: String, _ enabled: Bool) async throws {
        try await metadata.withTransaction { tx in
            guard var key = try await tx.accessKey(accessKey) else { throw AdminError(.notFound, "no access key \(accessKey)") }
            key.enabled = enabled
            try await tx.putAccessKey(key)
        }
    }

    public func deleteKey(_ accessKey: String) async throws {
        try await metadata.withTransaction { tx in
            guard try await tx.accessKey(accessKey) != nil else { throw AdminError(.notFound, "no access key \(accessKey)") }
            try await tx.deleteAccessKey(accessKey)
        }
    }

    static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    static func randomString(_ count: Int, from alphabet: String) -> String {
        let chars = Array(alphabet)
        var rng = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in chars[Int.random(in: 0..<chars.count, using: &rng)] })
    }
}
