import UnionCardCore

/// The WHERE conditions shared by the event listing and the summary: scope first, then filters.
///
/// The text is fixed; only the placeholder numbers depend on where the caller's own parameters
/// end. Aliases: `e` audit_events, `p` partners.
enum EventQuerySQL {
    /// How many parameters `conditions` uses.
    static let parameterCount = 8

    /// The conditions, numbering placeholders from `$first`.
    static func conditions(first: Int) -> String {
        let n = (0..<parameterCount).map { "$\(first + $0)" }
        return """
            (\(n[0])::bigint IS NULL OR e.partner_id = \(n[0])::bigint)
            AND (\(n[1])::text IS NULL OR starts_with(e.member_unit_path, \(n[1])::text)
                 OR starts_with(e.agreement_unit_path, \(n[1])::text))
            AND (\(n[2])::timestamptz IS NULL OR e.at >= \(n[2])::timestamptz)
            AND (\(n[3])::timestamptz IS NULL OR e.at < \(n[3])::timestamptz)
            AND (\(n[4])::text IS NULL OR p.code = \(n[4])::text)
            AND (\(n[5])::text IS NULL OR e.outcome = \(n[5])::text)
            AND (\(n[6])::text IS NULL OR e.reason = \(n[6])::text)
            AND (\(n[7])::text IS NULL OR e.card_number = \(n[7])::text
                 OR upper(replace(replace(e.code_given, ' ', ''), '-', '')) = \(n[7])::text)
            """
    }

    /// The values for `conditions`, in order.
    static func parameters(filter: EventFilter, scope: EventScope) -> [String?] {
        scope.parameters + [
            filter.from?.rfc3339, filter.to?.rfc3339, filter.partner, filter.outcome, filter.reason?.rawValue,
            filter.code?.value,
        ]
    }
}
