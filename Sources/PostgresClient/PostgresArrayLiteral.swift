/// Text-format array literals (`{"a","b",NULL}`) for passing many values in one `$n` parameter,
/// e.g. `WHERE card_number = ANY($1::text[])` or `INSERT … SELECT * FROM unnest($1::text[], …)`.
public enum PostgresArrayLiteral {
    /// Encodes the elements, quoting each one and escaping `"` and `\`; nil becomes `NULL`.
    public static func encode(_ elements: [String?]) -> String {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(",") }
            guard let element else {
                literal.append("NULL")
                continue
            }
            literal.append("\"")
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal.append("\"")
        }
        literal.append("}")
        return literal
    }

    /// Encodes integers (never NULL).
    public static func encode<Integer: BinaryInteger>(_ elements: [Integer]) -> String {
        "{" + elements.map { String($0) }.joined(separator: ",") + "}"
    }
}
