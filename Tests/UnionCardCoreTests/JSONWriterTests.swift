import Testing
import UnionCardCore

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test func lookupAnswerShape() {
        var json = JSONWriter()
        json.object { o in
            o.field("verification_id", string: "v-1")
            o.field("eligible", bool: true)
            o.field("reason", string: nil)
            o.key("member")
            o.object { m in m.field("display_name", string: "N. V. An") }
            o.key("discount")
            o.object { d in
                d.field("percent", numberLiteral: Money.percentLiteral(basisPoints: 1250))
                d.field("max_vnd", int: Int64?.none)
                d.field("amount_vnd", int: Int64(25_000))
            }
            o.key("tags")
            o.array { a in
                a.int(1)
                a.string("x")
                a.null()
                a.array { _ in }
                a.object { _ in }
            }
        }
        #expect(
            json.text
                == #"{"verification_id":"v-1","eligible":true,"reason":null,"member":{"display_name":"N. V. An"},"#
                + #""discount":{"percent":12.5,"max_vnd":null,"amount_vnd":25000},"tags":[1,"x",null,[],{}]}"#
        )
    }

    @Test func beginEndCalls() {
        var json = JSONWriter()
        json.beginArray()
        json.beginObject()
        json.key("a")
        json.int(-5)
        json.key("b")
        json.beginArray()
        json.endArray()
        json.endObject()
        json.bool(false)
        json.endArray()
        #expect(json.text == #"[{"a":-5,"b":[]},false]"#)
        #expect(json.bytes == Array(json.text.utf8))
    }

    @Test(
        "string escaping",
        arguments: [
            ("plain", #""plain""#),
            ("say \"hi\"", #""say \"hi\"""#),
            (#"C:\path"#, #""C:\\path""#),
            ("a/b", #""a/b""#),
            ("line\nnext\r\ttab", #""line\nnext\r\ttab""#),
            ("\u{0}\u{1}\u{8}\u{C}\u{1F}", #""\u0000\u0001\b\f\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("Nguyễn Văn An", "\"Nguyễn Văn An\""),
            ("😀", "\"😀\""),
            ("\u{2028}\u{2029}", #""\u2028\u2029""#),
        ])
    func escaping(input: String, expected: String) throws {
        #expect(JSONWriter.quoted(input) == expected)
        var json = JSONWriter()
        json.string(input)
        #expect(json.text == expected)
        // Whatever is written parses back to the same string.
        #expect(try JSONValue.parse(json.bytes) == .string(input))
    }

    @Test func vietnameseIsKeptAsUTF8() {
        var json = JSONWriter()
        json.string("Đoàn viên")
        #expect(json.bytes == [0x22] + Array("Đoàn viên".utf8) + [0x22])
    }

    @Test func roundTripsParsedValues() throws {
        let text = #"{"a":[1,-2.5e+3,true,false,null],"b":{"c":"d\n\u0000"},"":""}"#
        let value = try JSONValue.parse(Array(text.utf8))
        var json = JSONWriter()
        json.value(value)
        #expect(json.text == text)
    }
}
