import Testing
import UnionCardCore

@Suite("Eligibility: rules 1–7 in order")
struct EligibilityRuleTests {
    typealias F = Fixtures

    @Test func unknownCode() {
        #expect(F.decide(nil, [F.agreement()]).reason == .unknownCode)
        #expect(F.decide(nil, []).reason == .unknownCode)
    }

    @Test(
        "card status",
        arguments: [
            (CardStatus.replaced, DenialReason.cardReplaced), (.lost, .cardLost), (.revoked, .cardRevoked),
        ])
    func cardStatus(status: CardStatus, reason: DenialReason) {
        #expect(F.decide(F.card(status: status), [F.agreement()]).reason == reason)
    }

    @Test(
        "member status",
        arguments: [(MemberStatus.suspended, DenialReason.memberSuspended), (.ceased, .memberCeased)])
    func memberStatus(status: MemberStatus, reason: DenialReason) {
        #expect(F.decide(F.card(memberStatus: status), [F.agreement()]).reason == reason)
    }

    @Test func cardStatusComesBeforeMemberStatus() {
        let card = F.card(status: .replaced, memberStatus: .ceased)
        #expect(F.decide(card, [F.agreement()]).reason == .cardReplaced)
    }

    @Test func memberStatusComesBeforeAgreements() {
        #expect(F.decide(F.card(memberStatus: .suspended), []).reason == .memberSuspended)
    }

    @Test func noAgreementAtAll() {
        #expect(F.decide(F.card(), []).reason == .noAgreement)
    }

    @Test func onlyExpiredOrFutureAgreements() {
        let expired = F.agreement("OLD", from: "2024-01-01", to: "2025-06-14")
        let future = F.agreement("NEW", from: "2025-06-16", to: "2026-06-16")
        #expect(F.decide(F.card(), [expired, future]).reason == .noAgreement)
    }

    @Test(
        "validity bounds are inclusive",
        arguments: [("2025-06-15", "2025-12-31"), ("2025-01-01", "2025-06-15")])
    func inclusiveBounds(from: String, to: String) {
        #expect(F.decide(F.card(), [F.agreement(from: from, to: to)]).isEligible)
    }

    @Test func singleDayAgreement() {
        let agreement = F.agreement(from: "2025-06-15", to: "2025-06-15")
        #expect(agreement.isInForce(on: F.date("2025-06-15")))
        #expect(!agreement.isInForce(on: F.date("2025-06-14")))
        #expect(!agreement.isInForce(on: F.date("2025-06-16")))
    }

    @Test func provincialAgreementDoesNotCoverAnotherProvince() {
        let hanoiDeal = F.agreement(unit: F.hanoi)
        #expect(F.decide(F.card(unit: F.hcmcGrassroots), [hanoiDeal]).reason == .outOfScope)
        #expect(F.decide(F.card(unit: F.hanoiGrassroots), [hanoiDeal]).isEligible)
    }

    @Test func nationalAgreementCoversEveryProvince() {
        let national = F.agreement(unit: F.national)
        #expect(F.decide(F.card(unit: F.hcmcGrassroots), [national]).isEligible)
        #expect(F.decide(F.card(unit: F.hanoiGrassroots), [national]).isEligible)
    }

    @Test func expiredAgreementInScopeDoesNotTurnOutOfScopeIntoEligible() {
        let expiredHCMC = F.agreement("OLD", unit: F.hcmc, to: "2025-06-14")
        let hanoiDeal = F.agreement("HN", unit: F.hanoi)
        #expect(F.decide(F.card(unit: F.hcmcGrassroots), [expiredHCMC, hanoiDeal]).reason == .outOfScope)
    }

