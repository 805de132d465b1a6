import CairnModel
import CairnProtocol
import Foundation
import Testing

/// Tag sets: S3's limits (TagSet), the `x-amz-tagging` header and the `<Tagging>` body.
@Suite("Tagging")
struct TaggingTests {
    func tags(_ pairs: [(String, String)]) -> [TagSet.Tag] { pairs.map { TagSet.Tag(key: $0.0, value: $0.1) } }

    /// The S3 error `body` throws (code and message), nil when it throws none.
    func code(_ body: () throws -> Void) -> (S3ErrorCode, String)? {
        do { try body() } catch let error as S3Error { return (error.code, error.message) } catch { return (.internalError, "\(error)") }
        return nil
    }

    func header(_ value: String) throws(S3Error) -> TagSet? {
        try RequestHeaders(headers: [(name: "x-amz-tagging", value: value)]).tagging()
    }

    @Test("10 object tags and 50 bucket tags are accepted; one more is refused with AWS's error")
    func counts() throws {
        let ten = tags((1...10).map { ("k\($0)", "v") })
        #expect(try TagSet(validating: ten, for: .object).count == 10)
        let eleven = tags((1...11).map { ("k\($0)", "v") })
        #expect(code { _ = try TagSet(validating: eleven, for: .object) }! == (.badRequest, "Object tags cannot be greater than 10"))
        #expect(try TagSet(validating: tags((1...50).map { ("k\($0)", "v") }), for: .bucket).count == 50)
        #expect(code { _ = try TagSet(validating: tags((1...51).map { ("k\($0)", "v") }), for: .bucket) }?.0 == .invalidTag)
    }

    @Test("keys of 1 to 128 and values of 0 to 256 characters, counted in UTF-16 units")
    func lengths() throws {
        let key = String(repeating: "é", count: 128), value = String(repeating: "ü", count: 256)
        #expect(try TagSet(validating: tags([(key, value), ("e", "")]), for: .object).count == 2)
        let badKey = (S3ErrorCode.invalidTag, "The TagKey you have provided is invalid")
        let badValue = (S3ErrorCode.invalidTag, "The TagValue you have provided is invalid")
        #expect(code { _ = try TagSet(validating: tags([(key + "a", "v")]), for: .object) }! == badKey)
        #expect(code { _ = try TagSet(validating: tags([("", "v")]), for: .object) }! == badKey)
        #expect(code { _ = try TagSet(validating: tags([("k", value + "a")]), for: .object) }! == badValue)
        // An astral character takes two UTF-16 units: 64 of them fill a key.
        let astral = String(repeating: "𝔸", count: 64)
        #expect(try TagSet(validating: tags([(astral, "v")]), for: .object).count == 1)
        #expect(code { _ = try TagSet(validating: tags([(astral + "a", "v")]), for: .object) }! == badKey)
    }

    @Test("letters, digits, white space and + - = . _ : / @ only; no aws: keys; no duplicate keys")
    func characters() throws {
        #expect(try TagSet(validating: tags([("Ab9 +-=._:/@ 東京", "x y+-=._:/@٣")]), for: .object).count == 1)
        for bad in ["a,b", "a*b", "a\tb", "a#b", "a&b", "a?b"] {
            #expect(code { _ = try TagSet(validating: tags([(bad, "v")]), for: .object) }?.1 == "The TagKey you have provided is invalid")
            #expect(code { _ = try TagSet(validating: tags([("k", bad)]), for: .bucket) }?.1 == "The TagValue you have provided is invalid")
        }
        #expect(code { _ = try TagSet(validating: tags([("aws:x", "v")]), for: .object) }! ==
            (.invalidTag, "Your TagKey cannot be prefixed with aws:"))
        #expect(code { _ = try TagSet(validating: tags([("k", "1"), ("k", "2")]), for: .bucket) }! ==
            (.invalidTag, "Cannot provide multiple Tags with the same key"))
    }

    @Test("x-amz-tagging: a form-encoded query, kept in order; bare names have the empty value")
    func headerForm() throws {
        #expect(try header("b=2&a=x+y%2Bz&c&d%3D=%C3%A9")?.tags == tags([("b", "2"), ("a", "x y+z"), ("c", ""), ("d=", "é")]))
        #expect(try header("")?.tags == [])
        #expect(try RequestHeaders(headers: []).tagging() == nil)
        #expect(code { _ = try header("a=1&a=2") }?.0 == .invalidArgument)
        #expect(code { _ = try header("TagSet=[{Key=string,Value=string}]") }?.0 == .invalidArgument)
        #expect(code { _ = try header("a%2Cb=1") }?.1 == "The TagKey you have provided is invalid")
        #expect(code { _ = try header((1...11).map { "k\($0)=v" }.joined(separator: "&")) }?.0 == .badRequest)
    }

    @Test("x-amz-tagging-directive: COPY by default, REPLACE, anything else InvalidArgument")
    func directive() throws {
        #expect(try RequestHeaders(headers: []).taggingDirective() == .copy)
        #expect(try RequestHeaders(headers: [(name: "X-Amz-Tagging-Directive", value: "REPLACE")]).taggingDirective() == .replace)
        #expect(code { _ = try RequestHeaders(headers: [(name: "x-amz-tagging-directive", value: "replace")]).taggingDirective() }?.0
            == .invalidArgument)
    }

    @Test("<Tagging> bodies: values exactly as sent, empty values, an empty set; Key and Value required")
    func body() throws {
        func parse(_ xml: String, _ scope: TagScope = .object) throws(S3Error) -> TagSet {
            try TaggingXML.tagSet(from: Data(xml.utf8), for: scope)
        }
        let set = try parse("""
            <Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>\
            <Tag><Key> a </Key><Value>  x y </Value></Tag><Tag><Key>e</Key><Value></Value></Tag>\
            </TagSet></Tagging>
            """)
        #expect(set.tags == tags([(" a ", "  x y "), ("e", "")]))
        // A CR is kept as sent, and is no tag character.
        #expect(code { _ = try parse("<Tagging><TagSet><Tag><Key>k</Key><Value>a\r</Value></Tag></TagSet></Tagging>") }?.1
            == "The TagValue you have provided is invalid")
        #expect(try parse("<Tagging><TagSet></TagSet></Tagging>").isEmpty)
        #expect(code { _ = try parse("<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>") }?.0 == .malformedXML)
        #expect(code { _ = try parse("<Tagging></Tagging>") }?.0 == .malformedXML)
        #expect(code { _ = try parse("<Tagging><TagSet><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></TagSet></Tagging>", .bucket) }?.0
            == .invalidTag)
    }
}
