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
        quiet = try c.decodeIfPresent(XMLToken<Bool>.self, forKey: .quiet)?.value ?? false
    }
}

/// `<CreateBucketConfiguration>` body of CreateBucket.
public struct CreateBucketConfigurationXML: Decodable, Sendable {
    public var LocationConstraint: XMLToken<String>?
}

public enum RequestXML {
    /// Decodes a small XML request body; any parse failure is MalformedXML, as S3 answers.
    /// Text is kept exactly as sent (no trimming, CR kept: see `XMLExactText`); numbers, booleans
    /// and enumerations are read through `XMLToken`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(S3Error) -> T {
        guard XMLShapeLimits.admissible(data) else { throw S3Error(.malformedXML) }
        return try decode(type, admissible: data)
    }

    /// Whether a body gets to the XML parser (`XMLShapeLimits`), and the bytes it then parses
    /// (`XMLExactText`): public for the fuzz target, which checks that every admitted body parses.
    public static func admissible(_ data: Data) -> Bool { XMLShapeLimits.admissible(data) }
    public static func parserInput(_ data: Data) -> Data { XMLExactText.protectCarriageReturns(data) }

    /// `decode` of a body `XMLShapeLimits.admissible` already accepted.
    static func decode<T: Decodable>(_ type: T.Type, admissible data: Data) throws(S3Error) -> T {
        do {
            let decoder = XMLDecoder()
            decoder.shouldProcessNamespaces = true
            decoder.trimValueWhitespaces = false
            return try decoder.decode(T.self, from: XMLExactText.protectCarriageReturns(data))
        } catch {
            throw S3Error(.malformedXML)
        }
    }
}

/// `<CompleteMultipartUpload>` body.
public struct CompleteMultipartUploadXML: Decodable, Sendable, Equatable {
    public struct Part: Decodable, Sendable, Equatable {
        public var partNumber: Int
        public var etag: String
        public var checksums: [Checksum]

        /// `PartNumber`, `ETag` and one `Checksum<ALGORITHM>` element per algorithm.
        struct Key: CodingKey {
            var stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        init(partNumber: Int, etag: String, checksums: [Checksum]) {
            self.partNumber = partNumber
            self.etag = etag
            self.checksums = checksums
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            partNumber = try c.decode(XMLToken<Int>.self, forKey: Key(stringValue: "PartNumber")).value
            // The element names this part has, looked up once: asking for each of the ten checksum
            // elements in turn was most of the decoding time of a 10,000-part Complete. Only the
            // lookups of absent names are skipped; what is present decodes as before.
            let present = Set(c.allKeys.map(\.stringValue))
            etag = present.contains("ETag") ? try c.decodeIfPresent(String.self, forKey: Key(stringValue: "ETag")) ?? "" : ""
            var sums: [Checksum] = []
            for a in ChecksumAlgorithm.allCases where present.contains(a.xmlName) {
                if let v = try c.decodeIfPresent(String.self, forKey: Key(stringValue: a.xmlName)) { sums.append(Checksum(a, base64: v)) }
            }
            checksums = sums
        }
    }
    public var parts: [Part]

    enum CodingKeys: String, CodingKey { case parts = "Part" }
    init(parts: [Part]) { self.parts = parts }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parts = try c.decodeIfPresent([Part].self, forKey: .parts) ?? []
    }
}
