import CairnModel
import Foundation

/// The multipart half of the metadata store. Every method is one transaction; rules (part order,
/// sizes, ETags) live in `Storage`, which hands them in as closures run inside the transaction.
public protocol MultipartMetadataStore: Sendable {
    func createUpload(_ upload: UploadRecord) async throws
    /// The upload if it exists in that bucket under that key.
    func upload(_ id: String, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord?
    /// Inserts or replaces a part; NoSuchUpload when the upload is gone. Returns the replaced blob.
    func putPart(_ part: PartRecord, bucket: BucketName, key: ObjectKey) async throws -> [BlobID]
    /// Parts with numbers > `after`, ascending, at most `limit`.
    func parts(_ id: String, after: Int, limit: Int) async throws -> [PartRecord]
    /// Deletes the upload and its parts, returning their blobs; NoSuchUpload when absent.
    func abortUpload(_ id: String, bucket: BucketName, key: ObjectKey) async throws -> [BlobID]
    /// In one transaction: load the upload and all its parts and the current object, let `build`
    /// validate and make the new object, store it, delete the upload, remember the completion.
    /// Returns the object and every blob no longer referenced (unlisted parts, the replaced object).
    /// When the upload is gone, `retry` is given the earlier completion (if any) to decide.
    func completeUpload(_ id: String, bucket: BucketName, key: ObjectKey,
                        build: @Sendable (UploadRecord, [PartRecord], ObjectRecord?) throws -> (ObjectRecord, CompletedUpload),
                        retry: @Sendable (CompletedUpload?) throws -> ObjectRecord) async throws -> (ObjectRecord, [BlobID])
    /// Uploads of a bucket ordered by key, then initiation time, then id, starting after the marker.
    func listUploads(_ bucket: BucketName, prefix: String, afterKey: String?, afterUpload: (Date, String)?,
                     limit: Int) async throws -> [UploadRecord]
    /// Uploads initiated before `date` whose key starts with `prefix` (lifecycle sweeper).
    func uploads(initiatedBefore date: Date, bucket: BucketName, prefix: String, limit: Int) async throws -> [UploadRecord]
}
