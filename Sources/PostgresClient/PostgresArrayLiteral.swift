/// Text-format array literals (`{"a","b",NULL}`) for passing many values in one `$n` parameter,
/// e.g. `WHERE card_number = ANY($1::text[])` or `INSERT … SELECT * FROM unnest($1::text[], …)`.
public enum PostgresArrayLiteral {
    /// Encodes the elements, quoting each one and escaping `"` and `\`; nil becomes `NULL`.
    public static func encode(_ elements: [String?]) -> String {
        // Built as UTF-8 bytes: batches encode thousands of elements, and byte appends are
        // several times cheaper than appending characters to a String.
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(elements.count * 16 + 2)
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(UInt8(ascii: "\\"))
                }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes integers (never NULL).
    public static func encode<Integer: BinaryInteger>(_ elements: [Integer]) -> String {
        "{" + elements.map { String($0) }.joined(separator: ",") + "}"
    }
}
