import Foundation
import Testing
import UnionCardCore

@Suite("DenialReason")
struct DenialReasonTests {
    @Test func rawValuesAreTheDocumentedCodes() {
        #expect(
            DenialReason.allCases.map(\.rawValue) == [
                "unknown_code", "card_replaced", "card_lost", "card_revoked", "member_suspended",
                "member_ceased",
                "no_agreement", "out_of_scope", "card_kind_not_covered", "below_min_purchase",
            ])
    }

    @Test("messages are Vietnamese NFC sentences", arguments: DenialReason.allCases)
    func message(reason: DenialReason) {
        let message = reason.message
        #expect(Array(message.utf8) == Array(message.precomposedStringWithCanonicalMapping.utf8))
        #expect(message.unicodeScalars.contains { $0.value > 0x7F })  // has diacritics
        #expect(message.hasSuffix("."))
    }

    @Test func messagesAreDistinct() {
        let messages = DenialReason.allCases.map(\.message) + [LookupDecision.eligibleMessage]
        #expect(Set(messages).count == messages.count)
    }
}
