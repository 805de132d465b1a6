@testable import CairnProtocol
import CairnModel
import Foundation
import Testing

/// Request XML keeps CRs in values (keys sent with CR are other keys) and accepts CRLF line
/// endings anywhere white space may be, including after the XML declaration.
@Suite("XML exact text")
struct XMLExactTextTests {
    @Test("a DeleteObjects body with CRLF line endings everywhere, a key with its own CR kept")
    func crlfBody() throws {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\r\n"
            + "  <Object>\r\n    <Key>a\rb</Key>\r\n  </Object>\r\n  <Quiet>true</Quiet>\r\n</Delete>\r\n"
        let parsed = try RequestXML.decode(DeleteRequestXML.self, from: Data(body.utf8))
        #expect(parsed.objects.map(\.key) == ["a\rb"] && parsed.quiet)
    }

    @Test("CRs outside the root element stay white space; inside they become references")
    func depth() {
        let body = "<?xml version=\"1.0\"?>\r\n<!-- c\r -->\r\n<A><B/>x\ry</A>\r\n"
        let out = String(decoding: XMLExactText.protectCarriageReturns(Data(body.utf8)), as: UTF8.self)
        #expect(out == "<?xml version=\"1.0\"?>\r\n<!-- c\r -->\r\n<A><B/>x&#13;y</A>\r\n")
    }

    @Test("a processing instruction hidden in an unclosed attribute value is MalformedXML, not a parser crash")
    func hiddenInstruction() {
        // libFuzzer's input (xml target), less its selector byte: Foundation's XMLParser crashed
        // on the `<?K?>` that libxml2 reached after giving up on the attribute.
        var body = Array("<Delete xmlns=\"http://s1.am\u{02}<Tagg\u{02}ey>a T-g><?K?><?Keyitia".utf8)
        body += [UInt8](repeating: 0, count: 86) + Array("tp://s3.amazonaws.com/doc/2mp;&g".utf8)
        body += [0, 0, 0, 0, 0] + Array("t>true</Quiet></Delete>".utf8)
        #expect { try RequestXML.decode(DeleteRequestXML.self, from: Data(body)) } throws: { ($0 as? S3Error)?.code == .malformedXML }
        // Inside a comment it is comment text, which the parser never reports as an instruction.
        #expect(XMLShapeLimits.admissible(Data(Array("<A><!-- <?x?> --></A>".utf8))))
        #expect(XMLShapeLimits.admissible(Data(Array("<?xml version=\"1.0\"?>\n<A><!-- c --><![CDATA[x]]></A>".utf8))))
    }
}
