/// A parsed JSON value (RFC 8259). Numbers keep their literal text so that no precision is
/// lost and callers decide what a valid number is; objects keep their members in order,
/// duplicates included (callers decide whether duplicates are an error).
public indirect enum JSONValue: Sendable, Equatable {
    /// `null`
    case null
    /// `true` / `false`
    case bool(Bool)
    /// A number, as its literal text (e.g. `"250000"`, `"1.5"`, `"1e3"`, `"-0"`).
    case number(String)
    /// A string, escapes decoded.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: its members in document order.
    case object([(key: String, value: JSONValue)])

    /// The deepest nesting of arrays and objects `parse` accepts.
    public static let maxDepth = 32

    /// Parses one JSON text: strict RFC 8259 grammar, UTF-8, nesting at most `maxDepth`.
    ///
    /// Rejects trailing garbage, invalid UTF-8, raw control characters in strings, lone
    /// surrogates in `\u` escapes, and anything JSON5-ish (comments, single quotes, trailing
    /// commas, `NaN`). A leading UTF-8 byte-order mark is ignored, as RFC 8259 §8.1 allows.
    /// Runs in time linear in the input and never traps on any bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// The first member named `key` when this is an object; nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Members compare in order, keys and values alike; numbers compare by literal text.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// Why a JSON text was rejected, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset of the problem in the input.
    public var offset: Int
    /// What is wrong, in English (e.g. "unterminated string").
    public var reason: String

    /// Creates an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `"<reason> at byte <offset>"`.
    public var description: String { "\(reason) at byte \(offset)" }
}
