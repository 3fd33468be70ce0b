/// Why a lookup was not eligible: the first rule of DESIGN.md's "Lookup outcome" that failed.
///
/// The raw value is the `reason` code in answers and the audit log.
public enum DenialReason: String, Sendable, CaseIterable {
    /// Rule 1: no card has this code.
    case unknownCode = "unknown_code"
    /// Rule 2: the card was exchanged for a newer one.
    case cardReplaced = "card_replaced"
    /// Rule 2: the card was reported lost.
    case cardLost = "card_lost"
    /// Rule 2: the card was revoked.
    case cardRevoked = "card_revoked"
    /// Rule 3: the membership is suspended.
    case memberSuspended = "member_suspended"
    /// Rule 3: the person is no longer a member.
    case memberCeased = "member_ceased"
    /// Rule 4: the partner has no agreement in force today.
    case noAgreement = "no_agreement"
    /// Rule 5: no agreement in force was signed by a union above the member's.
    case outOfScope = "out_of_scope"
    /// Rule 6: no agreement in scope accepts this card kind.
    case cardKindNotCovered = "card_kind_not_covered"
    /// Rule 7: the amount is below every remaining agreement's minimum purchase.
    case belowMinPurchase = "below_min_purchase"

    /// A Vietnamese sentence a cashier can read (UTF-8, NFC, with diacritics).
    public var message: String {
        switch self {
        case .unknownCode: "Không tìm thấy thẻ công đoàn với mã này."
        case .cardReplaced: "Thẻ này đã được đổi sang thẻ mới và không còn hiệu lực."
        case .cardLost: "Thẻ này đã được báo mất và không còn hiệu lực."
        case .cardRevoked: "Thẻ này đã bị thu hồi và không còn hiệu lực."
        case .memberSuspended: "Đoàn viên đang bị tạm dừng sinh hoạt nên không được hưởng ưu đãi."
        case .memberCeased: "Người này không còn là đoàn viên công đoàn nên không được hưởng ưu đãi."
        case .noAgreement: "Cửa hàng hiện không có thỏa thuận ưu đãi nào còn hiệu lực."
        case .outOfScope: "Đoàn viên không thuộc phạm vi áp dụng của thỏa thuận ưu đãi."
        case .cardKindNotCovered: "Loại thẻ này không được áp dụng ưu đãi theo thỏa thuận."
        case .belowMinPurchase: "Giá trị đơn hàng chưa đạt mức tối thiểu để được ưu đãi."
        }
    }
}
