import CairnModel
import Foundation
import XMLCoder

/// `<Delete>` body of DeleteObjects.
public struct DeleteRequestXML: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public var key: String
        public var versionID: String?
        enum CodingKeys: String, CodingKey { case key = "Key", versionID = "VersionId" }
    }
    public var objects: [Entry]
    public var quiet: Bool

    enum CodingKeys: String, CodingKey { case objects = "Object", quiet = "Quiet" }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        objects = try c.decodeIfPresent([Entry].self, forKey: .objects) ?? []
        quiet = try c.decodeIfPresent(Bool.self, forKey: .quiet) ?? false
    }
}

/// `<CreateBucketConfiguration>` body of CreateBucket.
public struct CreateBucketConfigurationXML: Decodable, Sendable {
    public var LocationConstraint: String?
}

public enum RequestXML {
    /// Decodes a small XML request body; any parse failure is MalformedXML, as S3 answers.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(S3Error) -> T {
        do {
            let decoder = XMLDecoder()
            decoder.shouldProcessNamespaces = true
            decoder.trimValueWhitespaces = true
            return try decoder.decode(T.self, from: data)
        } catch {
            throw S3Error(.malformedXML)
        }
    }
}
