import Foundation

/// What an XML request body may look like before a parser sees it.
///
/// The XML parser under XMLCoder builds its tree recursively, so a body nested ten thousand
/// elements deep overflowed the stack and killed the server (found by scripts/fuzz-protocol; any
/// signed-in user could send it). No S3 request body nests deeper than about six elements
/// (LifecycleConfiguration/Rule/Filter/And/Tag/Key), so 32 leaves room. Document type
/// declarations are refused too: S3's bodies have none, and they are how entity expansion
/// ("billion laughs") and external entities get in. And the body must be UTF-8: Foundation's
/// XMLParser crashed the process on an element name with invalid UTF-8 (`<Vers\xC3(ioning...`,
/// also found by the protocol fuzzer); S3's bodies are UTF-8, anything else is MalformedXML.
enum XMLShapeLimits {
    static let maximumDepth = 32

    static func admissible(_ data: Data) -> Bool {
        guard data.contains(UInt8(ascii: "<")) else { return true }
        let b = [UInt8](data)
        guard String(validating: b, as: UTF8.self) != nil else { return false }
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
            } else if next == UInt8(ascii: "/") {
                depth -= 1
            } else if next != UInt8(ascii: "?") {
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
}
