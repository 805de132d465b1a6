import CairnModel
import CairnPolicy
import CairnStorage
import NIOConcurrencyHelpers

/// Bucket policies parsed once per document text: the text comes with every bucket record read,
/// and parsing JSON on every request would cost more than the rest of the authorize step. Keyed
/// by text, so a policy changed on another node is picked up with the next record read.
final class PolicyCache: Sendable {
    private let parsed = NIOLockedValueBox<[String: BucketPolicy]>([:])
    static let capacity = 1024

    func policy(of bucket: BucketRecord) throws(S3Error) -> BucketPolicy? {
        guard let text = bucket.policy else { return nil }
        let key = bucket.name.rawValue + "\u{0}" + text
        if let p = parsed.withLockedValue({ $0[key] }) { return p }
        let p = try BucketPolicy(json: text, bucket: bucket.name)
        parsed.withLockedValue { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = p
        }
        return p
    }
}
