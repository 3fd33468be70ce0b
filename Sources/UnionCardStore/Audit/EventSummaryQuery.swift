import PostgresClient
import UnionCardCore

/// Computes `EventSummary` in the database: one GROUP BY over the caller's events.
public struct EventSummaryQuery: Sendable {
    /// The statement per grouping. Only these fixed texts are ever sent; the grouping picks one.
    static func sql(_ grouping: SummaryGrouping) -> String {
        let key: String
        let name: String
        var joins = ""
        switch grouping {
        case .partner:
            (key, name) = ("p.code", "p.name")
        case .agreement:
            (key, name) = ("e.agreement_code", "a.title")
            joins = "LEFT JOIN agreements a ON a.code = e.agreement_code"
        case .union:
            // The member's grassroots union: the last id of the member's union path at lookup time.
            (key, name) = ("u.code", "u.name")
            joins = """
                LEFT JOIN units u ON u.id =
                    nullif(split_part(trim(BOTH '/' FROM coalesce(e.member_unit_path, '')), '/', -1), '')::bigint
                """
        case .day:
            let parameter = "$\(EventQuerySQL.parameterCount + 1)::text"
            (key, name) = ("to_char(e.at AT TIME ZONE \(parameter), 'YYYY-MM-DD')", "NULL::text")
        }
        return """
            SELECT \(key), \(name), e.outcome, e.reason, count(*), coalesce(sum(e.amount_vnd), 0),
                   coalesce(sum(e.discount_vnd), 0)
            FROM audit_events e JOIN partners p ON p.id = e.partner_id
            \(joins)
            WHERE \(EventQuerySQL.conditions(first: 1))
            GROUP BY 1, 2, 3, 4
            ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3, 4
            """
    }

    /// Creates a query.
    public init() {}

    /// The figures of the events matching `filter` within `scope`, grouped; `timeZone` (an IANA
    /// name PostgreSQL knows) decides which local date an event falls on for `.day`.
    public func summarize(
        filter: EventFilter, scope: EventScope, grouping: SummaryGrouping, timeZone: String,
        on connection: PostgresConnection
    ) throws -> EventSummary {
        var parameters = EventQuerySQL.parameters(filter: filter, scope: scope)
        if grouping == .day { parameters.append(timeZone) }
        let rows = try connection.query(Self.sql(grouping), parameters).rows
        var groups: [EventSummary.Group] = []
        var total = EventSummary.Group(key: nil, name: nil)
        for row in rows {
            let key = try row.decodeIfPresent(String.self, at: 0)
            let name = try row.decodeIfPresent(String.self, at: 1)
            if groups.last.map({ $0.key != key || $0.name != name }) ?? true {
                groups.append(EventSummary.Group(key: key, name: name))
            }
            let outcome = try row.decode(String.self, at: 2)
            let reason = try row.decodeIfPresent(String.self, at: 3)
            let count = try row.decode(Int64.self, at: 4)
            let amount = try row.decode(Int64.self, at: 5)
            let discount = try row.decode(Int64.self, at: 6)
            groups[groups.count - 1].add(
                outcome: outcome, reason: reason, count: count, amount: amount, discount: discount)
            total.add(outcome: outcome, reason: reason, count: count, amount: amount, discount: discount)
        }
        return EventSummary(groups: groups, total: total)
    }
}
