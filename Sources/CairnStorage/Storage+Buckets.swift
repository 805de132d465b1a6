import CairnModel
import Foundation

extension Storage {
    public func createBucket(_ name: BucketName, owner: Owner) async throws {
        let record = BucketRecord(name: name, owner: owner, createdAt: Date().truncatedToMilliseconds, region: region)
        do {
            try await metadata.createBucket(record)
        } catch let e as S3Error where e.code == .bucketAlreadyExists {
            // The metadata store only knows "exists"; who owns it decides the code.
            if let existing = try await metadata.bucket(name), existing.owner.id == owner.id {
                throw S3Error(.bucketAlreadyOwnedByYou, fields: [("BucketName", name.rawValue)])
            }
            throw S3Error(.bucketAlreadyExists, fields: [("BucketName", name.rawValue)])
        }
    }

    /// The bucket, if it exists and `user` may use it: NoSuchBucket / AccessDenied otherwise.
    public func bucket(_ name: BucketName, for user: Owner) async throws -> BucketRecord {
        guard let b = try await metadata.bucket(name) else {
            throw S3Error(.noSuchBucket, fields: [("BucketName", name.rawValue)])
        }
        guard b.owner.id == user.id else { throw S3Error(.accessDenied) }
        return b
    }

    public func listBuckets(owner: Owner) async throws -> [BucketRecord] {
        try await metadata.buckets(ownedBy: owner.id)
    }

    public func deleteBucket(_ name: BucketName, user: Owner) async throws {
        _ = try await bucket(name, for: user)
        await free(try await metadata.deleteBucket(name))
    }
}
