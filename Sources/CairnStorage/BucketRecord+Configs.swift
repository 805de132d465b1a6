import CairnModel
import Foundation

extension BucketRecord {
    /// The configuration documents every request's bucket read joins in, by the column names both
    /// backends select them as, and the kinds they are stored under.
    public static let joinedConfigs: [(column: String, kind: BucketConfigKind)] = [
        ("policy", .policy), ("object_lock", .objectLock), ("lifecycle", .lifecycle), ("acl", .acl),
        ("ownership", .ownershipControls), ("public_access_block", .publicAccessBlock), ("quota", .quota),
        ("cors", .cors),
    ]

    /// `SELECT columns, c0.value AS policy, ... FROM buckets LEFT JOIN bucket_configs c0 ...`: the
    /// record and its joined documents in one primary-key lookup (the same SQL on both backends).
    public static func selectWithConfigs(_ columns: String) -> String {
        let values = joinedConfigs.enumerated().map { "c\($0.offset).value AS \($0.element.column)" }.joined(separator: ", ")
        let joins = joinedConfigs.enumerated().map {
            "LEFT JOIN bucket_configs c\($0.offset) ON c\($0.offset).bucket = buckets.name AND c\($0.offset).kind = '\($0.element.kind.rawValue)'"
        }.joined(separator: "\n")
        return "SELECT \(columns), \(values) FROM buckets\n\(joins)"
    }

    /// Sets the joined documents from their stored text (`value(column)`); a document this build
    /// cannot read throws rather than being taken as absent.
    public mutating func readConfigs(_ value: (String) throws -> String?) throws {
        policy = try value("policy")
        lifecycle = try value("lifecycle")
        objectLock = try value("object_lock").map { try JSONDecoder().decode(ObjectLockConfiguration.self, from: Data($0.utf8)) }
        acl = try value("acl").map { try JSONDecoder().decode([ACLGrant].self, from: Data($0.utf8)) }
        ownership = try value("ownership").map { raw in
            guard let o = ObjectOwnership(rawValue: raw) else { throw MetadataError.unreadableRecord("bucket ownership \(raw)") }
            return o
        }
        publicAccessBlock = try value("public_access_block").map { try JSONDecoder().decode(PublicAccessBlock.self, from: Data($0.utf8)) }
        quota = try value("quota").map(BucketQuota.decode)
        cors = try value("cors")
    }
}
