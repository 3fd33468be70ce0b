/// A cooperation agreement a partner signed with a union (the confederation or a provincial
/// federation): a discount for members in that union's subtree.
public struct Agreement: Sendable {
    /// The agreement's unique code, e.g. `"A-QT-001"`.
    public var code: String
    /// A human title.
    public var title: String
    /// The path of the union that signed it; it covers members in this subtree.
    public var signingUnitPath: UnitPath
    /// The discount in basis points: percent × 100 (10% = 1000, 12.5% = 1250), 0…10000.
    public var basisPoints: Int
    /// The largest discount per purchase in VND; nil = no cap.
    public var maxDiscountVND: Int64?
    /// The smallest purchase that qualifies, in VND; 0 = none.
    public var minPurchaseVND: Int64
    /// The card kinds accepted.
    public var cardKinds: CardKindCoverage
    /// First day in force (inclusive, local date).
    public var validFrom: LocalDate
    /// Last day in force (inclusive, local date).
    public var validTo: LocalDate

    /// Creates an agreement from its fields.
    public init(
        code: String, title: String, signingUnitPath: UnitPath, basisPoints: Int,
        maxDiscountVND: Int64?, minPurchaseVND: Int64, cardKinds: CardKindCoverage,
        validFrom: LocalDate, validTo: LocalDate
    ) {
        self.code = code
        self.title = title
        self.signingUnitPath = signingUnitPath
        self.basisPoints = basisPoints
        self.maxDiscountVND = maxDiscountVND
        self.minPurchaseVND = minPurchaseVND
        self.cardKinds = cardKinds
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// Whether `day` lies within `validFrom…validTo`, both ends included.
    public func isInForce(on day: LocalDate) -> Bool {
        validFrom <= day && day <= validTo
    }

    /// Whether a member of the union at `unitPath` lies in the signing union's subtree.
    public func covers(unitPath: UnitPath) -> Bool {
        signingUnitPath.contains(unitPath)
    }

    /// The discount this agreement grants on a purchase of `amountVND` (floor, capped).
    public func discount(forAmountVND amountVND: Int64) -> Int64 {
        Money.discount(amountVND: amountVND, basisPoints: basisPoints, capVND: maxDiscountVND)
    }
}
