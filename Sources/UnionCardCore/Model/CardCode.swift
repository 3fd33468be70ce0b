/// A code a cashier scanned or typed, already normalised and classified.
///
/// Parsing is purely syntactic: a well-formed code may still be unknown to the registry.
/// Malformed input never reaches the database (it is a 400 `invalid_code`).
public enum CardCode: Sendable, Hashable {
    /// The member barcode printed on the card: exactly 12 ASCII digits.
    case barcode(String)
    /// A Vpoint promotion code: 6–32 ASCII letters/digits, upper-cased.
    case vpoint(String)

    /// Raw inputs longer than this many UTF-8 bytes are rejected outright.
    ///
    /// A Vpoint code has at most 32 characters; the bound leaves room for generous
    /// grouping with spaces and dashes while keeping padded junk out of the audit log.
    public static let maxRawLength = 128

    /// Strips spaces (U+0020) and dashes (U+002D); exactly 12 ASCII digits → `.barcode`;
    /// otherwise 6–32 ASCII letters/digits → `.vpoint` (upper-cased); anything else → nil
    /// (`invalid_code`).
    ///
    /// Note that 11 or 13 digits are not a barcode but are a valid Vpoint code by this rule.
    /// Only ASCII counts: other scripts' digits ("١٢٣"), full-width letters, tabs and other
    /// Unicode spaces or dashes make the code invalid.
    public static func parse(_ raw: String) -> CardCode? {
        guard raw.utf8.count <= maxRawLength else { return nil }
        var kept: [UInt8] = []
        kept.reserveCapacity(32)
        var allDigits = true
        // Working on UTF-8 bytes: any non-ASCII byte is simply "not alphanumeric".
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                kept.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                kept.append(byte)
                allDigits = false
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                kept.append(byte - 0x20)
                allDigits = false
            default:
                return nil
            }
        }
        let text = String(decoding: kept, as: UTF8.self)
        if allDigits && kept.count == 12 { return .barcode(text) }
        if (6...32).contains(kept.count) { return .vpoint(text) }
        return nil
    }

    /// The `code_type` reported in answers and the audit log: `"card"` or `"vpoint"`.
    public var codeType: String {
        switch self {
        case .barcode: "card"
        case .vpoint: "vpoint"
        }
    }

    /// The normalised code: 12 digits, or the upper-cased Vpoint code.
    public var value: String {
        switch self {
        case .barcode(let value), .vpoint(let value): value
        }
    }
}
