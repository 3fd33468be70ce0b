/// What the registry knows about a scanned card: the card and its holder.
///
/// Only `memberFullName` (masked) and `kind` ever reach a merchant; the rest serves the
/// decision and the audit log.
public struct CardRecord: Sendable {
    /// The 12-digit member barcode.
    public var cardNumber: String
    /// The Vpoint code printed on the card, upper-case, if any.
    public var vpointCode: String?
    /// Regular or linked (ATM) card.
    public var kind: CardKind
    /// The card's lifecycle status.
    public var status: CardStatus
    /// The member id from the member-management software (never shown to merchants).
    public var memberID: String
    /// The member's full name, UTF-8 NFC.
    public var memberFullName: String
    /// The member's standing.
    public var memberStatus: MemberStatus
    /// The path of the member's grassroots union.
    public var unitPath: UnitPath

    /// Creates a record from its fields.
    public init(
        cardNumber: String, vpointCode: String?, kind: CardKind, status: CardStatus,
        memberID: String, memberFullName: String, memberStatus: MemberStatus, unitPath: UnitPath
    ) {
        self.cardNumber = cardNumber
        self.vpointCode = vpointCode
        self.kind = kind
        self.status = status
        self.memberID = memberID
        self.memberFullName = memberFullName
        self.memberStatus = memberStatus
        self.unitPath = unitPath
    }
}
