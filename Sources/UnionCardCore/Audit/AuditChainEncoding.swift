/// The canonical encoding of an audit row and the hash chain over it (format `unioncard-audit-v1`).
///
/// `encode(row)` is the concatenation of 21 fields: first the format tag `unioncard-audit-v1`,
/// then `AuditChainRow.canonicalFields` in order (seq, event_id, verification_id, at, key_id,
/// partner_id, code_given, code_type, card_number, member_id, member_unit_path, agreement_code,
/// agreement_unit_path, outcome, reason, amount_vnd, discount_vnd, reference, client_addr,
/// response_sha256). Each field is
/// - SQL NULL: the single byte `0x00`;
/// - a value: the byte `0x01`, the length of its UTF-8 bytes as 4 bytes big-endian, the bytes.
///
/// So NULL differs from the empty string (`01 00 00 00 00`), and no two rows share an encoding.
/// `hash(seq n) = SHA-256(hash(seq n-1) ‖ encode(row n))`, with 32 zero bytes before seq 1.
public enum AuditChainEncoding {
    /// The first field of every encoding; a later format would change it.
    public static let formatTag = "unioncard-audit-v1"

    /// The "previous hash" of the first row: 32 zero bytes.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// The canonical bytes of `row`.
    public static func encode(_ row: AuditChainRow) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        append(row, to: &bytes)
        return bytes
    }

    /// Appends the canonical bytes of `row` to `bytes`.
    public static func append(_ row: AuditChainRow, to bytes: inout [UInt8]) {
        appendField(formatTag, to: &bytes)
        for field in row.canonicalFields {
            appendField(field, to: &bytes)
        }
    }

    /// `SHA-256(previous ‖ encode(row))`.
    public static func hash(previous: [UInt8], row: AuditChainRow) -> [UInt8] {
        var bytes = previous
        bytes.reserveCapacity(previous.count + 512)
        append(row, to: &bytes)
        return SHA256.hash(bytes)
    }

    /// Appends one field: `0x00` for nil, else `0x01`, the UTF-8 length (4 bytes, big-endian), the bytes.
    public static func appendField(_ value: String?, to bytes: inout [UInt8]) {
        guard let value else {
            bytes.append(0)
            return
        }
        let length = UInt32(truncatingIfNeeded: value.utf8.count)
        bytes.append(1)
        for shift in [24, 16, 8, 0] as [UInt32] {
            bytes.append(UInt8(truncatingIfNeeded: length >> shift))
        }
        bytes.append(contentsOf: value.utf8)
    }

    /// Parses 64 hex digits (either case) into 32 bytes; nil otherwise.
    public static func hashBytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
