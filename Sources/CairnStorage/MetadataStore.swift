import CairnModel
import Foundation
import NIOCore

/// Metadata: buckets and their configurations, objects, multipart uploads and parts, and the queue
/// of blobs to delete. Implementations: SQLite (embedded default), PostgreSQL (several nodes).
///
/// A store keeps records; it does not know S3's rules. Every change happens in `withTransaction`
/// through typed primitives, and the rules (what Complete checks, what a Delete frees, when a bucket
/// may go) live once in `Storage`. The reads below run outside any transaction, for GET, HEAD and
/// listings: each sees a committed state, possibly one a concurrent transaction has since replaced.
///
/// ## Locking contract
/// A backend must make each transaction atomic (all of it commits or none) and durable at commit,
/// and must serialise transactions that touch the same rows:
/// - the upload row read by `MetadataTransaction.upload` (UploadPart, Complete and Abort of one upload:
///   a part written after Complete read the parts must not be lost silently, so a PutPart that commits
///   after Complete finds the upload gone: NoSuchUpload);
/// - the object key read by `MetadataTransaction.object` (two PutObjects, a Put and a Delete, or a
///   Complete with If-None-Match on one key: the second sees the first's result), including a key
///   that has no row yet;
/// - the bucket row read by `MetadataTransaction.bucket` against DeleteBucket (an object written to a
///   bucket being deleted either lands before the emptiness check, which then fails, or finds no bucket).
/// SQLite meets this with one writer at a time. A backend with concurrent writers locks those rows
/// (`SELECT ... FOR UPDATE`, a lock on the key for absent rows) or retries on serialisation failures
/// inside `withTransaction` (`body` may then run more than once, so it must only touch the store).
///
/// Several nodes on one store also share its node rows and leases (`NodeCoordination`).
public protocol MetadataStore: NodeCoordination {
    /// Runs `body` as one transaction; any error rolls everything back and is rethrown.
    func withTransaction<T: Sendable>(_ body: (any MetadataTransaction) async throws -> T) async throws -> T

    func bucket(_ name: BucketName) async throws -> BucketRecord?
    func buckets(ownedBy ownerID: String) async throws -> [BucketRecord]
    func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String?
    /// Buckets that have a configuration of this kind (the lifecycle sweeper's work list).
    func buckets(with kind: BucketConfigKind) async throws -> [BucketName]

