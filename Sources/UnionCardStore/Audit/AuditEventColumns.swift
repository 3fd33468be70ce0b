import PostgresClient
import UnionCardCore

/// The `audit_events` columns the chain hash covers, as one SELECT list (table alias `e`), and
/// their decoding into an `AuditChainRow`.
enum AuditEventColumns {
    /// Where the response's SHA-256 (field 20 of the chain encoding) is computed.
    enum ResponseDigest {
        /// The response text is fetched and hashed here (`audit verify`, exports: nothing but
        /// the stored bytes is trusted).
        case computedHere
        /// PostgreSQL hashes it (`sha256`, the same digest of the same UTF-8 bytes): the sealer
        /// then fetches 64 hex digits per row instead of the whole answer.
        case computedByDatabase
    }

    /// 19 columns: id, verification_id, at (µs since the epoch), key_id, partner_id, code_given,
    /// code_type, card_number, member_id, member_unit_path, agreement_code, agreement_unit_path,
    /// outcome, reason, amount_vnd, discount_vnd, reference, client_addr, and the response (or
    /// its hex SHA-256).
    static func selectList(_ digest: ResponseDigest = .computedHere) -> String {
        """
        e.id, e.verification_id::text, (extract(epoch FROM e.at) * 1000000)::bigint, e.key_id, e.partner_id,
        e.code_given, e.code_type, e.card_number, e.member_id, e.member_unit_path, e.agreement_code,
        e.agreement_unit_path, e.outcome, e.reason, e.amount_vnd, e.discount_vnd, e.reference, e.client_addr,
        \(digest == .computedHere ? "e.response" : "encode(sha256(convert_to(e.response, 'UTF8')), 'hex')")
        """
    }

    /// How many columns `selectList` has.
    static let count = 19

    /// Decodes the columns starting at `offset` (nil when the event row is missing: id is NULL);
    /// `digest` must be what the SELECT list was made with.
    static func decode(
        _ row: PostgresRow, at offset: Int, seq: Int64, digest: ResponseDigest = .computedHere
    ) throws -> AuditChainRow? {
        guard let eventID = try row.decodeIfPresent(Int64.self, at: offset) else { return nil }
        let response = try row.decode(String.self, at: offset + 18)
        return AuditChainRow(
            seq: seq, eventID: eventID,
            verificationID: try row.decode(String.self, at: offset + 1),
            at: UTCTimestamp(microseconds: try row.decode(Int64.self, at: offset + 2)),
            keyID: try row.decode(Int64.self, at: offset + 3),
            partnerID: try row.decode(Int64.self, at: offset + 4),
            codeGiven: try row.decode(String.self, at: offset + 5),
            codeType: try row.decode(String.self, at: offset + 6),
            cardNumber: try row.decodeIfPresent(String.self, at: offset + 7),
            memberID: try row.decodeIfPresent(String.self, at: offset + 8),
            memberUnitPath: try row.decodeIfPresent(String.self, at: offset + 9),
            agreementCode: try row.decodeIfPresent(String.self, at: offset + 10),
            agreementUnitPath: try row.decodeIfPresent(String.self, at: offset + 11),
            outcome: try row.decode(String.self, at: offset + 12),
            reason: try row.decodeIfPresent(String.self, at: offset + 13),
            amountVND: try row.decodeIfPresent(Int64.self, at: offset + 14),
            discountVND: try row.decodeIfPresent(Int64.self, at: offset + 15),
            reference: try row.decodeIfPresent(String.self, at: offset + 16),
            clientAddress: try row.decode(String.self, at: offset + 17),
            responseSHA256: digest == .computedHere ? AuditChainRow.responseDigest(of: response) : response)
    }
}
