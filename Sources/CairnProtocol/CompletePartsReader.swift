import CairnModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension CompleteMultipartUploadXML {
    /// Decodes a CompleteMultipartUpload body. The body every client sends (a root holding
    /// `<Part>` elements of text-only fields) is read straight from the XML parser's events
    /// (`CompletePartsReader`); anything else (attributes, comments, CDATA, other elements, empty
    /// fields, a field twice, no part) goes through `RequestXML.decode`, whose answer is the
    /// reference: the fast reading gives the same parts or steps aside. XMLCoder took most of a
    /// 10,000-part Complete's time building and querying its tree (BENCHMARKS.md, issue 15).
    public static func decode(from data: Data) throws(S3Error) -> CompleteMultipartUploadXML {
        guard XMLShapeLimits.admissible(data) else { throw S3Error(.malformedXML) }
        if let fast = plainReading(admissible: data) { return fast }
        return try RequestXML.decode(CompleteMultipartUploadXML.self, admissible: data)
    }

    /// The fast reading alone: nil when the body is not of the plain shape. Public for the
    /// differential fuzz target, which checks it against `RequestXML.decode`.
    public static func plainReading(_ data: Data) -> CompleteMultipartUploadXML? {
        XMLShapeLimits.admissible(data) ? plainReading(admissible: data) : nil
    }

    static func plainReading(admissible data: Data) -> CompleteMultipartUploadXML? {
        CompletePartsReader.read(XMLExactText.protectCarriageReturns(data)).map(CompleteMultipartUploadXML.init(parts:))
    }
}

/// The SAX reading of the plain CompleteMultipartUpload shape: depth 1 the root (any name and
/// attributes, as XMLCoder ignores both), depth 2 only `Part` without attributes, depth 3 fields
/// with character data only, each at most once per part. Returns nil, for the general decoder to
/// answer, on any other shape or a parse error.
final class CompletePartsReader: NSObject, XMLParserDelegate {
    private var parts: [CompleteMultipartUploadXML.Part] = []
    private var depth = 0
    private var fields: [String: String] = [:]
    private var field: String?
    private var text = ""
    private var hasText = false
    private var plain = true

    static func read(_ data: Data) -> [CompleteMultipartUploadXML.Part]? {
        let reader = CompletePartsReader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse(), reader.plain, reader.depth == 0, !reader.parts.isEmpty else { return nil }
        return reader.parts
    }

    private func giveUp(_ parser: XMLParser) {
        plain = false
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        depth += 1
        switch depth {
        case 1: return
        case 2:
            guard name == "Part", attributes.isEmpty else { return giveUp(parser) }
            fields.removeAll(keepingCapacity: true)
        case 3:
            guard attributes.isEmpty, fields[name] == nil else { return giveUp(parser) }
            field = name
            text = ""
            hasText = false
        default:
            giveUp(parser)
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        switch depth {
        case 3:
            // An empty field is null to XMLCoder in some places and "" in others: let it decide.
            guard hasText, let field else { return giveUp(parser) }
            fields[field] = text
            self.field = nil
        case 2:
            guard let number = fields["PartNumber"].flatMap(XMLToken<Int>.parse) else { return giveUp(parser) }
            var sums: [Checksum] = []
            for a in ChecksumAlgorithm.allCases {
                if let v = fields[a.xmlName] { sums.append(Checksum(a, base64: v)) }
            }
            parts.append(CompleteMultipartUploadXML.Part(partNumber: number, etag: fields["ETag"] ?? "", checksums: sums))
        default:
            return
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if depth == 3 {
            text += string
            hasText = hasText || !string.isEmpty
        } else if !string.allSatisfy(\.isXMLSpace) {
            // Text beside elements (mixed content): not the plain shape.
            giveUp(parser)
        }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { giveUp(parser) }
    func parser(_ parser: XMLParser, foundComment comment: String) { giveUp(parser) }
    func parser(_ parser: XMLParser, foundProcessingInstructionWithTarget target: String, data: String?) { giveUp(parser) }
}

fileprivate extension Character {
    /// XML's white space: space, tab, line feed, carriage return.
    var isXMLSpace: Bool { self == " " || self == "\t" || self == "\n" || self == "\r" || self == "\r\n" }
}
