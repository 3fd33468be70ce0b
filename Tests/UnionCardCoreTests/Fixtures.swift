import UnionCardCore

/// Builders for test data; every unspecified field takes a value that passes all rules.
enum Fixtures {
    /// Confederation 1 → Hà Nội federation 7 → upper union 42 → grassroots 420;
    /// Hồ Chí Minh federation 8 → grassroots 800.
    static let national = path("/1/")
    static let hanoi = path("/1/7/")
    static let hanoiUpper = path("/1/7/42/")
    static let hanoiGrassroots = path("/1/7/42/420/")
    static let hcmc = path("/1/8/")
    static let hcmcGrassroots = path("/1/8/800/")

    static let today = date("2025-06-15")

    static func path(_ raw: String) -> UnitPath {
        guard let path = UnitPath(rawValue: raw) else { fatalError("bad test path \(raw)") }
        return path
    }

    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
        return date
    }

    static func card(
        kind: CardKind = .regular, status: CardStatus = .active, memberStatus: MemberStatus = .active,
        unit: UnitPath = hanoiGrassroots
    ) -> CardRecord {
        CardRecord(
            cardNumber: "012345678901", vpointCode: "VP12345678", kind: kind, status: status,
            memberID: "M-0001", memberFullName: "Nguyễn Văn An", memberStatus: memberStatus, unitPath: unit)
    }

    static func agreement(
        _ code: String = "A-001", unit: UnitPath = national, bp: Int = 1000, cap: Int64? = nil,
        minPurchase: Int64 = 0, kinds: CardKindCoverage = .any,
        from: String = "2025-01-01", to: String = "2025-12-31"
    ) -> Agreement {
        Agreement(
            code: code, title: "Ưu đãi \(code)", signingUnitPath: unit, basisPoints: bp, maxDiscountVND: cap,
            minPurchaseVND: minPurchase, cardKinds: kinds, validFrom: date(from), validTo: date(to))
    }

    /// Decides with `Fixtures.today`.
    static func decide(_ card: CardRecord?, _ agreements: [Agreement], amount: Int64? = nil) -> LookupDecision
    {
        Eligibility.decide(card: card, partnerAgreements: agreements, today: today, amountVND: amount)
    }
}
