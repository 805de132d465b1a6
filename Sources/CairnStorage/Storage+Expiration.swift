import CairnModel
import Foundation

/// Lifecycle expiration: rules applied by index scans by age (never a scan of every object), each
/// expiry its own transaction that checks the version is still what the scan saw. On a versioned
/// bucket, expiring the current version writes a delete marker (S3's rule); on an unversioned one
/// it deletes. Locked versions are never expired.
extension Storage {
    static let expirationBatch = 500

    /// One sweep of every bucket's Expiration, ExpiredObjectDeleteMarker and
    /// NoncurrentVersionExpiration rules. Returns how many versions (or markers) it removed.
    @discardableResult
    public func sweepExpirations(clock: LifecycleClock, now: Date = Date()) async throws -> Int {
        var expired = 0
        for bucket in try await metadata.buckets(with: .lifecycle) {
            let rules = (try await lifecycleRules(bucket) ?? []).filter(\.enabled)
            for rule in rules {
                var n = try await expireCurrent(bucket, rule, clock: clock, now: now)
                if rule.expiredObjectDeleteMarker == true { n += try await removeLoneMarkers(bucket, rule, now: now) }
                if rule.noncurrentDays != nil { n += try await expireNoncurrent(bucket, rule, clock: clock, now: now) }
                expired += n
                counters.add { [n] in $0.lifecycleExpirations += Int64(n) }
            }
        }
        return expired
    }

    /// `x-amz-expiration` for a current version: the earliest expiry of the rules that select it.
    public func expiration(of object: ObjectRecord, rules: [LifecycleRule], clock: LifecycleClock) -> (date: Date, ruleID: String)? {
        rules.compactMap { r -> (Date, String)? in
            guard r.selects(object), let when = r.expiry(of: object.lastModified, clock: clock) else { return nil }
            return (when, r.id)
        }.min { $0.0 < $1.0 }
    }

    private func expireCurrent(_ bucket: BucketName, _ rule: LifecycleRule, clock: LifecycleClock, now: Date) async throws -> Int {
        let cutoff: Date
        if let days = rule.expirationDays {
            cutoff = now.addingTimeInterval(-Double(days) * clock.daySeconds)
        } else if let date = rule.expirationDate, date <= now {
            cutoff = now
        } else {
            return 0
        }
        var expired = 0
        var cursor: (Date, ObjectKey)?
        while true {
            let batch = try await metadata.currentVersions(bucket, deleteMarkers: false, modifiedBefore: cutoff, after: cursor,
                                                           limit: Self.expirationBatch)
            for o in batch {
                cursor = (o.lastModified, o.key)
                guard rule.selects(o), let when = rule.expiry(of: o.lastModified, clock: clock), when <= now else { continue }
                var done = false
                try await changing { tx in
                    let record = try await tx.requireBucket(bucket)
                    guard let current = try await tx.object(bucket, o.key), current.versionID == o.versionID, !current.isDeleteMarker else { return [] }
                    let (_, released) = try await deleteCurrent(record, o.key, owner: current.owner, tx)
                    done = true
                    return released
                }
                if done { expired += 1 }
            }
            if batch.count < Self.expirationBatch { return expired }
        }
    }

    /// ExpiredObjectDeleteMarker: a current delete marker with no version left below it goes.
    private func removeLoneMarkers(_ bucket: BucketName, _ rule: LifecycleRule, now: Date) async throws -> Int {
        var removed = 0
        var cursor: (Date, ObjectKey)?
        while true {
            let batch = try await metadata.currentVersions(bucket, deleteMarkers: true, modifiedBefore: now, after: cursor,
                                                           limit: Self.expirationBatch)
            for m in batch {
                cursor = (m.lastModified, m.key)
                guard m.key.rawValue.hasPrefix(rule.prefix) else { continue }
                let gone = try await metadata.withTransaction { tx -> Bool in
                    guard let current = try await tx.object(bucket, m.key), current.versionID == m.versionID, current.isDeleteMarker,
                          try await tx.newestNoncurrent(bucket, m.key) == nil else { return false }
                    try await tx.deleteObject(bucket, m.key)
                    return true
                }
                if gone { removed += 1 }
            }
            if batch.count < Self.expirationBatch { return removed }
        }
    }

    /// NoncurrentVersionExpiration: versions noncurrent for NoncurrentDays (to the next midnight UTC),
    /// keeping the NewerNoncurrentVersions newest noncurrent ones of each key.
    private func expireNoncurrent(_ bucket: BucketName, _ rule: LifecycleRule, clock: LifecycleClock, now: Date) async throws -> Int {
        guard let days = rule.noncurrentDays else { return 0 }
        let cutoff = now.addingTimeInterval(-Double(days) * clock.daySeconds)
        var expired = 0
        var cursor: (Date, ObjectKey, Int64)?
        while true {
            let batch = try await metadata.noncurrentVersions(bucket, noncurrentBefore: cutoff, after: cursor, limit: Self.expirationBatch)
            for (v, since) in batch {
                cursor = (since, v.key, v.seq)
                guard rule.selects(v), clock.abortDate(initiated: since, days: days) <= now,
                      v.lock.deletionBlocked(at: now, bypassGovernance: false) == nil else { continue }
                do {
                    try await changing { tx in
                        let newer = try await tx.noncurrentVersions(bucket, v.key).filter { $0.seq > v.seq }.count
                        if let keep = rule.newerNoncurrentVersions, newer < keep { return [] }
                        guard try await tx.version(bucket, v.key, v.versionID) != nil else { return [] }
                        let (_, released) = try await deleteVersion(bucket, v.key, v.versionID, tx)
                        expired += 1
                        return released
                    }
                } catch let e as S3Error where e.code == .accessDenied {
                    continue  // locked since the scan
                }
            }
            if batch.count < Self.expirationBatch { return expired }
        }
    }
}
