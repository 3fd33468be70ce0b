/// Writes RFC 4180 CSV rows as UTF-8 bytes: `,` between fields, CRLF after each row.
///
/// A field is quoted when it contains `,`, `"`, CR or LF, or when it is empty (so that an empty
/// text, `""`, differs from a missing value, written as nothing); quotes inside are doubled.
/// Everything else is written as it is, Vietnamese included.
public enum CSVWriter {
    /// The UTF-8 byte order mark, which makes spreadsheet programs read the file as UTF-8.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Appends one row; nil fields are written as nothing (two adjacent commas).
    public static func appendRow(_ fields: [String?], to bytes: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let field { appendField(field, to: &bytes) }
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// One row as bytes.
    public static func row(_ fields: [String?]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendRow(fields, to: &bytes)
        return bytes
    }

    private static func appendField(_ field: String, to bytes: inout [UInt8]) {
        let needsQuotes =
            field.isEmpty
            || field.utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A
            }
        guard needsQuotes else {
            bytes.append(contentsOf: field.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
