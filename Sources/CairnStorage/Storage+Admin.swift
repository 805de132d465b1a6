import CairnModel
import Foundation

/// A bucket as the admin API shows it: its record (owner, versioning, quota) and usage.
public struct BucketInfo: Sendable {
    public var record: BucketRecord
    public var usage: BucketUsage
    public var oldestUpload: Date?
    public init(record: BucketRecord, usage: BucketUsage, oldestUpload: Date?) {
        self.record = record
        self.usage = usage
        self.oldestUpload = oldestUpload
    }
}

/// An upload in progress with its parts.
public struct UploadInfo: Sendable {
    public var upload: UploadRecord
    public var parts: [PartRecord]
    public init(upload: UploadRecord, parts: [PartRecord]) {
        self.upload = upload
        self.parts = parts
    }
}

/// What `cairn admin bucket` and `cairn admin uploads` ask of the store. Usage comes from the
/// counters; listings of uploads are index range scans by initiation time.
extension Storage {
    /// At most this many uploads per bucket in one admin listing or abort.
    public static let adminUploadLimit = 10_000

    public func bucketInfos() async throws -> [BucketInfo] {
        let usage = try await metadata.allUsage()
        var infos: [BucketInfo] = []
        for record in try await metadata.allBuckets() {
            let u = usage[record.name] ?? BucketUsage()
            infos.append(BucketInfo(record: record, usage: u, oldestUpload: u.uploads > 0 ? try await metadata.oldestUpload(record.name) : nil))
        }
        return infos
    }

    public func bucketInfo(_ name: BucketName) async throws -> BucketInfo {
        guard let record = try await metadata.bucket(name) else { throw AdminError(.notFound, "no bucket \(name.rawValue)") }
        return BucketInfo(record: record, usage: try await metadata.usage(name), oldestUpload: try await metadata.oldestUpload(name))
    }

    /// Uploads in progress (in `bucket`, or everywhere) initiated more than `olderThan` seconds
    /// ago (all when nil), oldest first, each with its parts.
    public func uploadsInProgress(bucket: BucketName?, olderThan: TimeInterval?, now: Date = Date()) async throws -> [UploadInfo] {
        var infos: [UploadInfo] = []
        for upload in try await uploads(bucket: bucket, olderThan: olderThan, now: now) {
            infos.append(UploadInfo(upload: upload, parts: try await metadata.parts(upload.uploadID, after: 0, limit: 10_000)))
        }
        return infos
    }

    private func uploads(bucket: BucketName?, olderThan: TimeInterval?, now: Date) async throws -> [UploadRecord] {
        let names: [BucketName]
        if let bucket {
            guard try await metadata.bucket(bucket) != nil else { throw AdminError(.notFound, "no bucket \(bucket.rawValue)") }
            names = [bucket]
        } else {
            names = try await metadata.allBuckets().map(\.name)
        }
        let before = olderThan.map { now.addingTimeInterval(-$0) } ?? Date.distantFuture
        var all: [UploadRecord] = []
        for name in names {
            all += try await metadata.uploads(initiatedBefore: before, bucket: name, prefix: "", limit: Self.adminUploadLimit)
        }
        return all.sorted { ($0.initiated, $0.uploadID.rawValue) < ($1.initiated, $1.uploadID.rawValue) }
    }

    /// Aborts the uploads named by `ids`, or (with no ids) all those older than `olderThan`, in
    /// `bucket` or everywhere. Returns the uploads aborted; an id not found is NotFound.
    public func abortUploads(bucket: BucketName?, ids: [UploadID], olderThan: TimeInterval?, now: Date = Date()) async throws -> [UploadRecord] {
        let candidates = try await uploads(bucket: bucket, olderThan: ids.isEmpty ? olderThan : nil, now: now)
        let chosen: [UploadRecord]
        if ids.isEmpty {
            guard olderThan != nil else { throw AdminError(.invalid, "name the uploads to abort, or give an age (older than)") }
            chosen = candidates
        } else {
            let byID = Dictionary(candidates.map { ($0.uploadID, $0) }, uniquingKeysWith: { a, _ in a })
            chosen = try ids.map { id in
                guard let u = byID[id] else { throw AdminError(.notFound, "no upload \(id.rawValue)") }
                return u
            }
        }
        var aborted: [UploadRecord] = []
        for u in chosen {
            do {
                try await abortUpload(u.uploadID, bucket: u.bucket, key: u.key)
                aborted.append(u)
            } catch let e as S3Error where e.code == .noSuchUpload {
                continue  // completed or aborted meanwhile
            }
        }
        return aborted
    }
}
