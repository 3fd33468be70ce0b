import PostgresClient

/// Appends lookup rows to `audit_events` and finds earlier answers for a repeated reference.
public struct AuditLog: Sendable {
    /// An earlier answer to the same key and reference.
    public struct PriorAnswer: Sendable, Equatable {
        /// The code as it was given the first time.
        public var codeGiven: String
        /// The amount given the first time.
        public var amountVND: Int64?
        /// The JSON answer sent the first time.
        public var response: String
    }

    /// How long a reference makes a retry safe.
    public static let replayWindowHours = 24

    static let insert = PostgresStatement(
        name: "insert_audit_event",
        sql: """
            INSERT INTO audit_events (verification_id, key_id, partner_id, code_given, code_type, card_number,
                member_id, member_unit_path, agreement_code, agreement_unit_path, outcome, reason, amount_vnd,
                discount_vnd, reference, client_addr, response)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """)

    // Same-reference requests of one key queue behind one transaction-scoped lock, so two
    // concurrent retries cannot both be evaluated.
    static let lockReference = PostgresStatement(
        name: "lock_reference",
        sql: "SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2, 7262))")

    static let findPrior = PostgresStatement(
        name: "find_prior_answer",
        sql: """
            SELECT code_given, amount_vnd, response FROM audit_events
            WHERE key_id = $1 AND reference = $2 AND at > now() - make_interval(hours => $3)
            ORDER BY at LIMIT 1
            """)

    /// Creates an audit log.
    public init() {}

    /// Takes the per-(key, reference) lock for the rest of the current transaction.
    public func lockReference(keyID: Int64, reference: String, on connection: PostgresConnection) throws {
        _ = try connection.execute(Self.lockReference, [String(keyID), reference])
    }

    /// The first answer given to this key and reference within the replay window, if any.
    public func priorAnswer(keyID: Int64, reference: String, on connection: PostgresConnection) throws
        -> PriorAnswer?
    {
        let rows = try connection.execute(
            Self.findPrior, [String(keyID), reference, String(Self.replayWindowHours)]
        ).rows
        guard let row = rows.first else { return nil }
        return PriorAnswer(
            codeGiven: try row.decode(String.self, at: 0),
            amountVND: try row.decodeIfPresent(Int64.self, at: 1),
            response: try row.decode(String.self, at: 2))
    }

    /// Appends one row; the caller commits before answering.
    public func append(_ record: AuditRecord, on connection: PostgresConnection) throws {
        _ = try connection.execute(
            Self.insert,
            [
                record.verificationID, String(record.keyID), String(record.partnerID), record.codeGiven,
                record.codeType, record.cardNumber, record.memberID, record.memberUnitPath,
                record.agreementCode,
                record.agreementUnitPath, record.outcome,
                record.reason, record.amountVND.map { String($0) }, record.discountVND.map { String($0) },
                record.reference, record.clientAddress, record.response,
            ])
    }
}
