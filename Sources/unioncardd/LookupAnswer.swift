import UnionCardCore

/// The 200 body of an evaluated lookup, eligible or not (DESIGN.md, "HTTP API").
///
/// Only `display_name` of the member leaves the daemon: never the member id, union or other cards.
enum LookupAnswer {
    /// Writes the JSON answer.
    static func body(
        verificationID: String, code: CardCode, card: CardRecord?, decision: LookupDecision
    ) -> [UInt8] {
        var json = JSONWriter()
        json.object { object in
            object.field("verification_id", string: verificationID)
            switch decision {
            case .eligible(let offer):
                object.field("eligible", bool: true)
                object.field("reason", string: nil)
                object.field("message", string: eligibleMessage(offer))
            case .denied(let reason):
                object.field("eligible", bool: false)
                object.field("reason", string: reason.rawValue)
                object.field("message", string: reason.message)
            }
            object.field("code_type", string: code.codeType)
            object.field("card_kind", string: card?.kind.rawValue)
            object.key("member")
            if let card {
                object.object { member in
                    member.field("display_name", string: NameMasking.displayName(card.memberFullName))
                }
            } else {
                object.null()
            }
            object.key("discount")
            if case .eligible(let offer) = decision {
                object.object { discount in
                    discount.field("agreement", string: offer.agreement.code)
                    discount.field("title", string: offer.agreement.title)
                    discount.field(
                        "percent",
                        numberLiteral: Money.percentLiteral(basisPoints: offer.agreement.basisPoints))
                    discount.field("max_vnd", int: offer.agreement.maxDiscountVND)
                    discount.field("amount_vnd", int: offer.discountVND)
                }
            } else {
                object.null()
            }
        }
        return json.bytes
    }

    /// "Thẻ hợp lệ: giảm 25.000 ₫ (10%)." or, without an amount, "Thẻ hợp lệ: giảm 10% (tối đa 100.000 ₫)."
    static func eligibleMessage(_ offer: Offer) -> String {
        let percent = Money.percentLiteral(basisPoints: offer.agreement.basisPoints).replacingDotWithComma()
        if let discount = offer.discountVND {
            return "Thẻ hợp lệ: giảm \(formatVND(discount)) (\(percent)%)."
        }
        if let cap = offer.agreement.maxDiscountVND {
            return "Thẻ hợp lệ: giảm \(percent)% (tối đa \(formatVND(cap)))."
        }
        return "Thẻ hợp lệ: giảm \(percent)%."
    }

    /// Vietnamese grouping: 1250000 → "1.250.000 ₫".
    static func formatVND(_ amount: Int64) -> String {
        let digits = Array(String(amount))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(".") }
            grouped.append(digit)
        }
        return grouped + " ₫"
    }
}

extension String {
    /// Vietnamese writes decimals with a comma: 12.5 → 12,5.
    fileprivate func replacingDotWithComma() -> String {
        String(map { $0 == "." ? "," : $0 })
    }
}
