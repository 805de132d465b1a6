import Foundation

/// What an XML request body may look like before a parser sees it. Each rule was found by
/// fuzzing as a way any signed-in user could kill or grow the server:
/// - nesting: the parser under XMLCoder builds its tree recursively, so a body nested ten
///   thousand elements deep overflowed the stack (scripts/fuzz-protocol). No S3 body nests deeper
///   than about six elements (LifecycleConfiguration/Rule/Filter/And/Tag/Key); 32 leaves room;
/// - UTF-8: Foundation's XMLParser crashed on an element name with invalid UTF-8
///   (`<Vers\xC3(ioning...`, scripts/fuzz-protocol);
/// - processing instructions: it dereferenced the null data of one without any (`<?K?>`), also
///   inside an unclosed attribute value (libFuzzer, `xml` target); document types are how entity
///   expansion ("billion laughs") and external entities get in. S3 bodies carry neither;
/// - malformed documents: it leaks the error it builds for each (`XMLWellFormed`).
enum XMLShapeLimits {
    static let maximumDepth = 32

    /// Whether the body may be handed to the XML parser: valid UTF-8, well formed as S3 bodies
    /// are (`XMLWellFormed`, which also refuses document types, processing instructions but the
    /// declaration, and nesting deeper than `maximumDepth`).
    static func admissible(_ data: Data) -> Bool {
        let b = [UInt8](data)
        guard String(validating: b, as: UTF8.self) != nil else { return false }
        return XMLWellFormed.check(b, maximumDepth: maximumDepth)
    }
}
