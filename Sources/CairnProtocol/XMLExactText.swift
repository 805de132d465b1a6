import Foundation

/// What S3 request bodies need from an XML parser that XML 1.0 does not give by default:
/// character data exactly as sent.
///
/// XML 1.0 (section 2.11) makes every parser turn a literal CR, alone or before LF, into LF.
/// S3 clients write keys into XML bodies as they are (botocore sends the key `a\r\nb` with a
/// literal CR LF), so a normalising parser names another key: DeleteObjects would delete `a\nb`,
/// a different object. `protectCarriageReturns` rewrites each CR in character data inside the
/// root element as the reference `&#13;`, which parsers keep, before the parser sees the body
/// (outside the root element a reference is not allowed, and a CR there is only white space:
/// Windows line endings after the XML declaration). CRs inside markup
/// (tags, comments, CDATA sections, processing instructions, declarations) are left alone: there
/// they are only white space.
enum XMLExactText {
    static func protectCarriageReturns(_ data: Data) -> Data {
        guard data.contains(0x0D) else { return data }
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var i = 0
        // Elements open around this point: a CR outside the root element (after the XML
        // declaration, or after the end tag) is white space that may not be a reference there.
        var depth = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "<") {
                let end = markupEnd(bytes, from: i)
                out.append(contentsOf: bytes[i..<end])
                if i + 1 < bytes.count {
                    switch bytes[i + 1] {
                    case UInt8(ascii: "/"): depth -= 1
                    case UInt8(ascii: "?"), UInt8(ascii: "!"): break
                    default: if !(end >= 2 && bytes[end - 2] == UInt8(ascii: "/")) { depth += 1 }
                    }
                }
                i = end
            } else if c == 0x0D && depth > 0 {
                out.append(contentsOf: "&#13;".utf8)
                i += 1
            } else {
                out.append(c)
                i += 1
            }
        }
        return Data(out)
    }

    /// The index just past the markup starting at `start` (a `<`), or the end of the body when
    /// it is not closed (the parser then reports the body as malformed).
    static func markupEnd(_ b: [UInt8], from start: Int) -> Int {
        // Byte comparisons in place: a CRLF-formatted CompleteMultipartUpload has tens of
        // thousands of tags, and each is looked at here.
        func matches(_ p: StaticString, at i: Int) -> Bool {
            let n = p.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            return p.withUTF8Buffer { pb in (0..<n).allSatisfy { b[i + $0] == pb[$0] } }
        }
        func after(_ terminator: StaticString, from i: Int) -> Int {
            var j = i
            while j < b.count {
                if matches(terminator, at: j) { return j + terminator.utf8CodeUnitCount }
                j += 1
            }
            return b.count
        }
        func startsWith(_ p: StaticString) -> Bool { matches(p, at: start) }
        if startsWith("<!--") { return after("-->", from: start + 4) }
        if startsWith("<![CDATA[") { return after("]]>", from: start + 9) }
        if startsWith("<?") { return after("?>", from: start + 2) }
        // A start tag, end tag or declaration: `>` ends it unless inside a quoted value.
        var quote: UInt8? = nil
        var j = start + 1
        while j < b.count {
            let c = b[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: ">") {
                return j + 1
            }
            j += 1
        }
        return b.count
    }
}

/// A number, boolean or enumeration value in a request body. XML Schema collapses the white
/// space around such values (`<PartNumber> 1 </PartNumber>` is part 1, as S3 reads it), while
/// keys, prefixes, ETags and ids are decoded as plain `String`s, exactly as sent.
public struct XMLToken<Value: XMLTokenValue>: Decodable, Sendable {
    public let value: Value

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let v = Self.parse(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a \(Value.self): \(raw)"))
        }
        value = v
    }

    /// The value of an element's text, white space around it collapsed.
    static func parse(_ raw: String) -> Value? {
        let xmlSpace: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
        let trimmed = raw.drop(while: { xmlSpace.contains($0) }).reversed().drop(while: { xmlSpace.contains($0) }).reversed()
        return Value(xmlToken: String(trimmed))
    }
}

/// A type an `XMLToken` can hold.
public protocol XMLTokenValue: Sendable {
    init?(xmlToken: String)
}

extension Int: XMLTokenValue {
    public init?(xmlToken: String) { self.init(xmlToken, radix: 10) }
}

extension Int64: XMLTokenValue {
    public init?(xmlToken: String) { self.init(xmlToken, radix: 10) }
}

extension String: XMLTokenValue {
    public init?(xmlToken: String) { self = xmlToken }
}

extension Bool: XMLTokenValue {
    /// XML Schema's boolean: `true`, `false`, `1`, `0`.
    public init?(xmlToken: String) {
        switch xmlToken {
        case "true", "1": self = true
        case "false", "0": self = false
        default: return nil
        }
    }
}
