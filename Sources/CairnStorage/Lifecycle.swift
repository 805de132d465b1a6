import CairnModel
import Foundation

/// A bucket's lifecycle rule as Cairn enforces it: a filter (prefix, tags, size bounds) and the
/// actions AbortIncompleteMultipartUpload, Expiration (days, date, expired delete markers) and
/// NoncurrentVersionExpiration. Stored as JSON; fields added later decode as absent.
public struct LifecycleRule: Sendable, Codable, Equatable {
    public var id: String
    public var prefix: String
    public var enabled: Bool
    public var abortDaysAfterInitiation: Int?
    public var tags: [TagSet.Tag]?
    public var sizeGreaterThan: Int64?
    public var sizeLessThan: Int64?
    public var expirationDays: Int?
    public var expirationDate: Date?
    public var expiredObjectDeleteMarker: Bool?
    public var noncurrentDays: Int?
    public var newerNoncurrentVersions: Int?

    public init(id: String, prefix: String, enabled: Bool, abortDaysAfterInitiation: Int?, tags: [TagSet.Tag]? = nil,
                sizeGreaterThan: Int64? = nil, sizeLessThan: Int64? = nil, expirationDays: Int? = nil, expirationDate: Date? = nil,
                expiredObjectDeleteMarker: Bool? = nil, noncurrentDays: Int? = nil, newerNoncurrentVersions: Int? = nil) {
        self.id = id
        self.prefix = prefix
        self.enabled = enabled
        self.abortDaysAfterInitiation = abortDaysAfterInitiation
        self.tags = tags
        self.sizeGreaterThan = sizeGreaterThan
        self.sizeLessThan = sizeLessThan
        self.expirationDays = expirationDays
        self.expirationDate = expirationDate
        self.expiredObjectDeleteMarker = expiredObjectDeleteMarker
        self.noncurrentDays = noncurrentDays
        self.newerNoncurrentVersions = newerNoncurrentVersions
    }

    /// Whether the rule's filter selects this version (prefix, every tag, size bounds).
    public func selects(_ o: ObjectRecord) -> Bool {
        guard enabled, o.key.rawValue.hasPrefix(prefix) else { return false }
        if let gt = sizeGreaterThan, !(o.size > gt) { return false }
        if let lt = sizeLessThan, !(o.size < lt) { return false }
        for t in tags ?? [] where !o.tags.tags.contains(t) { return false }
        return true
    }

    /// When the rule expires a current version last modified at `modified` (S3: the days run to
    /// the next midnight UTC; a Date rule expires everything from that date on).
    public func expiry(of modified: Date, clock: LifecycleClock) -> Date? {
        if let days = expirationDays { return clock.abortDate(initiated: modified, days: days) }
        return expirationDate
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

    /// The rules of the bucket a request addresses, from its record (no query).
    public func lifecycleRules(_ context: BucketContext) -> [LifecycleRule] {
        guard let json = context.record.lifecycle else { return [] }
        return (try? JSONDecoder().decode([LifecycleRule].self, from: Data(json.utf8))) ?? []
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
                        if (try? await abortUpload(u.uploadID, bucket: u.bucket, key: u.key)) != nil {
                            aborted += 1
                            counters.add { $0.lifecycleAborts += 1 }
                        }
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