    @Test(
        "card kind coverage",
        arguments: [
            (CardKindCoverage.any, CardKind.regular, true), (.any, .linked, true),
            (.regular, .regular, true), (.regular, .linked, false),
            (.linked, .linked, true), (.linked, .regular, false),
        ])
    func cardKind(coverage: CardKindCoverage, kind: CardKind, eligible: Bool) {
        #expect(coverage.covers(kind) == eligible)
        let decision = F.decide(F.card(kind: kind), [F.agreement(kinds: coverage)])
        #expect(decision.isEligible == eligible)
        if !eligible { #expect(decision.reason == .cardKindNotCovered) }
    }

    @Test func scopeComesBeforeCardKind() {
        // In scope but wrong kind, plus right kind but out of scope → card_kind_not_covered.
        let wrongKind = F.agreement("A", unit: F.hanoi, kinds: .linked)
        let otherProvince = F.agreement("B", unit: F.hcmc, kinds: .regular)
        #expect(F.decide(F.card(kind: .regular), [wrongKind, otherProvince]).reason == .cardKindNotCovered)
        #expect(F.decide(F.card(kind: .regular), [otherProvince]).reason == .outOfScope)
    }

    @Test func minimumPurchaseOnlyWithAnAmount() {
        let agreement = F.agreement(minPurchase: 500_000)
        #expect(F.decide(F.card(), [agreement], amount: 499_999).reason == .belowMinPurchase)
        #expect(F.decide(F.card(), [agreement], amount: 500_000).offer?.discountVND == 50_000)
        let withoutAmount = F.decide(F.card(), [agreement])
        #expect(withoutAmount.isEligible)
        #expect(withoutAmount.offer?.discountVND == nil)
    }

    @Test func belowMinimumOfOneButNotAnother() {
        let big = F.agreement("BIG", bp: 2000, minPurchase: 1_000_000)
        let small = F.agreement("SMALL", bp: 500)
        let decision = F.decide(F.card(), [big, small], amount: 200_000)
        #expect(decision.offer?.agreement.code == "SMALL")
        #expect(decision.offer?.discountVND == 10_000)
        #expect(F.decide(F.card(), [big, small], amount: 1_000_000).offer?.agreement.code == "BIG")
    }

    @Test func cardKindComesBeforeMinimumPurchase() {
        let agreement = F.agreement(minPurchase: 1_000_000, kinds: .linked)
        #expect(F.decide(F.card(kind: .regular), [agreement], amount: 1).reason == .cardKindNotCovered)
    }

    @Test func amountZeroIsAnAmount() {
        #expect(F.decide(F.card(), [F.agreement(minPurchase: 1)], amount: 0).reason == .belowMinPurchase)
        #expect(F.decide(F.card(), [F.agreement()], amount: 0).offer?.discountVND == 0)
    }

    @Test func everyReasonIsReachable() {
        var seen = Set<DenialReason>()
        let cases: [(CardRecord?, [Agreement], Int64?)] = [
            (nil, [], nil),
            (F.card(status: .replaced), [], nil), (F.card(status: .lost), [], nil),
            (F.card(status: .revoked), [], nil),
            (F.card(memberStatus: .suspended), [], nil), (F.card(memberStatus: .ceased), [], nil),
            (F.card(), [], nil),
            (F.card(unit: F.hcmcGrassroots), [F.agreement(unit: F.hanoi)], nil),
            (F.card(kind: .linked), [F.agreement(kinds: .regular)], nil),
            (F.card(), [F.agreement(minPurchase: 10)], 9),
        ]
        for (card, agreements, amount) in cases {
            if let reason = F.decide(card, agreements, amount: amount).reason { seen.insert(reason) }
        }
        #expect(seen == Set(DenialReason.allCases))
    }
}

@Suite("Eligibility: best offer")
struct BestOfferTests {
    typealias F = Fixtures

    @Test func largestDiscountWins() {
        let ten = F.agreement("TEN", bp: 1000)
        let fifteen = F.agreement("FIFTEEN", bp: 1500)
        let decision = F.decide(F.card(), [ten, fifteen], amount: 200_000)
        #expect(decision.offer?.agreement.code == "FIFTEEN")
        #expect(decision.offer?.discountVND == 30_000)
    }

    @Test func capChangesTheWinner() {
        // 20% capped at 50,000 vs 10% uncapped: the cap decides once the amount is large.
        let capped = F.agreement("CAPPED", bp: 2000, cap: 50_000)
        let plain = F.agreement("PLAIN", bp: 1000)
        let small = F.decide(F.card(), [capped, plain], amount: 200_000)
        #expect(small.offer?.agreement.code == "CAPPED")
        #expect(small.offer?.discountVND == 40_000)
        let large = F.decide(F.card(), [capped, plain], amount: 1_000_000)
        #expect(large.offer?.agreement.code == "PLAIN")
        #expect(large.offer?.discountVND == 100_000)
    }

