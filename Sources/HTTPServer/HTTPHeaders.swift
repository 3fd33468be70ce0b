/// An ordered list of HTTP header fields, looked up by name without regard to ASCII case.
///
/// Duplicates are kept in arrival order, as HTTP allows a field to repeat.
public struct HTTPHeaders: Sendable {
    /// The fields in order, names and values as received.
    public private(set) var pairs: [(name: String, value: String)]

    /// Creates a header list from name/value pairs, kept in the given order.
    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    /// The first value of the field `name` (any ASCII case), or nil when absent.
    public subscript(name: String) -> String? {
        pairs.first { Self.namesEqual($0.name, name) }?.value
    }

    /// Every value of the field `name` (any ASCII case), in order.
    public func values(_ name: String) -> [String] {
        pairs.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        pairs.append((name: name, value: value))
    }

    /// Field names are ASCII tokens (RFC 9110 §5.1): compare bytes, folding only A–Z.
    static func namesEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { asciiLower($0) == asciiLower($1) }
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