    /// The current version of a key (possibly a delete marker).
    func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord?
    /// One version of a key, current or not.
    func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord?
    /// Current versions that are not delete markers, with keys starting with `prefix` and greater
    /// than `after`, in key (UTF-8 byte) order.
    func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary]
    /// Every version (delete markers included) of keys starting with `prefix`, by key, then newest
    /// first; starting after the key `afterKey`, or, with `afterSeq`, after that version of it.
    func listVersions(_ bucket: BucketName, prefix: String, afterKey: String?, afterSeq: Int64?, limit: Int) async throws -> [ObjectSummary]

    /// The upload if it exists in that bucket under that key.
    func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord?
    /// Parts with numbers > `after`, ascending, at most `limit`.
    func parts(_ id: UploadID, after: Int, limit: Int) async throws -> [PartRecord]
    /// Uploads of a bucket ordered by key, then initiation time, then id, starting after the marker.
    func listUploads(_ bucket: BucketName, prefix: String, afterKey: String?, afterUpload: (Date, UploadID)?,
                     limit: Int) async throws -> [UploadRecord]
    /// Current versions (delete markers, or only the others) last modified before `date`, oldest
    /// first, after the cursor `(modified, key)` (lifecycle Expiration; an index scan by date).
    func currentVersions(_ bucket: BucketName, deleteMarkers: Bool, modifiedBefore date: Date, after: (Date, ObjectKey)?,
                         limit: Int) async throws -> [ObjectRecord]
    /// Noncurrent versions that became noncurrent before `date`, oldest first, after the cursor
    /// `(since, key, seq)` (lifecycle NoncurrentVersionExpiration).
    func noncurrentVersions(_ bucket: BucketName, noncurrentBefore date: Date, after: (Date, ObjectKey, Int64)?,
                            limit: Int) async throws -> [(ObjectRecord, since: Date)]
    /// Uploads initiated before `date` whose key starts with `prefix` (lifecycle sweeper).
    func uploads(initiatedBefore date: Date, bucket: BucketName, prefix: String, limit: Int) async throws -> [UploadRecord]

    /// Every blob referenced by an object or a part (the startup sweep keeps these).
    func referencedBlobs() async throws -> Set<BlobID>
    /// The bytes of a blob kept inline (`BlobID.inline()`), nil when there is none by that id.
    func inlineBlob(_ id: BlobID) async throws -> ByteBuffer?
    /// Blobs that committed transactions released and that may not be deleted yet, oldest first.
    func pendingBlobDeletions(limit: Int) async throws -> [BlobID]
    /// These blobs are deleted: drop them from the queue. A store may do this lazily (with its next
    /// transaction); until then, or after a crash, `pendingBlobDeletions` may list them again, and
    /// deleting a missing blob is harmless.
    func blobDeletionsDone(_ blobs: [BlobID]) async throws
    /// Writes what is pending (blob deletions done) and closes the connections.
    func close() async throws

    // MARK: Operating (admin API, metrics)

    /// Every bucket, by name.
    func allBuckets() async throws -> [BucketRecord]
    /// A bucket's usage as of the last commit (zeros for a bucket with none). Kept by the store in
    /// the transactions that change objects, versions, uploads and parts, never by scanning them.
    func usage(_ bucket: BucketName) async throws -> BucketUsage
    /// The usage of every bucket that has any.
    func allUsage() async throws -> [BucketName: BucketUsage]
    /// When the oldest upload in progress (in `bucket`, or anywhere) was initiated; an index lookup.
    func oldestUpload(_ bucket: BucketName?) async throws -> Date?
    /// Folds pending usage changes into the per-bucket totals (a store that keeps delta rows to
    /// spare concurrent writers one hot row; a no-op where the totals are written directly).
    func foldUsage() async throws

    /// Bumped by every change to users or keys: nodes compare it to know when to reload them.
    func identityGeneration() async throws -> Int64
    func users() async throws -> [StoredUser]
    func accessKeys() async throws -> [StoredAccessKey]
}

