/// A well-formedness check of XML request bodies, run before Foundation's XMLParser sees one.
///
/// swift-corelibs-foundation's XMLParser leaks the error it builds for every malformed document
/// (three CFStrings from `_CFErrorCreateFromXMLInterface`, ~100 bytes a request, measured on a
/// live server), so a signed-in client sending bad XML grew the server without bound. No parser
/// error can leak if no malformed document reaches the parser: this check answers MalformedXML
/// first. It accepts the XML that S3 clients send (the XML declaration, elements and attributes
/// with ASCII names and namespace prefixes, text with entity and character references, comments,
/// CDATA) and refuses the rest, including what S3 bodies never carry (document types, processing
/// instructions, other encodings than UTF-8, non-ASCII names). The `xml` fuzz target checks that
/// what it accepts, XMLParser parses without error (`FuzzTargets.xml`).
///
/// The body must already be valid UTF-8 (`XMLShapeLimits`).
struct XMLWellFormed {
    private let b: [UInt8]
    private var i = 0
    /// Namespace prefixes bound by the open elements (`xml` is always bound).
    private var scopes: [[ArraySlice<UInt8>]] = []
    private var depth = 0
    let maximumDepth: Int

    /// The longest element or attribute name (libxml2 refuses names over 50,000 bytes; S3's are short).
    static let maximumNameLength = 1024

    static func check(_ bytes: [UInt8], maximumDepth: Int) -> Bool {
        var c = XMLWellFormed(b: bytes, maximumDepth: maximumDepth)
        return c.document()
    }

    private init(b: [UInt8], maximumDepth: Int) {
        self.b = b
        self.maximumDepth = maximumDepth
    }

    // MARK: - Document

    private mutating func document() -> Bool {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        if starts("<?xml"), i + 5 < b.count, isSpace(b[i + 5]) || b[i + 5] == q("?") {
            guard declaration() else { return false }
        }
        guard misc() else { return false }
        guard i < b.count, b[i] == q("<"), element() else { return false }
        guard misc() else { return false }
        return i == b.count
    }

