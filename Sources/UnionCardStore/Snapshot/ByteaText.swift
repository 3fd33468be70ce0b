/// bytea's text output form, `\x0a1b…`.
enum ByteaText {
    /// Decodes `\x…` hex text.
    static func decode(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"),
            utf8.count % 2 == 0
        else {
            throw StoreError(code: .unexpectedData, context: "bytea")
        }
        func nibble(_ byte: UInt8) throws -> UInt8 {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x61...0x66: return byte - 0x61 + 10
            default: throw StoreError(code: .unexpectedData, context: "bytea")
            }
        }
        return try stride(from: 2, to: utf8.count, by: 2).map {
            try nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1])
        }
    }

    /// Encodes bytes as `\x…` for a `$n::bytea` parameter.
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = "\\x"
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
