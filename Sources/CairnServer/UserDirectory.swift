import CairnModel
import CairnSigV4
import Foundation

/// The users the server knows, by access key: from a users file, or the single configured pair.
public struct UserDirectory: CredentialProvider {
    let byKey: [String: UserIdentity]
    /// By canonical id: ACL grants name users this way.
    let byID: [String: UserIdentity]
    /// The users, in the order given (imported into the metadata store at start).
    public let users: [UserIdentity]
    /// Canonical ids of the users who may use the admin API.
    public let adminIDs: Set<String>

    public init(users: [UserIdentity], adminIDs: Set<String> = []) {
        self.byKey = Dictionary(users.map { ($0.accessKey, $0) }, uniquingKeysWith: { a, _ in a })
        self.byID = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.users = users
        self.adminIDs = adminIDs
    }

    public func user(forAccessKey key: String) -> UserIdentity? { byKey[key] }

    /// `{"users": [{"accessKey": ..., "secretKey": ..., "id": ..., "displayName": ..., "admin": true}]}`.
    public static func load(path: String) throws -> UserDirectory {
        struct File: Decodable {
            struct User: Decodable {
                var accessKey: String; var secretKey: String; var id: String?; var displayName: String?; var admin: Bool?
            }
            var users: [User]
        }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let users = file.users.map {
            UserIdentity(accessKey: $0.accessKey, secretKey: $0.secretKey, id: $0.id ?? canonicalID(for: $0.accessKey),
                         displayName: $0.displayName ?? $0.accessKey)
        }
        let admins = zip(file.users, users).filter { $0.0.admin == true }.map { $0.1.id }
        return UserDirectory(users: users, adminIDs: Set(admins))
    }

    /// A stable 64-hex canonical id derived from an access key, shaped like AWS's.
    public static func canonicalID(for accessKey: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        var out = ""
        for round in 0..<4 {
            for b in Array(accessKey.utf8) + [UInt8(round)] { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            out += String(format: "%016llx", h)
        }
        return out
    }
}

extension UserIdentity {
    public var owner: Owner { Owner(id: id, displayName: displayName) }
}
