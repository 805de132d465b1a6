@testable import CairnProtocol
import CairnModel
import Foundation
import Testing

/// `CompletePartsReader` (the fast reading of CompleteMultipartUpload bodies) must give exactly
/// what the general XMLCoder decoding gives, or step aside (nil) for it to answer.
@Suite("CompleteMultipartUpload body: the fast reading agrees with XMLCoder")
struct CompletePartsReaderTests {
    static let ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

    /// Bodies clients send: each must take the fast path and decode as XMLCoder does.
    static let plain: [String] = [
        // botocore (ElementTree, no white space)
        "<CompleteMultipartUpload \(ns)><Part><ETag>\"0cc175b9c0f1b6a831c399e269772661\"</ETag><PartNumber>1</PartNumber></Part><Part><ETag>\"92eb5ffee6ae2fec3ad71c777531578f\"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>",
        // the XML declaration, pretty printing with CR LF and tabs
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload \(ns)>\r\n\t<Part>\r\n\t\t<PartNumber>3</PartNumber>\r\n\t\t<ETag>e3</ETag>\r\n\t</Part>\n  <Part>\n    <PartNumber>4</PartNumber>\n    <ETag>e4</ETag>\n  </Part>\r\n</CompleteMultipartUpload>\r\n",
        // white space kept in an ETag, around a number, entities and character references
        "<CompleteMultipartUpload><Part>\r\n <PartNumber> 7\r\n</PartNumber><ETag> \"e\" </ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;a&amp;b&lt;c&gt;&#13;&#x41;&apos;</ETag></Part></CompleteMultipartUpload>",
        // literal CRs in an ETag (kept by XMLExactText), non-ASCII text
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a\r\nb\rc 日本</ETag></Part></CompleteMultipartUpload>",
        // checksums, an unknown field, no ETag, parts out of order and repeated (the storage judges those)
        "<CompleteMultipartUpload><Part><ChecksumCRC32>AAAAAA==</ChecksumCRC32><PartNumber>2</PartNumber><ETag>x</ETag><ChecksumSHA256>abc</ChecksumSHA256><Size>5</Size></Part><Part><PartNumber>1</PartNumber><ChecksumCRC64NVME>q</ChecksumCRC64NVME></Part><Part><PartNumber>1</PartNumber><ETag>y</ETag></Part></CompleteMultipartUpload>",
        // any root name and root attributes, as XMLCoder ignores them
        "<Other a=\"1\"><Part><PartNumber>10000</PartNumber><ETag>z</ETag></Part></Other>",
        // a namespace prefix (local names are read)
        "<s3:CompleteMultipartUpload xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Part><s3:PartNumber>3</s3:PartNumber><s3:ETag>e3</s3:ETag></s3:Part></s3:CompleteMultipartUpload>",
        // Foundation's parser stops at the end of the root element, for both readings
        "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag> </ETag></Part><Part><PartNumber>+5</PartNumber><ETag>\t</ETag></Part></CompleteMultipartUpload>",
    ]

    /// Bodies the fast reading leaves to XMLCoder (whatever XMLCoder makes of them).
    static let unusual: [String] = [
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag></ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag/></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ChecksumCRC32/></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part PartNumber=\"4\"><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag x=\"1\">a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag><![CDATA[\"a\"]]></ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a<!-- c -->b</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><!-- c --><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a<b>c</b></ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part>x<PartNumber>1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload>x<Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Other/><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>7a</PartNumber></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload></CompleteMultipartUpload>",
        "<CompleteMultipartUpload/>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>",
        "not xml",
    ]

    /// XMLCoder's answer: the parts, or nil for MalformedXML.
    func reference(_ body: String) -> CompleteMultipartUploadXML? {
        try? RequestXML.decode(CompleteMultipartUploadXML.self, from: Data(body.utf8))
    }

    @Test("plain bodies take the fast reading and decode as XMLCoder does", arguments: plain)
    func plainBodies(_ body: String) throws {
        let fast = try #require(CompletePartsReader.read(XMLExactText.protectCarriageReturns(Data(body.utf8))))
        #expect(CompleteMultipartUploadXML(parts: fast) == reference(body))
        #expect(try CompleteMultipartUploadXML.decode(from: Data(body.utf8)) == reference(body))
    }

    @Test("other bodies are left to XMLCoder, whose answer stands", arguments: unusual)
    func unusualBodies(_ body: String) {
        #expect(CompletePartsReader.read(XMLExactText.protectCarriageReturns(Data(body.utf8))) == nil)
        #expect((try? CompleteMultipartUploadXML.decode(from: Data(body.utf8))) == reference(body))
    }

    @Test("10,000 parts decode alike")
    func manyParts() throws {
        let parts = (1...10_000).map { "<Part><ETag>\"\(String($0, radix: 16))\"</ETag><PartNumber>\($0)</PartNumber><ChecksumCRC64NVME>c\($0)=</ChecksumCRC64NVME></Part>" }
        let body = "<CompleteMultipartUpload \(Self.ns)>" + parts.joined() + "</CompleteMultipartUpload>"
        let fast = try #require(CompletePartsReader.read(Data(body.utf8)))
        #expect(fast.count == 10_000)
        #expect(CompleteMultipartUploadXML(parts: fast) == reference(body))
    }
}
