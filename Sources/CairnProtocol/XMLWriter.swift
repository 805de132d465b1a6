import CairnModel

/// A small, fast XML writer for S3 responses (listings of 1,000 entries are written ~15x faster
/// than with XMLCoder's encoder, see DESIGN.md). Elements are written in the order S3 documents.
public struct XMLWriter: Sendable {
    public var text: String { textStorage }
    public var textStorage = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var stack: [String] = []
    public static let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    public init() {}

    public mutating func open(_ name: String, xmlns: String? = nil) {
        if let xmlns { textStorage += "<\(name) xmlns=\"\(xmlns)\">" } else { textStorage += "<\(name)>" }
        stack.append(name)
    }

    public mutating func close() {
        let name = stack.removeLast()
        textStorage += "</\(name)>"
    }

    public mutating func element(_ name: String, _ value: String) {
        textStorage += "<\(name)>"
        Self.escape(value, into: &textStorage)
        textStorage += "</\(name)>"
    }

    public mutating func element(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    /// A value of a closed set (checksum type, payer, ...) or an id, written as its raw string.
    public mutating func element<T: RawRepresentable>(_ name: String, _ value: T?) where T.RawValue == String {
        element(name, value?.rawValue)
    }
    public mutating func element(_ name: String, _ value: Int64) { element(name, String(value)) }
    public mutating func element(_ name: String, _ value: Int) { element(name, String(value)) }
    public mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }

    public mutating func empty(_ name: String) { textStorage += "<\(name)/>" }

    public mutating func group(_ name: String, xmlns: String? = nil, _ body: (inout XMLWriter) -> Void) {
        open(name, xmlns: xmlns)
        body(&self)
        close()
    }

    /// XML text escaping (`XMLEscaping`, shared with the client).
    public static func escape(_ s: String, into out: inout String) { XMLEscaping.escape(s, into: &out) }
}
