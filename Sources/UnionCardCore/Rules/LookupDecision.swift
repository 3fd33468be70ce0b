/// The discount a member gets: the winning agreement and, when an amount was given, the VND off.
public struct Offer: Sendable {
    /// The best agreement for this lookup.
    public var agreement: Agreement
    /// The discount for the given amount (floor, capped); nil when no amount was given.
    public var discountVND: Int64?

    /// Creates an offer.
    public init(agreement: Agreement, discountVND: Int64?) {
        self.agreement = agreement
        self.discountVND = discountVND
    }
}

/// The outcome of evaluating one lookup.
public enum LookupDecision: Sendable {
    /// The member gets `Offer`.
    case eligible(Offer)
    /// The first rule that failed.
    case denied(DenialReason)

    /// The Vietnamese message a cashier reads for the outcome (UTF-8, NFC).
    public static let eligibleMessage = "Thẻ hợp lệ, đoàn viên được hưởng ưu đãi."

    /// Whether the lookup is approved.
    public var isEligible: Bool {
        if case .eligible = self { return true }
        return false
    }

    /// The offer when eligible.
    public var offer: Offer? {
        if case .eligible(let offer) = self { return offer }
        return nil
    }

    /// The reason when denied.
    public var reason: DenialReason? {
        if case .denied(let reason) = self { return reason }
        return nil
    }

    /// The cashier's message: `eligibleMessage`, or the denial reason's message.
    public var message: String {
        switch self {
        case .eligible: Self.eligibleMessage
        case .denied(let reason): reason.message
        }
    }
}
