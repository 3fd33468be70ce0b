/// Builds compact JSON text (UTF-8) with correct string escaping, without reflection.
///
/// Commas and colons are placed automatically: call `key(_:)` before each member value in an
/// object, nothing before array elements. Optional values write `null` when nil.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { o in
///     o.field("eligible", bool: false)
///     o.field("reason", string: "card_lost")
///     o.key("discount"); o.null()
/// }
/// // json.text == #"{"eligible":false,"reason":"card_lost","discount":null}"#
/// ```
///
/// Unbalanced begin/end calls or a missing key are programming errors: they are not diagnosed
/// beyond a trap on an `end…` without its `begin…`.
public struct JSONWriter: Sendable {
    /// The JSON text written so far.
    public private(set) var bytes: [UInt8] = []
    /// Per open container (plus the top level): whether a value was already written in it.
    private var hasValue: [Bool] = [false]
    /// Set by `key(_:)`: the next value follows a colon, not a comma.
    private var afterKey = false

    /// An empty writer.
    public init() {}

    /// The JSON text written so far, as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Containers

    /// Writes `{`.
    public mutating func beginObject() {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        hasValue.append(false)
    }

    /// Writes `}`.
    public mutating func endObject() {
        hasValue.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[`.
    public mutating func beginArray() {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        hasValue.append(false)
    }

    /// Writes `]`.
    public mutating func endArray() {
        hasValue.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }

    /// Writes a member name and its colon; the next call writes the member's value.
    public mutating func key(_ name: String) {
        if hasValue[hasValue.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasValue[hasValue.count - 1] = true
        Self.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    // MARK: Scalars

    /// Writes a string literal (escaped), or `null`.
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        beginValue()
        Self.appendQuoted(value, to: &bytes)
    }

    /// Writes an integer, or `null`.
    public mutating func int<T: BinaryInteger>(_ value: T?) {
        guard let value else { return null() }
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a number given as its literal text (e.g. `Money.percentLiteral`), or `null`.
    ///
    /// The literal must follow JSON's number grammar; an invalid one is a programming error
    /// (caught by an assertion in debug builds) and is written as `null` so that the output
    /// stays valid JSON.
    public mutating func number(literal: String?) {
        guard let literal, Self.isNumberLiteral(literal) else {
            assert(literal == nil, "not a JSON number literal: \(literal ?? "")")
            return null()
        }
        beginValue()
        bytes.append(contentsOf: literal.utf8)
    }

    /// Writes `true` / `false`, or `null`.
    public mutating func bool(_ value: Bool?) {
        guard let value else { return null() }
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `null`.
    public mutating func null() {
        beginValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes a parsed value back out (compact; numbers as their literal text).
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let literal): number(literal: literal)
        case .string(let text): string(text)
        case .array(let elements):
            array { writer in
                for element in elements { writer.value(element) }
            }
        case .object(let members):
            object { writer in
                for member in members {
                    writer.key(member.key)
                    writer.value(member.value)
                }
            }
        }
    }

    // MARK: Members

    /// Writes `"name":"value"` (or `null`).
    public mutating func field(_ name: String, string value: String?) {
        key(name)
        string(value)
    }

    /// Writes `"name":123` (or `null`).
    public mutating func field<T: BinaryInteger>(_ name: String, int value: T?) {
        key(name)
        int(value)
    }

    /// Writes `"name":true` (or `null`).
    public mutating func field(_ name: String, bool value: Bool?) {
        key(name)
        bool(value)
    }

    /// Writes `"name":<literal>` (or `null`).
    public mutating func field(_ name: String, numberLiteral value: String?) {
        key(name)
        number(literal: value)
    }

    // MARK: Escaping

    /// The JSON string literal for `text`, quotes included: `"` and `\` escaped, control
    /// characters as `\n`, `\t`, … or `\u00XX`, U+2028/U+2029 as `\u2028`/`\u2029` (safe to
    /// embed in JavaScript); everything else, Vietnamese included, kept as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: #"\""#.utf8)
            case 0x5C: out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x00..<0x20, 0x2028, 0x2029: appendUnicodeEscape(UInt16(scalar.value), to: &out)
            default: UTF8.encode(scalar) { out.append($0) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: #"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hex[Int(unit >> UInt16(shift)) & 0xF])
        }
    }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        if hasValue[hasValue.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasValue[hasValue.count - 1] = true
    }

    /// Whether `literal` is exactly one JSON number.
    static func isNumberLiteral(_ literal: String) -> Bool {
        // Only number characters, so the parser cannot have skipped whitespace or a BOM.
        let allowed = Set("0123456789+-.eE".utf8)
        guard literal.utf8.allSatisfy(allowed.contains) else { return false }
        if case .number? = try? JSONValue.parse(Array(literal.utf8)) { return true }
        return false
    }
}
