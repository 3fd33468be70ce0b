import Testing
import UnionCardCore

@Suite("JSONValue.parse")
struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    func rejects(_ bytes: [UInt8]) -> Bool {
        (try? JSONValue.parse(bytes)) == nil
    }

    @Test func values() throws {
        let value = try parse(#" {"a": [1, -2.5e+3, true, false, null], "b": {"c": "d"}, "a": 0} "#)
        #expect(
            value
                == .object([
                    (
                        key: "a",
                        value: .array([.number("1"), .number("-2.5e+3"), .bool(true), .bool(false), .null])
                    ),
                    (key: "b", value: .object([(key: "c", value: .string("d"))])),
                    (key: "a", value: .number("0")),
                ]))
        // Duplicates are kept; the subscript returns the first.
        #expect(value["a"] == .array([.number("1"), .number("-2.5e+3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"]?.stringValue == "d")
        #expect(value["zz"] == nil)
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([]))
        #expect(try parse(#""""#) == .string(""))
    }

    @Test func equalityIsOrderSensitiveForMembers() {
        let ab = JSONValue.object([(key: "a", value: .null), (key: "b", value: .null)])
        let ba = JSONValue.object([(key: "b", value: .null), (key: "a", value: .null)])
        #expect(ab != ba)
        #expect(ab == ab)
        #expect(JSONValue.number("1") != .number("1.0"))
    }

    @Test(
        "numbers keep their literal text",
        arguments: ["0", "-0", "1", "-1", "1.5", "1e3", "1E-3", "0.000", "99999999999999999999999999999"])
    func numbers(literal: String) throws {
        #expect(try parse(literal) == .number(literal))
    }

    @Test(
        "invalid numbers",
        arguments: [
            "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1_000",
        ])
    func invalidNumbers(text: String) {
        #expect(rejects(Array(text.utf8)))
    }

    @Test func escapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u1EBF""#) == .string("Aéế"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        // Surrogate pair → one astral scalar.
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\uD83D\uDE00x""#) == .string("😀x"))
        // Raw UTF-8 is kept as is.
        #expect(try parse(#""Nguyễn 😀""#) == .string("Nguyễn 😀"))
    }

    @Test(
        "malformed text is rejected",
        arguments: [
            "", " ", "{", "}", "[", "[1,]", "[,1]", "[1 2]", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{a:1}"#,
            #"{1:1}"#, #"{"a" 1}"#, "tru", "nul", "True", "NULL", #""abc"#, #""abc\"#, #""\x""#, #""\u12""#,
            #""\u12G4""#, #""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00""#, #""\ud83d\ud83d""#,
            "1 2", "[] []", #"{"a":1} x"#, "// c\n1", "'a'", "[1]\u{0}", "\u{A0}1",
        ])
    func malformed(text: String) {
        #expect(rejects(Array(text.utf8)))
    }

    @Test func controlCharactersMustBeEscaped() {
        for byte in UInt8(0x00)..<0x20 {
            #expect(rejects([0x22, byte, 0x22]))
        }
        #expect(!rejects([0x22, 0x7F, 0x22]))  // DEL is allowed raw
    }

    @Test func invalidUTF8IsRejected() {
        #expect(rejects([0x22, 0xFF, 0x22]))
        #expect(rejects([0x22, 0xC3, 0x22]))  // truncated sequence
        #expect(rejects([0x22, 0xC0, 0xAF, 0x22]))  // overlong "/"
        #expect(rejects([0x22, 0xED, 0xA0, 0x80, 0x22]))  // UTF-8-encoded surrogate
        #expect(rejects([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]))  // above U+10FFFF
        #expect(rejects([0xC3, 0xA9]))  // non-ASCII outside a string
    }

    @Test func nestingIsBounded() throws {
        let ok =
            String(repeating: "[", count: JSONValue.maxDepth)
            + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try parse(ok) }
        let tooDeep =
            String(repeating: "[", count: JSONValue.maxDepth + 1)
            + String(repeating: "]", count: JSONValue.maxDepth + 1)
        #expect(throws: JSONParseError.self) { try parse(tooDeep) }
        let objects = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(throws: JSONParseError.self) { try parse(objects) }
        // A huge unterminated nesting fails fast at the limit, without recursing further.
        #expect(throws: JSONParseError.self) { try parse(String(repeating: "[", count: 1_000_000)) }
    }

    @Test func errorsSayWhere() {
        do {
            _ = try JSONValue.parse(Array(#"{"a": tru}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 6)
            #expect(error.description == "invalid literal at byte 6")
        }
    }

    @Test func wideInputIsLinear() throws {
        let many = "[" + Array(repeating: "1", count: 50_000).joined(separator: ",") + "]"
        guard case .array(let elements) = try parse(many) else {
            Issue.record("expected an array")
            return
        }
        #expect(elements.count == 50_000)
    }
}
