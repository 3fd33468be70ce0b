import PostgresClient
import UnionCardCore

/// Pages through the audit events a caller may see, in id order (keyset pagination: each page
/// is one query for ids above the cursor, so a page costs the same at the start and at the end of
/// a million events, and nothing is held between pages).
///
/// The statement is sent unprepared, so the planner sees the actual filter values (a NULL filter
/// drops out of the plan). Every value travels as a `$n` parameter.
public struct EventSearch: Sendable {
    static let sql = """
        SELECT e.id, c.seq, e.verification_id::text, (extract(epoch FROM e.at) * 1000000)::bigint, p.code,
               p.name, e.code_given, e.code_type, e.card_number, e.agreement_code, a.title, e.outcome, e.reason,
               e.amount_vnd, e.discount_vnd, e.reference, c.hash
        FROM audit_events e
            JOIN partners p ON p.id = e.partner_id
            LEFT JOIN agreements a ON a.code = e.agreement_code
            -- The repeated bound lets the chain's index start at the cursor too (without it a merge
            -- join reads the chain from its start on every page).
            LEFT JOIN audit_chain c ON c.event_id = e.id AND c.event_id > $1
        WHERE e.id > $1 AND \(EventQuerySQL.conditions(first: 2))
        ORDER BY e.id
        LIMIT $\(2 + EventQuerySQL.parameterCount)
        """

    /// Creates a search.
    public init() {}

    /// Up to `limit` events with ids above `after`, matching `filter` within `scope`.
    public func page(
        filter: EventFilter, scope: EventScope, after: Int64, limit: Int, on connection: PostgresConnection
    ) throws -> [EventRecord] {
        let parameters =
            [String(after)] + EventQuerySQL.parameters(filter: filter, scope: scope) + [String(limit)]
        return try connection.query(Self.sql, parameters).rows.map { row in
            EventRecord(
                id: try row.decode(Int64.self, at: 0), seq: try row.decodeIfPresent(Int64.self, at: 1),
                verificationID: try row.decode(String.self, at: 2),
                at: UTCTimestamp(microseconds: try row.decode(Int64.self, at: 3)),
                partnerCode: try row.decode(String.self, at: 4),
                partnerName: try row.decode(String.self, at: 5),
                codeGiven: try row.decode(String.self, at: 6), codeType: try row.decode(String.self, at: 7),
                cardNumber: try row.decodeIfPresent(String.self, at: 8),
                agreementCode: try row.decodeIfPresent(String.self, at: 9),
                agreementTitle: try row.decodeIfPresent(String.self, at: 10),
                outcome: try row.decode(String.self, at: 11),
                reason: try row.decodeIfPresent(String.self, at: 12),
                amountVND: try row.decodeIfPresent(Int64.self, at: 13),
                discountVND: try row.decodeIfPresent(Int64.self, at: 14),
                reference: try row.decodeIfPresent(String.self, at: 15),
                hash: try row.decodeIfPresent(String.self, at: 16).map(ByteaText.decode))
        }
    }
}
