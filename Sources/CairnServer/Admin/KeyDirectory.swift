import CairnModel
import CairnSigV4
import CairnStorage
import Foundation
import Logging

/// The access keys authentication checks, kept in memory and reloaded from the metadata store
/// when its identity generation moves: after a change made through this node's admin API at
/// once, after another node's within a poll (`S3Server` polls every second), and at once when a
/// request names a key this node does not know yet (`refreshIfChanged` before answering
/// InvalidAccessKeyId). A lookup is a dictionary read under an uncontended lock.
public final class KeyDirectory: CredentialProvider, @unchecked Sendable {
    private let storage: Storage
    private let logger: Logger
    private let lock = NSLock()
    private var byKey: [String: UserIdentity] = [:]
    private var byID: [String: UserIdentity] = [:]
    private var admins: Set<String> = []
    private var generation: Int64 = -1

    public init(storage: Storage, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    public func user(forAccessKey key: String) -> UserIdentity? { lock.withLock { byKey[key] } }

    /// A user with an active key, by canonical id (ACL grantees).
    func user(byID id: String) -> UserIdentity? { lock.withLock { byID[id] } }

    /// Whether the user (by canonical id) may use the admin API.
    public func isAdmin(_ userID: String) -> Bool { lock.withLock { admins.contains(userID) } }

    /// Reloads the keys if the store's generation differs from the one loaded; true if it did.
    @discardableResult
    public func refreshIfChanged() async throws -> Bool {
        let current = try await storage.metadata.identityGeneration()
        guard current != lock.withLock({ generation }) else { return false }
        // Read before loading: a change committed meanwhile moves the generation again, and the
        // next refresh loads it.
        let (active, unreadable) = try await storage.activeKeys()
        if !unreadable.isEmpty {
            logger.error("access keys sealed with another master key are refused here (every node needs the same CAIRN_MASTER_KEY): \(unreadable.joined(separator: ", "))")
        }
        lock.withLock {
            byKey = Dictionary(active.map { ($0.identity.accessKey, $0.identity) }, uniquingKeysWith: { a, _ in a })
            byID = Dictionary(active.map { ($0.identity.id, $0.identity) }, uniquingKeysWith: { a, _ in a })
            admins = Set(active.filter(\.admin).map(\.identity.id))
            generation = current
        }
        return true
    }
}
