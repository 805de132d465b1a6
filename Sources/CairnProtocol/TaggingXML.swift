import CairnModel
import Foundation

/// `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`, the body of
/// PutObjectTagging and PutBucketTagging. `TagSet`, `Key` and `Value` are required (MalformedXML
/// when absent); keys and values are taken exactly as sent.
public struct TaggingXML: Decodable, Sendable {
    struct TagSetXML: Decodable, Sendable {
        var Tag: [TagXML]?
    }
    struct TagXML: Decodable, Sendable {
        var Key: String
        var Value: String
    }
    var TagSet: TagSetXML

    /// Parses a body and checks the tags against S3's rules for `scope`.
    public static func tagSet(from body: Data, for scope: TagScope) throws(S3Error) -> CairnModel.TagSet {
        let xml = try RequestXML.decode(TaggingXML.self, from: body)
        return try CairnModel.TagSet(validating: (xml.TagSet.Tag ?? []).map { CairnModel.TagSet.Tag(key: $0.Key, value: $0.Value) }, for: scope)
    }
}
