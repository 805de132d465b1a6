import CairnModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough for S3's response and error documents.
public final class XMLElement: @unchecked Sendable {
    public let name: String
    public var children: [XMLElement] = []
    public var text = ""
    /// Attributes as the parser reports them (`xsi:type` may come with or without its prefix).
    public var attributes: [String: String] = [:]

    init(name: String) { self.name = name }

    /// The attribute named `name` (`xsi:type`), matched by local name as botocore does after
    /// replacing the namespace URI with the prefix the model names.
    public func attribute(_ name: String) -> String? {
        if let v = attributes[name] { return v }
        let local = name.split(separator: ":").last.map(String.init) ?? name
        return attributes.first { ($0.key.split(separator: ":").last.map(String.init) ?? $0.key) == local }?.value
    }

    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// Parses a document; nil when it is not well-formed XML.
    public static func parse(_ data: Data) -> XMLElement? {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.shouldProcessNamespaces = true
        guard parser.parse() else { return nil }
        return delegate.root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElement] = []
    var root: XMLElement?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let e = XMLElement(name: elementName)
        e.attributes = attributeDict
        stack.last?.children.append(e)
        if root == nil { root = e }
        stack.append(e)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }
}

/// Escapes text for an XML element body (CairnModel's `XMLEscaping`, as the server's responses).
func xmlEscape(_ s: String) -> String { XMLEscaping.escape(s) }
