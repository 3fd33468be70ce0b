import UnionCardCore
import UnionCardStore

/// The JSON and CSV forms of audit events (DESIGN.md, `GET /v1/events`).
///
/// Both carry the same fields in the same order: `verification_id, seq, at, partner,
/// partner_name, code, code_type, card_number, agreement, agreement_title, outcome, reason,
/// amount_vnd, discount_vnd, reference, hash`. `seq` and `hash` are null (empty in CSV) until the
/// sealer has chained the event.
enum EventAnswers {
    /// The CSV header row's names.
    static let fieldNames = [
        "verification_id", "seq", "at", "partner", "partner_name", "code", "code_type", "card_number",
        "agreement", "agreement_title", "outcome", "reason", "amount_vnd", "discount_vnd", "reference",
        "hash",
    ]

    /// `{"events": […], "next": "<cursor>" | null}`.
    static func page(_ events: [EventRecord], next: Int64?) -> [UInt8] {
        var json = JSONWriter()
        json.object { object in
            object.key("events")
            object.array { array in
                for event in events { write(event, to: &array) }
            }
            object.field("next", string: next.map { String($0) })
        }
        return json.bytes
    }

    /// One event as a JSON object.
    static func write(_ event: EventRecord, to json: inout JSONWriter) {
        json.object { object in
            object.field("verification_id", string: event.verificationID)
            object.field("seq", int: event.seq)
            object.field("at", string: event.at.rfc3339)
            object.field("partner", string: event.partnerCode)
            object.field("partner_name", string: event.partnerName)
            object.field("code", string: event.codeGiven)
            object.field("code_type", string: event.codeType)
            object.field("card_number", string: event.cardNumber)
            object.field("agreement", string: event.agreementCode)
            object.field("agreement_title", string: event.agreementTitle)
            object.field("outcome", string: event.outcome)
            object.field("reason", string: event.reason)
            object.field("amount_vnd", int: event.amountVND)
            object.field("discount_vnd", int: event.discountVND)
            object.field("reference", string: event.reference)
            object.field("hash", string: event.hash.map(SHA256.hex))
        }
    }

    /// The byte order mark and the header row.
    static func csvHead() -> [UInt8] {
        CSVWriter.byteOrderMark + CSVWriter.row(fieldNames)
    }

    /// Appends one event as a CSV row.
    static func appendCSV(_ event: EventRecord, to bytes: inout [UInt8]) {
        CSVWriter.appendRow(
            [
                event.verificationID, event.seq.map { String($0) }, event.at.rfc3339, event.partnerCode,
                event.partnerName, event.codeGiven, event.codeType, event.cardNumber, event.agreementCode,
                event.agreementTitle, event.outcome, event.reason, event.amountVND.map { String($0) },
                event.discountVND.map { String($0) }, event.reference, event.hash.map(SHA256.hex),
            ], to: &bytes)
    }

    /// `GET /v1/events/summary`'s body.
    static func summary(_ summary: EventSummary, request: SummaryRequest) -> [UInt8] {
        var json = JSONWriter()
        json.object { object in
            object.field("group", string: request.group.rawValue)
            object.field("from", string: request.filter.from?.rfc3339)
            object.field("to", string: request.filter.to?.rfc3339)
            object.key("groups")
            object.array { array in
                for group in summary.groups { write(group, to: &array) }
            }
            object.key("total")
            write(summary.total, to: &object, withKey: false)
        }
        return json.bytes
    }

    private static func write(_ group: EventSummary.Group, to json: inout JSONWriter, withKey: Bool = true) {
        json.object { object in
            if withKey {
                object.field("key", string: group.key)
                object.field("name", string: group.name)
            }
            object.field("approved", int: group.approved)
            object.field("denied", int: group.denied)
            object.key("denials")
            object.object { denials in
                for reason in group.denials.keys.sorted() {
                    denials.field(reason, int: group.denials[reason])
                }
            }
            object.field("amount_vnd", int: group.amountVND)
            object.field("denied_amount_vnd", int: group.deniedAmountVND)
            object.field("discount_vnd", int: group.discountVND)
        }
    }
}
