import Foundation

/// What an XML request body may look like before a parser sees it.
///
/// The XML parser under XMLCoder builds its tree recursively, so a body nested ten thousand
/// elements deep overflowed the stack and killed the server (found by scripts/fuzz-protocol; any
/// signed-in user could send it). No S3 request body nests deeper than about six elements
/// (LifecycleConfiguration/Rule/Filter/And/Tag/Key), so 32 leaves room. Document type
/// declarations and processing instructions (but the XML declaration) are refused too: S3's bodies have none, and they are how entity expansion
/// ("billion laughs") and external entities get in. And the body must be UTF-8: Foundation's
/// XMLParser crashed the process on an element name with invalid UTF-8 (`<Vers\xC3(ioning...`,
/// also found by the protocol fuzzer); S3's bodies are UTF-8, anything else is MalformedXML.
enum XMLShapeLimits {
    static let maximumDepth = 32

    static func admissible(_ data: Data) -> Bool {
        guard data.contains(UInt8(ascii: "<")) else { return true }
        let b = [UInt8](data)
        guard String(validating: b, as: UTF8.self) != nil else { return false }
        guard noHiddenMarkup(b) else { return false }
        var depth = 0
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
            let end = XMLExactText.markupEnd(b, from: i)
            let next: UInt8 = i + 1 < b.count ? b[i + 1] : 0
            if next == UInt8(ascii: "!") {
                // Comments and CDATA sections are harmless; `<!DOCTYPE`, `<!ENTITY` and the
                // other declarations are not accepted.
                let isComment = i + 3 < b.count && b[i + 2] == UInt8(ascii: "-") && b[i + 3] == UInt8(ascii: "-")
                let isCDATA = i + 2 < b.count && b[i + 2] == UInt8(ascii: "[")
                if !isComment && !isCDATA { return false }
            } else if next == UInt8(ascii: "?") {
                // Only the XML declaration, at the start. Foundation's XMLParser dereferenced the
                // null data of a processing instruction without any (`<?K?>`) and crashed the
                // process (found by libFuzzer, `scripts/fuzz run xml`); S3's bodies carry none.
                guard isDeclaration(b, at: i), b[..<i].allSatisfy(isLeadingSpace) else { return false }
            } else if next == UInt8(ascii: "/") {
                depth -= 1
            } else {
                let selfClosing = end >= 2 && b[end - 1] == UInt8(ascii: ">") && b[end - 2] == UInt8(ascii: "/")
                if !selfClosing {
                    depth += 1
                    if depth > maximumDepth { return false }
                }
            }
            i = end
        }
        return true
    }

    /// Every `<?` and `<!` in the body, wherever the structural walk below would place it: a
    /// processing instruction inside an unclosed attribute value (`<Delete xmlns="...<?K?>`) was
    /// skipped by the walk, which reads to the closing quote, while libxml2 gave up on the
    /// attribute, went on, and handed Foundation the instruction that crashes it (found by
    /// libFuzzer, `xml` target, after the first fix). `<` may appear literally nowhere but in
    /// markup, comments and CDATA, so refusing these sequences everywhere costs no valid S3 body.
    static func noHiddenMarkup(_ b: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "<") {
                if b[i + 1] == UInt8(ascii: "?"), !(isDeclaration(b, at: i) && b[..<i].allSatisfy(isLeadingSpace)) { return false }
                if b[i + 1] == UInt8(ascii: "!") {
                    let isComment = i + 3 < b.count && b[i + 2] == UInt8(ascii: "-") && b[i + 3] == UInt8(ascii: "-")
                    let isCDATA = i + 2 < b.count && b[i + 2] == UInt8(ascii: "[")
                    if !isComment && !isCDATA { return false }
                }
            }
            i += 1
        }
        return true
    }

    /// `<?xml` followed by white space or `?>`.
    static func isDeclaration(_ b: [UInt8], at i: Int) -> Bool {
        guard i + 5 < b.count, Array(b[i..<i + 5]) == Array("<?xml".utf8) else { return false }
        return [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "?")].contains(b[i + 5])
    }

    /// White space, or the UTF-8 byte order mark, before the declaration.
    static func isLeadingSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0xEF || c == 0xBB || c == 0xBF
    }
}