/// The primitives of one transaction. Reads of `bucket`, `object` and `upload` take the locks the
/// store's locking contract describes; the rest read and write rows. No method checks an S3 rule.
public protocol MetadataTransaction {
    func bucket(_ name: BucketName) async throws -> BucketRecord?
    /// `MetadataError.alreadyExists` when a bucket of that name exists.
    func insertBucket(_ bucket: BucketRecord) async throws
    /// Rewrites a bucket row's own fields (request payer, versioning).
    func updateBucket(_ bucket: BucketRecord) async throws
    /// Deletes the bucket row and its configurations.
    func deleteBucket(_ name: BucketName) async throws
    /// Whether any version (delete markers included) remains in the bucket.
    func hasObjects(_ bucket: BucketName) async throws -> Bool
    /// Sets, or with nil deletes, one configuration document.
    func setBucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind, _ value: String?) async throws

    /// The current version of a key (possibly a delete marker).
    func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord?
    /// One version, current or not.
    func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord?
    /// Noncurrent versions of a key, newest first.
    func noncurrentVersions(_ bucket: BucketName, _ key: ObjectKey) async throws -> [ObjectRecord]
    /// The newest version that is not the current one.
    func newestNoncurrent(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord?
    /// Makes the record the current version of its key, replacing the current row.
    func putObject(_ object: ObjectRecord) async throws
    /// Deletes the current row of a key (leaving any noncurrent versions).
    func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws
    /// Stores a version that is not current (the one a new version displaced).
    func putNoncurrent(_ object: ObjectRecord) async throws
    func deleteNoncurrent(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws
    /// Rewrites the row of the version `record.versionID` of its key in place, current or
    /// noncurrent (its order among the key's versions is kept); no effect when there is none.
    func updateVersion(_ record: ObjectRecord) async throws

    func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord?
    /// `MetadataError.alreadyExists` when the id is taken.
    func insertUpload(_ upload: UploadRecord) async throws
    /// Ids of every upload in a bucket.
    func uploadIDs(_ bucket: BucketName) async throws -> [UploadID]
    /// All parts, ascending by number.
    func parts(_ id: UploadID) async throws -> [PartRecord]
    func part(_ id: UploadID, _ number: Int) async throws -> PartRecord?
    /// Inserts or replaces the part with that number.
    func putPart(_ part: PartRecord) async throws
    /// Deletes an upload and all its parts.
    func deleteUpload(_ id: UploadID) async throws

    /// A completion remembered for retries of CompleteMultipartUpload.
    func completion(_ id: UploadID) async throws -> CompletedUpload?
    /// Remembers a completion and forgets those completed before `forgetBefore`.
    func rememberCompletion(_ completion: CompletedUpload, at: Date, forgetBefore: Date) async throws

    /// Queues blobs for deletion, committed with everything else this transaction does: the blobs
    /// are deleted only after the records that referenced them are gone for good.
    func enqueueBlobDeletions(_ blobs: [BlobID]) async throws
    /// Stores a small blob's bytes with the transaction that references them: one commit (and one
    /// fsync, shared with other commits) instead of a file created, synced and renamed.
    func putInlineBlob(_ id: BlobID, _ bytes: ByteBuffer) async throws
    /// Removes inline blobs released by this transaction (missing ones are ignored).
    func deleteInlineBlobs(_ ids: [BlobID]) async throws

    /// The bucket's usage including what this transaction changed (quota checks).
    func usage(_ bucket: BucketName) async throws -> BucketUsage

    // Users and keys: each change also bumps `identityGeneration`.
    func user(_ id: String) async throws -> StoredUser?
    /// Inserts or replaces the user with that id.
    func putUser(_ user: StoredUser) async throws
    /// Deletes the user and its access keys.
    func deleteUser(_ id: String) async throws
    func accessKey(_ accessKey: String) async throws -> StoredAccessKey?
    /// Inserts or replaces the key.
    func putAccessKey(_ key: StoredAccessKey) async throws
    func deleteAccessKey(_ accessKey: String) async throws
}

/// What a metadata store reports; the core turns these into S3 errors (or retries).
public enum MetadataError: Error, Equatable, Sendable {
    /// A unique name is taken (a bucket, an upload id).
    case alreadyExists
    /// A stored record this build cannot read; serving it could return wrong bytes.
    case unreadableRecord(String)
    /// The store's schema is newer than this build knows (written by a newer Cairn): refused, not
    /// misread. Or the database cannot hold the schema at all (e.g. not UTF-8), said in `detail`.
    case unsupportedSchema(String)
    /// The store could not start the transaction within its bound: another writer (another
    /// process, a long transaction, a lock) held it too long. Nothing was written; the request
    /// answers 503 SlowDown, which clients retry with backoff, instead of piling up behind the lock.
    case busy
    /// The database cannot be reached (its server is down, restarting or unreachable, or the
    /// connection broke before the change was committed). Nothing was written; 503.
    case unavailable
    /// The connection broke while COMMIT was in flight: the change may or may not have been
    /// applied. A new blob the transaction referenced must not be removed (the sweep removes it
    /// later if nothing references it); 503, and a retry settles it.
    case outcomeUnknown
}

/// Per-bucket configuration documents, stored whole.
public enum BucketConfigKind: String, Sendable, CaseIterable {
    case lifecycle
    case requestPayment
    case encryption
    /// The bucket policy's JSON, as sent; read with the bucket record (`BucketRecord.policy`).
    case policy
    /// The Object Lock configuration (JSON of `ObjectLockConfiguration`); read with the bucket record.
    case objectLock
    case tagging
    /// The bucket ACL's grants (JSON of `[ACLGrant]`), Object Ownership (its name) and Block
    /// Public Access (JSON of `PublicAccessBlock`); all three read with the bucket record.
    case acl
    case ownershipControls
    case publicAccessBlock
    /// `BucketQuota` as JSON (`cairn admin quota set`); read with the bucket record.
    case quota
    /// The CORS rules (JSON of CairnProtocol's `CORSConfiguration`); read with the bucket record.
    case cors
}
