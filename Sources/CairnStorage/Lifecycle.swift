import CairnModel
import Foundation

/// A bucket's lifecycle rules as Cairn enforces them: AbortIncompleteMultipartUpload.
public struct LifecycleRule: Sendable, Codable, Equatable {
    public var id: String
    public var prefix: String
    public var enabled: Bool
    public var abortDaysAfterInitiation: Int?
    public init(id: String, prefix: String, enabled: Bool, abortDaysAfterInitiation: Int?) {
        self.id = id
        self.prefix = prefix
        self.enabled = enabled
        self.abortDaysAfterInitiation = abortDaysAfterInitiation
    }
}

/// How long a lifecycle "day" is: 86,400 s, shortened only by a test option.
public struct LifecycleClock: Sendable {
    public var daySeconds: Double
    public init(daySeconds: Double = 86_400) { self.daySeconds = daySeconds }

    /// AWS: initiation + days, rounded up to the next midnight UTC. With a shortened day, no rounding.
    public func abortDate(initiated: Date, days: Int) -> Date {
        let raw = initiated.addingTimeInterval(Double(days) * daySeconds)
        guard daySeconds == 86_400 else { return raw }
        let t = raw.timeIntervalSince1970
        return Date(timeIntervalSince1970: (t / 86_400).rounded(.up) * 86_400)
    }
}

extension Storage {
    public func lifecycleRules(_ bucket: BucketName) async throws -> [LifecycleRule]? {
        guard let json = try await metadata.bucketConfig(bucket, .lifecycle) else { return nil }
        return try JSONDecoder().decode([LifecycleRule].self, from: Data(json.utf8))
    }

    public func setLifecycleRules(_ context: BucketContext, rules: [LifecycleRule]?) async throws {
        let json = try rules.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await setBucketConfig(context, .lifecycle, json)
    }

    /// The rule that will abort `upload`, and when (the earliest, if several match).
    public func abortRule(for upload: UploadRecord, clock: LifecycleClock) async throws -> (date: Date, ruleID: String)? {
        guard let rules = try await lifecycleRules(upload.bucket) else { return nil }
        return rules.compactMap { r -> (Date, String)? in
            guard r.enabled, let days = r.abortDaysAfterInitiation, upload.key.rawValue.hasPrefix(r.prefix) else { return nil }
            return (clock.abortDate(initiated: upload.initiated, days: days), r.id)
        }.min { $0.0 < $1.0 }
    }

    /// One sweep: abort every upload past its rule's abort date. Returns how many were aborted.
    @discardableResult
    public func sweepIncompleteUploads(clock: LifecycleClock, now: Date = Date()) async throws -> Int {
        var aborted = 0
        for bucket in try await metadata.buckets(with: .lifecycle) {
            for rule in try await lifecycleRules(bucket) ?? [] {
                guard rule.enabled, let days = rule.abortDaysAfterInitiation else { continue }
                while true {
                    // The candidate set is bounded by initiation time; the exact date check matches abortRule.
                    let cutoff = now.addingTimeInterval(-Double(days) * clock.daySeconds)
                    let batch = try await metadata.uploads(initiatedBefore: cutoff, bucket: bucket, prefix: rule.prefix, limit: 500)
                        .filter { clock.abortDate(initiated: $0.initiated, days: days) <= now }
                    if batch.isEmpty { break }
                    for u in batch {
                        if (try? await abortUpload(u.uploadID, bucket: u.bucket, key: u.key)) != nil { aborted += 1 }
                    }
                    if batch.count < 500 { break }
                }
            }
        }
        return aborted
    }

    public func requestPayer(_ context: BucketContext) -> RequestPayer {
        context.record.requestPayer
    }

    /// The payer is kept on the bucket row (every request's context reads it) and as the document
    /// GetBucketRequestPayment answers from, in one transaction.
    public func setRequestPayer(_ context: BucketContext, payer: RequestPayer) async throws {
        try await setBucketConfig(context, .requestPayment, payer == .requester ? payer.rawValue : nil) { $0.requestPayer = payer }
    }
}
