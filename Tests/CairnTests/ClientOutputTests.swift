import CairnClient
import Foundation
import Testing

// Expected strings were produced by the aws CLI's own formatters (awscli.text, awscli.formatter
// TableFormatter with color off, 80 columns) on the same data.

let listPartsSample: JSONValue = .object(JSONObject([
    ("Parts", .array([
        .object(JSONObject([("PartNumber", .int(1)), ("ETag", .string("\"aa\"")), ("Size", .int(5_242_880))])),
        .object(JSONObject([("PartNumber", .int(2)), ("ETag", .string("\"bb\"")), ("Size", .int(10))])),
    ])),
    ("Owner", .object(JSONObject([("DisplayName", .string("me")), ("ID", .string("x1"))]))),
    ("StorageClass", .string("STANDARD")),
    ("IsTruncated", .bool(false)),
]))

@Suite("aws CLI output formats")
struct ClientOutputTests {
    @Test("json: 4-space indent, escaped quotes in the ETag, model order kept")
    func json() {
        let v: JSONValue = .object(JSONObject([("ETag", .string("\"e868e0f4719e394144ef36531ee6824c\"")), ("Size", .int(3))]))
        #expect(OutputFormatter.format(v, as: .json, title: "UploadPart") ==
            "{\n    \"ETag\": \"\\\"e868e0f4719e394144ef36531ee6824c\\\"\",\n    \"Size\": 3\n}\n")
        #expect(OutputFormatter.format(.object(JSONObject()), as: .json, title: "X") == "")
        #expect(OutputFormatter.format(.array([]), as: .json, title: "X") == "[]\n")
        #expect(JSONValue.string("é\u{1}").serialized() == "\"é\\u0001\"")
    }

    @Test("text: scalars sorted on one line, nested lists as upper-cased rows")
    func text() {
        #expect(OutputFormatter.format(listPartsSample, as: .text, title: "ListParts") ==
            "False\tSTANDARD\nOWNER\tme\tx1\nPARTS\t\"aa\"\t1\t5242880\nPARTS\t\"bb\"\t2\t10\n")
        #expect(OutputFormatter.format(.object(JSONObject([("ETag", .string("\"e8\""))])), as: .text, title: "UploadPart") == "\"e8\"\n")
    }

    @Test("table: titles, headers and nested sections as the aws CLI draws them")
    func table() {
        let expected = "-------------------------------------\n|             ListParts             |\n+----------------+------------------+\n|   IsTruncated  |  StorageClass    |\n+----------------+------------------+\n|  False         |  STANDARD        |\n+----------------+------------------+\n||              Owner              ||\n|+-----------------------+---------+|\n||      DisplayName      |   ID    ||\n|+-----------------------+---------+|\n||  me                   |  x1     ||\n|+-----------------------+---------+|\n||              Parts              ||\n|+------+--------------+-----------+|\n|| ETag | PartNumber   |   Size    ||\n|+------+--------------+-----------+|\n||  \"aa\"|  1           |  5242880  ||\n||  \"bb\"|  2           |  10       ||\n|+------+--------------+-----------+|\n"
        #expect(OutputFormatter.format(listPartsSample, as: .table, title: "ListParts") == expected)
        let up: JSONValue = .object(JSONObject([("ETag", .string("\"e868e0f4719e394144ef36531ee6824c\""))]))
        #expect(OutputFormatter.format(up, as: .table, title: "UploadPart") ==
            "------------------------------------------------\n|                  UploadPart                  |\n+------+---------------------------------------+\n|  ETag|  \"e868e0f4719e394144ef36531ee6824c\"   |\n+------+---------------------------------------+\n")
    }

    @Test("JSON parser keeps key order and reads escapes")
    func parse() throws {
        let v = try JSONValue.parse(#"{"b": 1, "a": [true, null, 2.5, "x\"\u00e9"]}"#)
        #expect(v.objectValue?.keys == ["b", "a"])
        #expect(v["a"] == .array([.bool(true), .null, .double(2.5), .string("x\"é")]))
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\": }") }
    }
}

@Suite("JMESPath subset for --query")
struct JMESPathTests {
    func q(_ e: String, _ v: JSONValue = listPartsSample) throws -> JSONValue { try JMESPath(e).search(v) }

    @Test("field, nested field, index, negative index")
    func basics() throws {
        #expect(try q("StorageClass") == .string("STANDARD"))
        #expect(try q("Owner.ID") == .string("x1"))
        #expect(try q("Parts[0].PartNumber") == .int(1))
        #expect(try q("Parts[-1].Size") == .int(10))
        #expect(try q("Missing.Field") == .null)
        #expect(try q("\"StorageClass\"") == .string("STANDARD"))
    }

    @Test("projections, flatten, slices, value projection")
    func projections() throws {
        #expect(try q("Parts[*].ETag") == .array([.string("\"aa\""), .string("\"bb\"")]))
        #expect(try q("Parts[].PartNumber") == .array([.int(1), .int(2)]))
        #expect(try q("Parts[:1].PartNumber") == .array([.int(1)]))
        #expect(try q("Owner.*") == .array([.string("me"), .string("x1")]))
        #expect(try q("Parts[*].PartNumber | [0]") == .int(1))
    }

    @Test("multi-select lists and hashes")
    func multiselect() throws {
        #expect(try q("Parts[*].[PartNumber, Size]") == .array([.array([.int(1), .int(5_242_880)]), .array([.int(2), .int(10)])]))
        #expect(try q("{n: Parts[0].PartNumber, o: Owner.DisplayName}") == .object(JSONObject([("n", .int(1)), ("o", .string("me"))])))
        #expect(try q("Parts[*].{N: PartNumber}") == .array([.object(JSONObject([("N", .int(1))])), .object(JSONObject([("N", .int(2))]))]))
    }

    @Test("filters with comparisons, && and ||, literals")
    func filters() throws {
        #expect(try q("Parts[?PartNumber==`2`].Size") == .array([.int(10)]))
        #expect(try q("Parts[?ETag=='\"aa\"'].PartNumber") == .array([.int(1)]))
        #expect(try q("Parts[?Size > `100` && PartNumber < `5`].PartNumber") == .array([.int(1)]))
        #expect(try q("Parts[?Size < `1` || PartNumber == `2`].PartNumber") == .array([.int(2)]))
        #expect(try q("Parts[?!(PartNumber == `1`)].PartNumber") == .array([.int(2)]))
    }

    @Test("functions people use")
    func functions() throws {
        #expect(try q("length(Parts)") == .int(2))
        #expect(try q("sum(Parts[*].Size)") == .int(5_242_890))
        #expect(try q("max_by(Parts, &Size).PartNumber") == .int(1))
        #expect(try q("sort_by(Parts, &Size)[0].PartNumber") == .int(2))
        #expect(try q("Parts[?starts_with(ETag, '\"b')].PartNumber") == .array([.int(2)]))
    }

    @Test("syntax errors are reported")
    func errors() {
        #expect(throws: JMESPath.ParseError.self) { try JMESPath("Parts[") }
        #expect(throws: JMESPath.ParseError.self) { try JMESPath("a = b") }
    }
}
