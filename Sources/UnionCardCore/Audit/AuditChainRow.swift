/// The fields of one sealed audit row that its chain hash covers, in the order of the
/// canonical encoding (`AuditChainEncoding`).
///
/// The values are those of `audit_events` (and the chain position), written as text exactly as
/// the encoding describes: integers in decimal, the time in `UTCTimestamp.rfc3339` form, the
/// answer sent to the terminal as the hex SHA-256 of its UTF-8 bytes.
public struct AuditChainRow: Sendable, Equatable {
    /// Position in the chain, 1, 2, 3, … without gaps.
    public var seq: Int64
    /// `audit_events.id`; strictly increasing along the chain.
    public var eventID: Int64
    /// The verification id (a lower-case UUID) the lookup answered with.
    public var verificationID: String
    /// When the row was written (`audit_events.at`).
    public var at: UTCTimestamp
    /// The API key that asked.
    public var keyID: Int64
    /// The partner of that key.
    public var partnerID: Int64
    /// The code as the terminal sent it.
    public var codeGiven: String
    /// `card` or `vpoint`.
    public var codeType: String
    /// The card found, if any.
    public var cardNumber: String?
    /// Its member, if any.
    public var memberID: String?
    /// The member's union path at lookup time.
    public var memberUnitPath: String?
    /// The agreement applied (approvals).
    public var agreementCode: String?
    /// The signing union's path of that agreement.
    public var agreementUnitPath: String?
    /// `approved` or `denied`.
    public var outcome: String
    /// The denial reason, nil for approvals.
    public var reason: String?
    /// The purchase amount given.
    public var amountVND: Int64?
    /// The discount granted.
    public var discountVND: Int64?
    /// The terminal's idempotency reference.
    public var reference: String?
    /// The client's IP address as text (may be empty, never NULL).
    public var clientAddress: String
    /// Lower-case hex SHA-256 of the JSON answer's UTF-8 bytes (`responseDigest(of:)`).
    public var responseSHA256: String

    /// Creates a row.
    public init(
        seq: Int64, eventID: Int64, verificationID: String, at: UTCTimestamp, keyID: Int64,
        partnerID: Int64, codeGiven: String, codeType: String, cardNumber: String?, memberID: String?,
        memberUnitPath: String?, agreementCode: String?, agreementUnitPath: String?, outcome: String,
        reason: String?, amountVND: Int64?, discountVND: Int64?, reference: String?,
        clientAddress: String, responseSHA256: String
    ) {
        self.seq = seq
        self.eventID = eventID
        self.verificationID = verificationID
        self.at = at
        self.keyID = keyID
        self.partnerID = partnerID
        self.codeGiven = codeGiven
        self.codeType = codeType
        self.cardNumber = cardNumber
        self.memberID = memberID
        self.memberUnitPath = memberUnitPath
        self.agreementCode = agreementCode
        self.agreementUnitPath = agreementUnitPath
        self.outcome = outcome
        self.reason = reason
        self.amountVND = amountVND
        self.discountVND = discountVND
        self.reference = reference
        self.clientAddress = clientAddress
        self.responseSHA256 = responseSHA256
    }

    /// The lower-case hex SHA-256 of `response`'s UTF-8 bytes, as the chain stores it.
    public static func responseDigest(of response: String) -> String {
        SHA256.hexDigest(utf8: response)
    }

    /// The encoded fields in encoding order (after the format tag), each nil for SQL NULL.
    public var canonicalFields: [String?] {
        [
            String(seq), String(eventID), verificationID, at.rfc3339, String(keyID), String(partnerID),
            codeGiven, codeType, cardNumber, memberID, memberUnitPath, agreementCode, agreementUnitPath,
            outcome, reason, amountVND.map { String($0) }, discountVND.map { String($0) }, reference,
            clientAddress, responseSHA256,
        ]
    }

    /// The names of `canonicalFields`, as export headers and the README use them.
    public static let canonicalFieldNames = [
        "seq", "event_id", "verification_id", "at", "key_id", "partner_id", "code_given", "code_type",
        "card_number", "member_id", "member_unit_path", "agreement_code", "agreement_unit_path", "outcome",
        "reason", "amount_vnd", "discount_vnd", "reference", "client_addr", "response_sha256",
    ]
}
