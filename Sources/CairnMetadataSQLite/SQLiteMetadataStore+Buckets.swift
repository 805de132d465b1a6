import CairnModel
import CairnStorage
import Foundation
import SQLiteNIO

extension SQLiteMetadataStore {
    public func createBucket(_ b: BucketRecord) async throws {
        try await transaction { db in
            if try await !db.query("SELECT 1 FROM buckets WHERE name = ?", [.text(b.name.rawValue)]).isEmpty {
                throw S3Error(.bucketAlreadyExists, fields: [("BucketName", b.name.rawValue)])
            }
            _ = try await db.query(
                "INSERT INTO buckets (name, owner_id, owner_name, created_ms, region, request_payer) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(b.name.rawValue), .text(b.owner.id), .text(b.owner.displayName),
                 .integer(Int(b.createdAt.millisecondsSince1970)), .text(b.region), .text(b.requestPayer)])
        }
    }

    public func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await reader.query("SELECT name, owner_id, owner_name, created_ms, region, request_payer FROM buckets WHERE name = ?",
                               [.text(name.rawValue)]).first.map(Self.bucketRecord)
    }

    public func buckets(ownedBy ownerID: String) async throws -> [BucketRecord] {
        try await reader.query("SELECT name, owner_id, owner_name, created_ms, region, request_payer FROM buckets WHERE owner_id = ? ORDER BY name",
                               [.text(ownerID)]).map(Self.bucketRecord)
    }

    public func deleteBucket(_ name: BucketName) async throws -> [BlobID] {
        try await transaction { db in
            if try await !db.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", [.text(name.rawValue)]).isEmpty {
                throw S3Error(.bucketNotEmpty, fields: [("BucketName", name.rawValue)])
            }
            // Uploads in progress do not keep a bucket alive: they are aborted with it.
            var freed: [BlobID] = []
            for row in try await db.query("SELECT upload_id FROM uploads WHERE bucket = ?", [.text(name.rawValue)]) {
                freed += try await Self.deleteUpload(db, row.column("upload_id")?.string ?? "")
            }
            _ = try await db.query("DELETE FROM bucket_configs WHERE bucket = ?", [.text(name.rawValue)])
            _ = try await db.query("DELETE FROM buckets WHERE name = ?", [.text(name.rawValue)])
            return freed
        }
    }

    static func bucketRecord(_ row: SQLiteRow) -> BucketRecord {
        BucketRecord(name: BucketName(unchecked: row.column("name")?.string ?? ""),
                     owner: Owner(id: row.column("owner_id")?.string ?? "", displayName: row.column("owner_name")?.string ?? ""),
                     createdAt: Date(milliseconds: Int64(row.column("created_ms")?.integer ?? 0)),
                     region: row.column("region")?.string ?? "us-east-1",
                     requestPayer: row.column("request_payer")?.string ?? "BucketOwner")
    }
}
