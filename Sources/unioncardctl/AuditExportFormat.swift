import UnionCardCore
import UnionCardStore

/// The rows of `unioncardctl audit export`: every field the chain hash covers (README, "For
/// auditors"), then `prev_hash` and `hash`, then `partner` (the partner's code, for reading; not
/// covered by the hash). CSV (UTF-8 with BOM, header row; an unquoted empty field is NULL, `""` the
/// empty text) or JSON Lines (one object per line; integers as numbers, NULL as null).
enum AuditExportFormat: String {
    case csv
    case jsonl

    /// The column names, in order.
    static let columns = AuditChainRow.canonicalFieldNames + ["prev_hash", "hash", "partner"]

    /// What goes before the first row.
    var head: [UInt8] {
        switch self {
        case .csv: CSVWriter.byteOrderMark + CSVWriter.row(Self.columns)
        case .jsonl: []
        }
    }

    /// Appends one row.
    func append(
        _ row: AuditChainRow, previousHash: [UInt8], hash: [UInt8], partner: String?, to bytes: inout [UInt8]
    ) {
        switch self {
        case .csv:
            CSVWriter.appendRow(
                row.canonicalFields + [SHA256.hex(previousHash), SHA256.hex(hash), partner], to: &bytes)
        case .jsonl:
            var json = JSONWriter()
            json.object { object in
                object.field("seq", int: row.seq)
                object.field("event_id", int: row.eventID)
                object.field("verification_id", string: row.verificationID)
                object.field("at", string: row.at.rfc3339)
                object.field("key_id", int: row.keyID)
                object.field("partner_id", int: row.partnerID)
                object.field("code_given", string: row.codeGiven)
                object.field("code_type", string: row.codeType)
                object.field("card_number", string: row.cardNumber)
                object.field("member_id", string: row.memberID)
                object.field("member_unit_path", string: row.memberUnitPath)
                object.field("agreement_code", string: row.agreementCode)
                object.field("agreement_unit_path", string: row.agreementUnitPath)
                object.field("outcome", string: row.outcome)
                object.field("reason", string: row.reason)
                object.field("amount_vnd", int: row.amountVND)
                object.field("discount_vnd", int: row.discountVND)
                object.field("reference", string: row.reference)
                object.field("client_addr", string: row.clientAddress)
                object.field("response_sha256", string: row.responseSHA256)
                object.field("prev_hash", string: SHA256.hex(previousHash))
                object.field("hash", string: SHA256.hex(hash))
                object.field("partner", string: partner)
            }
            bytes.append(contentsOf: json.bytes)
            bytes.append(0x0A)
        }
    }
}
