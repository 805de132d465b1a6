import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

/// Put/Get/DeleteObjectTagging (of the current version, or of the one `versionId` names) and
/// Put/Get/DeleteBucketTagging. The rules (which version, the limits) are in CairnStorage and
/// CairnModel's `TagSet`; these turn them into S3's requests and answers.
extension S3Responder {
    /// PutObjectTagging: 200 with the version's id. An empty `TagSet` removes the tags.
    func putObjectTagging(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        call.sendContinue()
        let tags = try TaggingXML.tagSet(from: try await collectXMLBody(call), for: .object)
        let version = try await storage.setObjectTags(tags, in: call.bucket, key: address.key, version: address.versionID, method: "PUT")
        var h = HTTPFields()
        versionHeader(version, call.bucket, into: &h)
        return Responses.empty(headers: h)
    }

    /// GetObjectTagging: the version's tags (an empty `TagSet` when it has none).
    func getObjectTagging(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let object = try await storage.object(in: call.bucket, key: address.key, version: address.versionID)
        var h = HTTPFields()
        versionHeader(object.versionID, call.bucket, into: &h)
        return Responses.xml(Self.taggingXML(object.tags), headers: h)
    }

    /// DeleteObjectTagging: 204 with the version's id.
    func deleteObjectTagging(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let version = try await storage.setObjectTags(TagSet(), in: call.bucket, key: address.key, version: address.versionID,
                                                      method: "DELETE")
        var h = HTTPFields()
        versionHeader(version, call.bucket, into: &h)
        return Responses.empty(.noContent, headers: h)
    }

    /// PutBucketTagging replaces the bucket's tags; 204, as AWS's sample answers.
    func putBucketTagging(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let tags = try TaggingXML.tagSet(from: try await collectXMLBody(call), for: .bucket)
        try await storage.setBucketTags(call.bucket, tags)
        return Responses.empty(.noContent)
    }

    /// GetBucketTagging: 404 NoSuchTagSet when the bucket has no tags.
    func getBucketTagging(_ call: S3Call) async throws -> Response {
        guard let tags = try await storage.bucketTags(call.bucket) else {
            throw S3Error(.noSuchTagSet, fields: [("BucketName", call.bucket.name.rawValue)])
        }
        return Responses.xml(Self.taggingXML(tags))
    }

    func deleteBucketTagging(_ call: S3Call) async throws -> Response {
        try await storage.setBucketTags(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    /// `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`.
    static func taggingXML(_ tags: TagSet) -> XMLWriter {
        var w = XMLWriter()
        w.group("Tagging", xmlns: XMLWriter.s3Namespace) { w in
            w.group("TagSet") { w in
                for tag in tags.tags {
                    w.group("Tag") { w in
                        w.element("Key", tag.key)
                        w.element("Value", tag.value)
                    }
                }
            }
        }
        return w
    }
}
