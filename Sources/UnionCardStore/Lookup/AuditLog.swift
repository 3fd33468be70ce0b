import PostgresClient

/// Appends lookup rows to `audit_events` and finds earlier answers for repeated references,
/// a batch at a time: one statement per step, whatever the batch size.
public struct AuditLog: Sendable {
    /// A terminal's idempotency reference, scoped to its key.
    public struct ReferenceKey: Sendable, Hashable, Comparable {
        /// The API key id.
        public var keyID: Int64
        /// The reference text (printable ASCII).
        public var reference: String

        /// Creates a reference key.
        public init(keyID: Int64, reference: String) {
            self.keyID = keyID
            self.reference = reference
        }

        /// Orders by key, then reference (locks are taken in this order, so two batches never deadlock).
        public static func < (lhs: ReferenceKey, rhs: ReferenceKey) -> Bool {
            (lhs.keyID, lhs.reference) < (rhs.keyID, rhs.reference)
        }
    }

    /// An earlier answer to the same key and reference.
    public struct PriorAnswer: Sendable, Equatable {
        /// The code as it was given the first time.
        public var codeGiven: String
        /// The amount given the first time.
        public var amountVND: Int64?
        /// The JSON answer sent the first time.
        public var response: String

        /// Creates a prior answer (a batch records its own first answers this way).
        public init(codeGiven: String, amountVND: Int64?, response: String) {
            self.codeGiven = codeGiven
            self.amountVND = amountVND
            self.response = response
        }
    }

    /// How long a reference makes a retry safe.
    public static let replayWindowHours = 24

    static let insert = PostgresStatement(
        name: "insert_audit_events",
        sql: """
            INSERT INTO audit_events (verification_id, key_id, partner_id, code_given, code_type, card_number,
                member_id, member_unit_path, agreement_code, agreement_unit_path, outcome, reason, amount_vnd,
                discount_vnd, reference, client_addr, response)
            SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[],
                $14::bigint[], $15::text[], $16::text[], $17::text[])
            """)

    // Same-reference requests of one key queue behind a transaction-scoped lock, so two
    // concurrent retries (in two batches or two daemons) cannot both be evaluated.
    static let lockReferences = PostgresStatement(
        name: "lock_references",
        sql: """
            SELECT pg_advisory_xact_lock(hashtextextended(k::text || ':' || r, 7262))
            FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(k, r, n) ORDER BY n
            """)

    static let findPriors = PostgresStatement(
        name: "find_prior_answers",
        sql: """
            SELECT DISTINCT ON (e.key_id, e.reference) e.key_id, e.reference, e.code_given, e.amount_vnd, e.response
            FROM audit_events e JOIN unnest($1::bigint[], $2::text[]) AS t(k, r)
                ON e.key_id = t.k AND e.reference = t.r
            WHERE e.at > now() - make_interval(hours => $3)
            ORDER BY e.key_id, e.reference, e.at
            """)

    /// Creates an audit log.
    public init() {}

    /// Takes the per-(key, reference) locks for the rest of the current transaction, in order.
    public func lockReferences(_ references: [ReferenceKey], on connection: PostgresConnection) throws {
        let sorted = references.sorted()
        _ = try connection.execute(Self.lockReferences, Self.referenceArrays(sorted))
    }

    /// The first answers given to these references within the replay window.
    public func priorAnswers(_ references: [ReferenceKey], on connection: PostgresConnection) throws
        -> [ReferenceKey: PriorAnswer]
    {
        let rows = try connection.execute(
            Self.findPriors, Self.referenceArrays(references) + [String(Self.replayWindowHours)]
        ).rows
        var answers: [ReferenceKey: PriorAnswer] = [:]
        for row in rows {
            let key = ReferenceKey(
                keyID: try row.decode(Int64.self, at: 0), reference: try row.decode(String.self, at: 1))
            answers[key] = PriorAnswer(
                codeGiven: try row.decode(String.self, at: 2),
                amountVND: try row.decodeIfPresent(Int64.self, at: 3),
                response: try row.decode(String.self, at: 4))
        }
        return answers
    }

    /// Appends the rows in one statement; the caller commits before answering.
    public func append(_ records: [AuditRecord], on connection: PostgresConnection) throws {
        guard !records.isEmpty else { return }
        func column(_ value: (AuditRecord) -> String?) -> String? {
            PostgresArrayLiteral.encode(records.map(value))
        }
        _ = try connection.execute(
            Self.insert,
            [
                column { $0.verificationID }, column { String($0.keyID) }, column { String($0.partnerID) },
                column { $0.codeGiven }, column { $0.codeType }, column { $0.cardNumber },
                column { $0.memberID },
                column { $0.memberUnitPath }, column { $0.agreementCode }, column { $0.agreementUnitPath },
                column { $0.outcome }, column { $0.reason }, column { $0.amountVND.map { String($0) } },
                column { $0.discountVND.map { String($0) } }, column { $0.reference },
                column { $0.clientAddress },
                column { $0.response },
            ])
    }

    private static func referenceArrays(_ references: [ReferenceKey]) -> [String?] {
        [
            PostgresArrayLiteral.encode(references.map(\.keyID)),
            PostgresArrayLiteral.encode(references.map { Optional($0.reference) }),
        ]
    }
}
