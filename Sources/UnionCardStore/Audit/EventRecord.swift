import UnionCardCore

/// One audit event as `GET /v1/events` shows it: the fields DESIGN.md lists, plus the partner's
/// name and the agreement's title, and the chain position once sealed.
public struct EventRecord: Sendable, Equatable {
    /// `audit_events.id`: the order of the listing and the value of its cursor.
    public var id: Int64
    /// The chain position, nil until the sealer reached the event.
    public var seq: Int64?
    /// The verification id the lookup answered with.
    public var verificationID: String
    /// When the event was recorded.
    public var at: UTCTimestamp
    /// The partner's code.
    public var partnerCode: String
    /// The partner's name.
    public var partnerName: String
    /// The code as the terminal sent it.
    public var codeGiven: String
    /// `card` or `vpoint`.
    public var codeType: String
    /// The card found, if any.
    public var cardNumber: String?
    /// The agreement applied, for approvals.
    public var agreementCode: String?
    /// That agreement's title (as it is now).
    public var agreementTitle: String?
    /// `approved` or `denied`.
    public var outcome: String
    /// The denial reason.
    public var reason: String?
    /// The purchase amount given.
    public var amountVND: Int64?
    /// The discount granted.
    public var discountVND: Int64?
    /// The terminal's reference.
    public var reference: String?
    /// The chain hash, nil until sealed.
    public var hash: [UInt8]?

    /// Creates a record.
    public init(
        id: Int64, seq: Int64?, verificationID: String, at: UTCTimestamp, partnerCode: String,
        partnerName: String,
        codeGiven: String, codeType: String, cardNumber: String?, agreementCode: String?,
        agreementTitle: String?,
        outcome: String, reason: String?, amountVND: Int64?, discountVND: Int64?, reference: String?,
        hash: [UInt8]?
    ) {
        self.id = id
        self.seq = seq
        self.verificationID = verificationID
        self.at = at
        self.partnerCode = partnerCode
        self.partnerName = partnerName
        self.codeGiven = codeGiven
        self.codeType = codeType
        self.cardNumber = cardNumber
        self.agreementCode = agreementCode
        self.agreementTitle = agreementTitle
        self.outcome = outcome
        self.reason = reason
        self.amountVND = amountVND
        self.discountVND = discountVND
        self.reference = reference
        self.hash = hash
    }
}
