import CairnModel
import CairnPolicy
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

/// Put/GetBucketAcl, Put/GetObjectAcl, Put/Get/DeleteBucketOwnershipControls and
/// Put/Get/DeletePublicAccessBlock. What an ACL write may set is CairnPolicy's rule
/// (`BucketAccessSettings`); what is stored is CairnStorage's; these read the request and write
/// S3's answers.
extension S3Responder {
    /// PutBucketAcl: a canned ACL or grant headers, or an AccessControlPolicy body (not both).
    func putBucketAcl(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let bucket = call.bucket
        let (ownerID, acl) = try await requestedACL(call)
        if let ownerID, ownerID != bucket.owner.id { throw S3Error(.accessDenied) }
        try await storage.setBucketACL(bucket, try bucket.accessSettings.bucketACL(acl, owner: bucket.owner))
        return Responses.empty()
    }

    /// GetBucketAcl: with ACLs disabled, the owner's FULL_CONTROL whatever was stored, as S3 answers.
    func getBucketAcl(_ call: S3Call) async throws -> Response {
        let bucket = call.bucket
        let grants = bucket.accessSettings.ownership.aclsEnabled ? bucket.record.acl : nil
        return Responses.xml(AccessControlPolicyXML.write(owner: bucket.owner, grants: grants ?? [ACLGrant(.user(bucket.owner), .fullControl)]))
    }

    /// PutObjectAcl of the current version, or of the one `versionId` names.
    func putObjectAcl(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        call.sendContinue()
        let bucket = call.bucket
        let settings = bucket.accessSettings
        let (ownerID, acl) = try await requestedACL(call)
        let version = try await storage.setObjectACL(in: bucket, key: address.key, version: address.versionID) { record in
            let owner = Self.objectOwner(record, bucket)
            if let ownerID, ownerID != owner.id { throw S3Error(.accessDenied) }
            return try settings.objectACL(acl, objectOwner: owner, bucketOwner: bucket.owner)
        }
        var h = HTTPFields()
        versionHeader(version, bucket, into: &h)
        return Responses.empty(headers: h)
    }

    /// GetObjectAcl: the version's owner and grants (the owner's FULL_CONTROL with ACLs disabled).
    func getObjectAcl(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let bucket = call.bucket
        let record = try await storage.object(in: bucket, key: address.key, version: address.versionID)
        let owner = Self.objectOwner(record, bucket)
        let grants = bucket.accessSettings.ownership.aclsEnabled ? record.acl : nil
        var h = HTTPFields()
        versionHeader(record.versionID, bucket, into: &h)
        return Responses.xml(AccessControlPolicyXML.write(owner: owner, grants: grants ?? [ACLGrant(.user(owner), .fullControl)]), headers: h)
    }

    func putBucketOwnershipControls(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let ownership = try OwnershipControlsXML.parse(try await collectXMLBody(call))
        let bucket = call.bucket
        // ACLs can be disabled only once the bucket's ACL grants nobody but its owner.
        if !ownership.aclsEnabled, BucketAccessSettings.grantsOthers(bucket.record.acl, owner: bucket.owner) {
            throw S3Error(.invalidBucketAclWithObjectOwnership)
        }
        try await storage.setBucketOwnership(bucket, ownership)
        return Responses.empty()
    }

    func getBucketOwnershipControls(_ call: S3Call) async throws -> Response {
        try Self.document(call.bucket.record.ownership, of: call.bucket, missing: .ownershipControlsNotFound, OwnershipControlsXML.write)
    }

    func deleteBucketOwnershipControls(_ call: S3Call) async throws -> Response {
        try await storage.setBucketOwnership(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    func putPublicAccessBlock(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        try await storage.setPublicAccessBlock(call.bucket, try PublicAccessBlockXML.parse(try await collectXMLBody(call)))
        return Responses.empty()
    }

    func getPublicAccessBlock(_ call: S3Call) async throws -> Response {
        try Self.document(call.bucket.record.publicAccessBlock, of: call.bucket, missing: .noSuchPublicAccessBlockConfiguration,
                          PublicAccessBlockXML.write)
    }

    /// A configuration read with the bucket record, as XML; 404 `missing` (naming the bucket) when
    /// the bucket has none.
    static func document<T>(_ value: T?, of bucket: BucketContext, missing: S3ErrorCode, _ write: (T) -> XMLWriter) throws(S3Error) -> Response {
        guard let value else { throw S3Error(missing, fields: [("BucketName", bucket.name.rawValue)]) }
        return Responses.xml(write(value))
    }

    func deletePublicAccessBlock(_ call: S3Call) async throws -> Response {
        try await storage.setPublicAccessBlock(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    /// The ACL a Put*Acl asks for, with the owner id its body names (nil for headers): headers and
    /// a body together are UnexpectedContent; neither is MalformedACLError.
    func requestedACL(_ call: S3Call) async throws -> (ownerID: String?, acl: ACLRequest) {
        let fromHeaders = try users.resolve(try call.headers.aclRequest())
        let body = try await collectXMLBody(call)
        if let fromHeaders {
            guard body.isEmpty else { throw S3Error(.unexpectedContent) }
            return (nil, fromHeaders)
        }
        guard !body.isEmpty else { throw S3Error(.malformedACLError) }
        let (ownerID, acl) = try AccessControlPolicyXML.parse(body)
        return (ownerID, try users.resolve(acl) ?? acl)
    }

    /// Who owns a version as S3 shows it: with ACLs disabled the bucket owner owns every object.
    static func objectOwner(_ record: ObjectRecord, _ bucket: BucketContext) -> Owner {
        bucket.accessSettings.ownership.aclsEnabled ? record.owner : bucket.owner
    }
}
