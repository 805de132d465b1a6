import Crypto
import Foundation

/// Derived SigV4 signing keys, by secret and credential scope. A key is four HMACs away from the
/// secret and stays the same for a whole day of a client's requests, so deriving it on every
/// request was a quarter of SigV4 verification's cost (perf, issue 19). Bounded: emptied when full.
/// Keyed by the secret itself, so a changed secret never meets the old key.
final class SigningKeyCache: @unchecked Sendable {  // `lock` guards `keys`
    static let shared = SigningKeyCache()
    private let lock = NSLock()
    private var keys: [Entry: SymmetricKey] = [:]
    private static let limit = 4096

    private struct Entry: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    func key(secret: String, scope: CredentialScope) -> SymmetricKey {
        let entry = Entry(secret: secret, date: scope.date, region: scope.region, service: scope.service)
        lock.lock()
        if let k = keys[entry] {
            lock.unlock()
            return k
        }
        lock.unlock()
        let k = SigV4.signingKey(secret: secret, scope: scope)
        lock.lock()
        if keys.count >= Self.limit { keys.removeAll(keepingCapacity: true) }
        keys[entry] = k
        lock.unlock()
        return k
    }
}
