/// One evaluated lookup, as written to `audit_events`.
public struct AuditRecord: Sendable, Equatable {
    /// The id the answer carries (a UUID).
    public var verificationID: String
    /// The API key that asked.
    public var keyID: Int64
    /// The partner of that key.
    public var partnerID: Int64
    /// The code exactly as the terminal sent it.
    public var codeGiven: String
    /// "card" or "vpoint".
    public var codeType: String
    /// The card found, if any.
    public var cardNumber: String?
    /// Its member, if any.
    public var memberID: String?
    /// The member's union path at lookup time, if a card was found.
    public var memberUnitPath: String?
    /// The agreement applied, for approvals.
    public var agreementCode: String?
    /// The signing union's path of that agreement.
    public var agreementUnitPath: String?
    /// The denial reason code, nil for an approval.
    public var reason: String?
    /// The purchase amount given, if any.
    public var amountVND: Int64?
    /// The discount granted, if computed.
    public var discountVND: Int64?
    /// The terminal's idempotency reference, if any.
    public var reference: String?
    /// The client's IP address.
    public var clientAddress: String
    /// The JSON answer sent to the terminal.
    public var response: String

    /// Creates a record.
    public init(
        verificationID: String, keyID: Int64, partnerID: Int64, codeGiven: String, codeType: String,
        cardNumber: String?, memberID: String?, memberUnitPath: String?, agreementCode: String?,
        agreementUnitPath: String?, reason: String?, amountVND: Int64?,
        discountVND: Int64?, reference: String?, clientAddress: String, response: String
    ) {
        self.verificationID = verificationID
        self.keyID = keyID
        self.partnerID = partnerID
        self.codeGiven = codeGiven
        self.codeType = codeType
        self.cardNumber = cardNumber
        self.memberID = memberID
        self.memberUnitPath = memberUnitPath
        self.agreementCode = agreementCode
        self.agreementUnitPath = agreementUnitPath
        self.reason = reason
        self.amountVND = amountVND
        self.discountVND = discountVND
        self.reference = reference
        self.clientAddress = clientAddress
        self.response = response
    }

    /// "approved" when no reason, else "denied".
    public var outcome: String { reason == nil ? "approved" : "denied" }
}