    /// White space and comments, before and after the root element.
    private mutating func misc() -> Bool {
        while i < b.count {
            if isSpace(b[i]) {
                i += 1
            } else if starts("<!--") {
                guard comment() else { return false }
            } else {
                return true
            }
        }
        return true
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`: version 1.0, UTF-8 only.
    private mutating func declaration() -> Bool {
        i += 5
        var seen: [String] = []
        while true {
            let hadSpace = skipSpace()
            if starts("?>") { i += 2; return seen.first == "version" }
            guard hadSpace, let name = name(), b[name].allSatisfy({ $0 != q(":") }) else { return false }
            let key = String(decoding: b[name], as: UTF8.self)
            skipSpace()
            guard i < b.count, b[i] == q("=") else { return false }
            i += 1
            skipSpace()
            guard i < b.count, b[i] == q("\"") || b[i] == q("'") else { return false }
            let quote = b[i]
            let start = i + 1
            guard let end = b[start...].firstIndex(of: quote) else { return false }
            let value = String(decoding: b[start..<end], as: UTF8.self)
            i = end + 1
            switch (key, seen) {
            case ("version", []): guard value == "1.0" else { return false }
            case ("encoding", ["version"]): guard value.lowercased() == "utf-8" else { return false }
            case ("standalone", ["version"]), ("standalone", ["version", "encoding"]):
                guard value == "yes" || value == "no" else { return false }
            default: return false
            }
            seen.append(key)
        }
    }

    // MARK: - Elements

    /// An element and everything inside it, at `<`.
    private mutating func element() -> Bool {
        depth += 1
        guard depth <= maximumDepth else { return false }
        i += 1
        guard let tag = name() else { return false }
        var attributes: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
        var selfClosing = false
        while true {
            let hadSpace = skipSpace()
            guard i < b.count else { return false }
            if b[i] == q(">") { i += 1; break }
            if starts("/>") { i += 2; selfClosing = true; break }
            guard hadSpace, let attribute = name() else { return false }
            skipSpace()
            guard i < b.count, b[i] == q("=") else { return false }
            i += 1
            skipSpace()
            guard let value = attributeValue() else { return false }
            guard !attributes.contains(where: { $0.name == b[attribute] }) else { return false }
            attributes.append((b[attribute], value))
        }
        guard namespaces(element: b[tag], attributes) else { return false }
        if !selfClosing {
            guard content(), starts("</") else { return false }
            i += 2
            guard let closing = name(), b[closing] == b[tag] else { return false }
            skipSpace()
            guard i < b.count, b[i] == q(">") else { return false }
            i += 1
        }
        scopes.removeLast()
        depth -= 1
        return true
    }

    /// Text, references, child elements, comments and CDATA, up to the closing tag's `</`.
    private mutating func content() -> Bool {
        while i < b.count {
            switch b[i] {
            case q("<"):
                if starts("</") { return true }
                if starts("<!--") {
                    guard comment() else { return false }
                } else if starts("<![CDATA[") {
                    i += 9
                    guard let end = find("]]>") else { return false }
                    guard characters(i, end) else { return false }
                    i = end + 3
                } else {
                    guard element() else { return false }
                }
            case q("&"):
                guard reference() else { return false }
            case q("]"):
                guard !starts("]]>") else { return false }
                i += 1
            default:
                guard isChar(at: i) else { return false }
                i += 1
            }
        }
        return false
    }

    /// A quoted attribute value: no `<`, references well formed. Returns the value's bytes.
    private mutating func attributeValue() -> ArraySlice<UInt8>? {
        guard i < b.count, b[i] == q("\"") || b[i] == q("'") else { return nil }
        let quote = b[i]
        i += 1
        let start = i
        while i < b.count, b[i] != quote {
            if b[i] == q("<") { return nil }
            if b[i] == q("&") {
                guard reference() else { return nil }
                continue
            }
            guard isChar(at: i) else { return nil }
            i += 1
        }
        guard i < b.count else { return nil }
        defer { i += 1 }
        return b[start..<i]
    }

    /// Prefixes bound where used, declarations XML Namespaces allows. Opens the element's scope.
    private mutating func namespaces(element: ArraySlice<UInt8>, _ attributes: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]) -> Bool {
        var bound: [ArraySlice<UInt8>] = []
        for (name, value) in attributes {
            // A namespace name libxml2 does not take for an absolute URI is a warning it reports
            // through the same error path as any error (the fuzzer found `xmlns="http://S3.\t..."`).
            if name.elementsEqual("xmlns".utf8) || name.starts(with: "xmlns:".utf8) {
                guard value.isEmpty && name.count == 5 || Self.isNamespaceName(value) else { return false }
            }
            guard let colon = name.firstIndex(of: q(":")) else { continue }
            guard name[name.startIndex..<colon].elementsEqual("xmlns".utf8) else { continue }
            let prefix = name[(colon + 1)...]
            // `xmlns:p=""` undeclares, which XML Namespaces 1.0 forbids; `xml` and `xmlns` are reserved.
            guard !value.isEmpty, !prefix.elementsEqual("xml".utf8), !prefix.elementsEqual("xmlns".utf8) else { return false }
            bound.append(prefix)
        }
        scopes.append(bound)
        func isBound(_ prefix: ArraySlice<UInt8>) -> Bool {
            prefix.elementsEqual("xml".utf8) || scopes.contains { $0.contains { $0.elementsEqual(prefix) } }
        }
        if let colon = element.firstIndex(of: q(":")), !isBound(element[element.startIndex..<colon]) { return false }
        var expanded: [(ArraySlice<UInt8>, ArraySlice<UInt8>)] = []
        for (name, _) in attributes {
            guard let colon = name.firstIndex(of: q(":")) else { continue }
            let prefix = name[name.startIndex..<colon]
            if prefix.elementsEqual("xmlns".utf8) { continue }
            guard isBound(prefix) else { return false }
            // Two prefixed attributes with one local name might name one expanded name: refused
            // rather than resolved (no S3 body has them).
            let local = name[(colon + 1)...]
            guard !expanded.contains(where: { $0.1.elementsEqual(local) }) else { return false }
            expanded.append((prefix, local))
        }
        return true
    }

    /// A namespace name as XML Namespaces wants it and libxml2 parses it without a warning: an
    /// absolute URI of plain characters (no references, no white space, `%` only before two hex
    /// digits), an authority of host name characters and an optional port of one digit or more,
    /// one `#` at most; never the `xml` or `xmlns` namespace, which cannot be declared.
    static func isNamespaceName(_ v: ArraySlice<UInt8>) -> Bool {
        guard !v.elementsEqual("http://www.w3.org/XML/1998/namespace".utf8), !v.elementsEqual("http://www.w3.org/2000/xmlns/".utf8) else { return false }
        func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
        let b = Array(v)
        guard let first = b.first, isAlpha(first), let colon = b.firstIndex(of: UInt8(ascii: ":")) else { return false }
        guard b[1..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else { return false }
        var k = colon + 1
        if b[k...].starts(with: "//".utf8) {
            k += 2
            let end = b[k...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? b.count
            let authority = b[k..<end]
            let hostEnd = authority.firstIndex(of: UInt8(ascii: ":")) ?? end
            guard authority[k..<hostEnd].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2D || $0 == 0x2E }) else { return false }
            // libxml2 (2.9) wants a digit after the colon: `http://h:/` is not a URI to it.
            if hostEnd < end, b[(hostEnd + 1)..<end].isEmpty || !b[(hostEnd + 1)..<end].allSatisfy(isDigit) { return false }
            k = end
        }
        let plain = Set("-._~!$'()*+,;=:@/?".utf8)
        var fragment = false
        while k < b.count {
            let c = b[k]
            if c == 0x23 {
                guard !fragment else { return false }
                fragment = true
            } else if c == 0x25 {
                guard k + 2 < b.count, isHex(b[k + 1]), isHex(b[k + 2]) else { return false }
                k += 2
            } else if !(isAlpha(c) || isDigit(c) || plain.contains(c)) {
                return false
            }
            k += 1
        }
        return true
    }

    // MARK: - Pieces

    /// `<!-- ... -->` with no `--` inside and no `-` before the end.
    private mutating func comment() -> Bool {
        i += 4
        guard let end = find("--") else { return false }
        guard end + 2 < b.count, b[end + 2] == q(">"), characters(i, end) else { return false }
        i = end + 3
        return true
    }

    /// `&name;` (the five predefined entities) or `&#N;` / `&#xH;` naming an XML character.
    private mutating func reference() -> Bool {
        i += 1
        guard let semicolon = b[i...].prefix(16).firstIndex(of: q(";")) else { return false }
        let body = b[i..<semicolon]
        i = semicolon + 1
        if body.first == q("#") {
            let digits = body.dropFirst()
            let hex = digits.first == q("x")
            let number = hex ? digits.dropFirst() : digits
            guard !number.isEmpty, number.count <= 8 else { return false }
            var value: UInt32 = 0
            for c in number {
                guard let d = hex ? hexDigit(c) : (c >= q("0") && c <= q("9") ? UInt32(c - q("0")) : nil) else { return false }
                value = value * (hex ? 16 : 10) + d
            }
            return Self.isXMLChar(value)
        }
        return ["amp", "lt", "gt", "quot", "apos"].contains { body.elementsEqual($0.utf8) }
    }

    /// A name: `[A-Za-z_][A-Za-z0-9._-]*`, with at most one `:` between two such parts.
    private mutating func name() -> Range<Int>? {
        let start = i
        var colons = 0
        var partStart = true
        while i < b.count {
            let c = b[i]
            if isNameStart(c) || (!partStart && (isDigit(c) || c == q(".") || c == q("-"))) {
                partStart = false
            } else if c == q(":"), !partStart {
                colons += 1
                partStart = true
            } else {
                break
            }
            i += 1
        }
        guard i > start, !partStart, colons <= 1, i - start <= Self.maximumNameLength else { return nil }
        return start..<i
    }

    /// Every character in `from..<to` is an XML character.
    private func characters(_ from: Int, _ to: Int) -> Bool {
        var k = from
        while k < to {
            guard isChar(at: k) else { return false }
            k += 1
        }
        return true
    }

    /// The byte at `k` starts or continues an XML character: no C0 controls but tab, LF and CR,
    /// no U+FFFE or U+FFFF (the input is valid UTF-8, so surrogates cannot occur).
    private func isChar(at k: Int) -> Bool {
        let c = b[k]
        if c < 0x20 { return c == 0x09 || c == 0x0A || c == 0x0D }
        if c == 0xEF, k + 2 < b.count, b[k + 1] == 0xBF, b[k + 2] == 0xBE || b[k + 2] == 0xBF { return false }
        return true
    }

    static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < b.count, isSpace(b[i]) { i += 1 }
        return i > start
    }

    private func starts(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        return s.withUTF8Buffer { b[i..<i + n].elementsEqual($0) }
    }

    private func find(_ s: StaticString) -> Int? {
        let n = s.utf8CodeUnitCount
        var k = i
        while k + n <= b.count {
            if s.withUTF8Buffer({ b[k..<k + n].elementsEqual($0) }) { return k }
            k += 1
        }
        return nil
    }

    private func q(_ s: Unicode.Scalar) -> UInt8 { UInt8(ascii: s) }
    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private func isNameStart(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
    private func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }
}
