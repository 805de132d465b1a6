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
}
