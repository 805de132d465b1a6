import CairnModel
import Foundation

extension Storage {
    /// `objectLock`: `x-amz-bucket-object-lock-enabled: true`, which also turns versioning on.
    /// `ownership`: the new bucket's Object Ownership (S3's default for new buckets is
    /// BucketOwnerEnforced); `acl`: its grants, nil for the default ACL.
    public func createBucket(_ name: BucketName, owner: Owner, objectLock: Bool = false,
                             ownership: ObjectOwnership? = .bucketOwnerEnforced, acl: [ACLGrant]? = nil) async throws {
        let record = BucketRecord(name: name, owner: owner, createdAt: Date().truncatedToMilliseconds, region: region,
                                  versioning: objectLock ? .enabled : nil)
        let region = self.region
        try await metadata.withTransaction { tx in
            if let existing = try await tx.bucket(name) {
                // Who owns it decides the code. us-east-1 keeps S3's legacy answer: re-creating
                // your own bucket succeeds (200) and changes nothing; every other region answers
                // 409 BucketAlreadyOwnedByYou.
                // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html#API_CreateBucket_Errors
                guard existing.owner.id == owner.id else { throw S3Error(.bucketAlreadyExists, fields: [("BucketName", name.rawValue)]) }
                if region == "us-east-1" { return }
                throw S3Error(.bucketAlreadyOwnedByYou, fields: [("BucketName", name.rawValue)])
            }
            do {
                try await tx.insertBucket(record)
            } catch MetadataError.alreadyExists {
                // Another node created it between the read and the insert.
                throw S3Error(.bucketAlreadyExists, fields: [("BucketName", name.rawValue)])
            }
            if objectLock {
                try await tx.setBucketConfig(name, .objectLock, try ObjectLockConfiguration().json())
            }
            try await tx.setBucketConfig(name, .ownershipControls, ownership?.rawValue)
            try await tx.setBucketConfig(name, .acl, try acl.map(Self.json))
        }
    }

    /// One page of the owner's buckets in name order (ListBuckets, paged as S3 has since 2024):
    /// names starting with `query.prefix`, after `query.after`, in `query.region` if given. The
    /// page is truncated when more match than `query.maxBuckets`.
    public func listBuckets(owner: Owner, query: ListBucketsQuery = ListBucketsQuery()) async throws -> (buckets: [BucketRecord], truncated: Bool) {
        let matching = try await metadata.buckets(ownedBy: owner.id).filter { b in
            b.name.rawValue.hasPrefix(query.prefix)
                && query.after.map { $0.utf8.lexicographicallyPrecedes(b.name.rawValue.utf8) } ?? true
                && query.region.map { b.region == $0 } ?? true
        }
        guard let max = query.maxBuckets, matching.count > max else { return (matching, false) }
        return (Array(matching.prefix(max)), true)
    }

    /// DeleteBucket: only an empty bucket goes. Uploads in progress do not keep it alive: they are
    /// aborted with it (their parts' blobs released).
    public func deleteBucket(_ bucket: BucketContext) async throws {
        let name = bucket.name
        try await changing { tx in
            _ = try await tx.requireBucket(name)
            if try await tx.hasObjects(name) { throw S3Error(.bucketNotEmpty, fields: [("BucketName", name.rawValue)]) }
            var released: [BlobID] = []
            for id in try await tx.uploadIDs(name) {
                released += try await tx.parts(id).map(\.blob)
                try await tx.deleteUpload(id)
            }
            try await tx.deleteBucket(name)
            return released
        }
    }
}

/// What a ListBuckets request selects.
public struct ListBucketsQuery: Sendable {
    public var prefix: String
    /// Only names after this one (the continuation token's bucket).
    public var after: String?
    public var region: String?
    /// At most this many; nil = all.
    public var maxBuckets: Int?
    public init(prefix: String = "", after: String? = nil, region: String? = nil, maxBuckets: Int? = nil) {
        self.prefix = prefix
        self.after = after
        self.region = region
        self.maxBuckets = maxBuckets
    }
}