    @Test func withoutAmountHighestPercentWinsEvenIfCapped() {
        let capped = F.agreement("CAPPED", bp: 2000, cap: 1)
        let plain = F.agreement("PLAIN", bp: 1000)
        let decision = F.decide(F.card(), [plain, capped])
        #expect(decision.offer?.agreement.code == "CAPPED")
        #expect(decision.offer?.discountVND == nil)
    }

    @Test func equalDiscountDeeperUnitWins() {
        let national = F.agreement("A-NATIONAL", unit: F.national, bp: 1000)
        let provincial = F.agreement("Z-PROVINCIAL", unit: F.hanoi, bp: 1000)
        #expect(
            F.decide(F.card(), [national, provincial], amount: 100_000).offer?.agreement.code
                == "Z-PROVINCIAL")
        #expect(F.decide(F.card(), [provincial, national]).offer?.agreement.code == "Z-PROVINCIAL")
    }

    @Test func equalDiscountByCapsDeeperUnitWins() {
        // Different percents, same capped discount for this amount → it is a tie on discount.
        let national = F.agreement("A", unit: F.national, bp: 3000, cap: 20_000)
        let provincial = F.agreement("B", unit: F.hanoi, bp: 2000, cap: 20_000)
        #expect(F.decide(F.card(), [national, provincial], amount: 500_000).offer?.agreement.code == "B")
        // Without an amount the percent decides.
        #expect(F.decide(F.card(), [national, provincial]).offer?.agreement.code == "A")
    }

    @Test func fullTieSmallerCodeWinsByteWise() {
        let codes = ["A-QT-010", "A-QT-002", "a-QT-001", "A-QT-001"]
        let agreements = codes.map { F.agreement($0) }
        // Byte-wise "A-QT-001" < "A-QT-002" < "A-QT-010" < "a-QT-001" (upper case sorts first).
        #expect(F.decide(F.card(), agreements, amount: 100_000).offer?.agreement.code == "A-QT-001")
        #expect(F.decide(F.card(), agreements.reversed()).offer?.agreement.code == "A-QT-001")
    }

    @Test func byteWiseNotUnicodeOrder() {
        // Precomposed "É" (C3 89) sorts after "E\u{301}" (45 CC 81) byte-wise, though they are
        // canonically equivalent for String comparison.
        let precomposed = F.agreement("\u{C9}")
        let decomposed = F.agreement("E\u{301}")
        #expect(F.decide(F.card(), [precomposed, decomposed]).offer?.agreement.code.utf8.first == 0x45)
        #expect(F.decide(F.card(), [decomposed, precomposed]).offer?.agreement.code.utf8.first == 0x45)
    }

    @Test func orderOfAgreementsNeverMatters() {
        let agreements = [
            F.agreement("N1", unit: F.national, bp: 1500, cap: 30_000),
            F.agreement("P1", unit: F.hanoi, bp: 1000),
            F.agreement("U1", unit: F.hanoiUpper, bp: 1200, minPurchase: 300_000),
            F.agreement("X1", unit: F.hcmc, bp: 5000),
            F.agreement("P2", unit: F.hanoi, bp: 1000),
        ]
        for amount: Int64? in [nil, 0, 100_000, 250_000, 300_000, 2_000_000] {
            let expected = F.decide(F.card(), agreements, amount: amount).offer?.agreement.code
            for rotation in 1..<agreements.count {
                let rotated = Array(agreements[rotation...] + agreements[..<rotation])
                #expect(F.decide(F.card(), rotated, amount: amount).offer?.agreement.code == expected)
                #expect(
                    F.decide(F.card(), rotated.reversed(), amount: amount).offer?.agreement.code == expected)
            }
        }
        // Spot checks of the expected winners: without an amount the highest percent; at 300,000
        // U1 (36,000); at 250,000 N1 (30,000 capped; U1 needs 300,000); at 2,000,000 U1 (240,000);
        // at 0 every discount is 0, so the deepest union (Hà Nội) and then the smaller code.
        let winners: [(Int64?, String)] = [
            (nil, "N1"), (300_000, "U1"), (250_000, "N1"), (2_000_000, "U1"), (0, "P1"),
        ]
        for (amount, code) in winners {
            #expect(F.decide(F.card(), agreements, amount: amount).offer?.agreement.code == code)
        }
    }

    @Test func messages() {
        let eligible = F.decide(F.card(), [F.agreement()])
        #expect(eligible.message == LookupDecision.eligibleMessage)
        #expect(F.decide(nil, []).message == DenialReason.unknownCode.message)
    }
}
