import CairnModel
import CairnStorage
import Foundation
import Prometheus

/// Storage gauges, set at each scrape from the metadata store's usage counters (kept in the
/// writing transactions, so every node reports the same numbers and nothing is scanned), and
/// this node's counters of blobs freed and lifecycle work (Prometheus sums those across nodes).
final class StorageMetrics: @unchecked Sendable {
    private let registry: PrometheusCollectorRegistry
    private let storage: Storage
    private let lock = NSLock()
    private var perBucket: [BucketName: [Gauge]] = [:]
    private var counted = StorageCounters.Snapshot()
    private let oldestUploadAge: Gauge
    private let blobsFreed: Counter
    private let lifecycleAborts: Counter
    private let lifecycleExpirations: Counter

    /// Per-bucket gauges, in the order `values(_:)` gives.
    static let bucketGauges = [
        ("cairn_bucket_objects", "Current objects (not delete markers)"),
        ("cairn_bucket_bytes", "Bytes of current objects"),
        ("cairn_bucket_noncurrent_versions", "Noncurrent versions (not delete markers)"),
        ("cairn_bucket_noncurrent_bytes", "Bytes of noncurrent versions"),
        ("cairn_bucket_delete_markers", "Delete markers"),
        ("cairn_multipart_uploads", "Multipart uploads in progress"),
        ("cairn_multipart_parts", "Parts of multipart uploads in progress"),
        ("cairn_multipart_part_bytes", "Bytes of parts of multipart uploads in progress"),
    ]

    static func values(_ u: BucketUsage) -> [Int64] {
        [u.objects, u.bytes, u.versions, u.versionBytes, u.deleteMarkers, u.uploads, u.parts, u.partBytes]
    }

    init(registry: PrometheusCollectorRegistry, storage: Storage) {
        self.registry = registry
        self.storage = storage
        oldestUploadAge = registry.makeGauge(name: "cairn_multipart_oldest_upload_age_seconds",
                                             help: "Age of the oldest multipart upload in progress (0: none)")
        blobsFreed = registry.makeCounter(name: "cairn_blobs_freed_total", help: "Blob files this node deleted")
        lifecycleAborts = registry.makeCounter(name: "cairn_lifecycle_aborted_uploads_total",
                                               help: "Multipart uploads this node's lifecycle sweeper aborted")
        lifecycleExpirations = registry.makeCounter(name: "cairn_lifecycle_expired_versions_total",
                                                    help: "Object versions and delete markers this node's lifecycle sweeper expired")
    }

    /// Reads the usage of every bucket (one query) and the oldest upload (one index lookup).
    func update(now: Date = Date()) async throws {
        // A bucket whose counters are all zero (emptied, or deleted while a fold ran) is not exported.
        let usage = try await storage.metadata.allUsage().filter { $0.value != BucketUsage() }
        let oldest = try await storage.metadata.oldestUpload(nil)
        let snapshot = storage.counters.snapshot
        lock.withLock {
            for (bucket, u) in usage {
                let gauges = perBucket[bucket] ?? Self.bucketGauges.map { name, help in
                    registry.makeGauge(name: name, labels: [("bucket", bucket.rawValue)], help: help)
                }
                perBucket[bucket] = gauges
                for (g, v) in zip(gauges, Self.values(u)) { g.set(v) }
            }
            // A bucket deleted since (its counters are gone or zero) stops being exported.
            for (bucket, gauges) in perBucket where usage[bucket] == nil {
                gauges.forEach(registry.unregisterGauge)
                perBucket[bucket] = nil
            }
            oldestUploadAge.set(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
            blobsFreed.increment(by: snapshot.blobsFreed - counted.blobsFreed)
            lifecycleAborts.increment(by: snapshot.lifecycleAborts - counted.lifecycleAborts)
            lifecycleExpirations.increment(by: snapshot.lifecycleExpirations - counted.lifecycleExpirations)
            counted = snapshot
        }
    }
}
