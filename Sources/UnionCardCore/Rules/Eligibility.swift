/// The lookup rules of DESIGN.md ("Lookup outcome" and "Best offer").
public enum Eligibility {
    /// Applies rules 1–7 in order (the first failing rule is the reason), then picks the best
    /// offer among the agreements that pass: the largest discount for `amountVND` (without an
    /// amount: the highest basis points); ties → the deeper signing unit (greater depth); then
    /// the smaller agreement code compared byte-wise (UTF-8). Deterministic: the order of
    /// `partnerAgreements` never matters.
    ///
    /// - Parameters:
    ///   - card: the registry's record for the code, nil when no card matched.
    ///   - partnerAgreements: all agreements of the calling partner (in force or not).
    ///   - today: the local date the lookup happens.
    ///   - amountVND: the purchase amount, when the merchant gave one (0…`Money.maxAmountVND`).
    public static func decide(
        card: CardRecord?, partnerAgreements: [Agreement], today: LocalDate, amountVND: Int64?
    ) -> LookupDecision {
        // 1. The code matches a card.
        guard let card else { return .denied(.unknownCode) }

        // 2. The card is active.
        switch card.status {
        case .active: break
        case .replaced: return .denied(.cardReplaced)
        case .lost: return .denied(.cardLost)
        case .revoked: return .denied(.cardRevoked)
        }

        // 3. The member is active.
        switch card.memberStatus {
        case .active: break
        case .suspended: return .denied(.memberSuspended)
        case .ceased: return .denied(.memberCeased)
        }

        // 4–7. Each rule narrows the candidates left by the previous one.
        let inForce = partnerAgreements.filter { $0.isInForce(on: today) }
        guard !inForce.isEmpty else { return .denied(.noAgreement) }

        let inScope = inForce.filter { $0.covers(unitPath: card.unitPath) }
        guard !inScope.isEmpty else { return .denied(.outOfScope) }

        let kindCovered = inScope.filter { $0.cardKinds.covers(card.kind) }
        guard !kindCovered.isEmpty else { return .denied(.cardKindNotCovered) }

        var candidates = kindCovered
        if let amountVND {
            candidates = kindCovered.filter { amountVND >= $0.minPurchaseVND }
            guard !candidates.isEmpty else { return .denied(.belowMinPurchase) }
        }

        return .eligible(bestOffer(among: candidates, amountVND: amountVND))
    }

    /// The best offer among agreements that all pass the rules (`candidates` not empty).
    private static func bestOffer(among candidates: [Agreement], amountVND: Int64?) -> Offer {
        let offers = candidates.map { agreement in
            Offer(agreement: agreement, discountVND: amountVND.map { agreement.discount(forAmountVND: $0) })
        }
        var best = offers[0]
        for offer in offers.dropFirst() where isBetter(offer, than: best) {
            best = offer
        }
        return best
    }

    /// The total order of offers: larger discount (or basis points), deeper unit, smaller code.
    private static func isBetter(_ lhs: Offer, than rhs: Offer) -> Bool {
        let lhsValue = lhs.discountVND ?? Int64(lhs.agreement.basisPoints)
        let rhsValue = rhs.discountVND ?? Int64(rhs.agreement.basisPoints)
        if lhsValue != rhsValue { return lhsValue > rhsValue }
        let lhsDepth = lhs.agreement.signingUnitPath.depth
        let rhsDepth = rhs.agreement.signingUnitPath.depth
        if lhsDepth != rhsDepth { return lhsDepth > rhsDepth }
        // Byte-wise, like PostgreSQL's "C" collation; String's < would compare by grapheme.
        return lhs.agreement.code.utf8.lexicographicallyPrecedes(rhs.agreement.code.utf8)
    }
}
