/// Validates the query parameters of `GET /v1/events` and `GET /v1/events/summary`.
///
/// Rules, the first failure reported (naming its parameter):
/// - only the endpoint's parameters are accepted, each at most once; an empty value means absent;
/// - `from` / `to`: a date `YYYY-MM-DD` (a local day in the daemon's time zone: `from` starts at
///   its midnight, `to` includes the whole day) or an RFC 3339 date-time (`from` inclusive, `to`
///   exclusive); `from` must not be after `to`;
/// - `partner`: a partner code, 1–64 characters; `outcome`: `approved` | `denied`; `reason`: a
///   denial reason code; `code`: a card barcode or Vpoint code, normalised as for a lookup;
/// - `limit`: 1…1000 (JSON default 100; CSV without it streams every match);
/// - `after`: the cursor, an event id as returned in `next`;
/// - `format`: `json` | `csv` (default: `csv` when the client asked for it with `Accept`);
/// - `group` (summary): `partner` | `agreement` | `union` | `day` (default `partner`).
public enum EventQueryParser {
    /// The largest `limit`.
    public static let maxLimit = 1000
    /// The JSON page size without `limit`.
    public static let defaultLimit = 100

    private static let eventNames: [String] = [
        "from", "to", "partner", "outcome", "reason", "code", "limit", "after", "format",
    ]
    private static let summaryNames: [String] = ["from", "to", "partner", "group"]

    /// Parses `GET /v1/events`. `utcOffset` gives the time zone's offset (seconds east of UTC)
    /// at the start of a local date; `defaultFormat` applies when `format` is absent.
    public static func events(
        _ queryItems: [(name: String, value: String)], defaultFormat: EventFormat,
        utcOffset: (LocalDate) -> Int
    ) -> Result<EventPageRequest, ParameterError> {
        do throws(ParameterError) {
            let values = try collect(queryItems, allowed: eventNames)
            let filter = try parseFilter(values, utcOffset: utcOffset)
            var format = defaultFormat
            if let text = values["format"] {
                guard let parsed = EventFormat(rawValue: text) else {
                    throw ParameterError(parameter: "format", message: "format must be json or csv.")
                }
                format = parsed
            }
            var limit: Int? = format == .json ? defaultLimit : nil
            if let text = values["limit"] {
                guard let value = digits(text, maximumCount: 4).flatMap({ Int(exactly: $0) }),
                    (1...maxLimit).contains(value)
                else {
                    throw ParameterError(
                        parameter: "limit", message: "limit must be a whole number from 1 to \(maxLimit).")
                }
                limit = value
            }
            var after: Int64 = 0
            if let text = values["after"] {
                guard let value = digits(text, maximumCount: 19) else {
                    throw ParameterError(
                        parameter: "after",
                        message: "after must be a cursor returned as \"next\" by this endpoint.")
                }
                after = value
            }
            return .success(EventPageRequest(filter: filter, limit: limit, after: after, format: format))
        } catch {
            return .failure(error)
        }
    }

    /// Parses `GET /v1/events/summary` (see `events` for `utcOffset`).
    public static func summary(
        _ queryItems: [(name: String, value: String)], utcOffset: (LocalDate) -> Int
    ) -> Result<SummaryRequest, ParameterError> {
        do throws(ParameterError) {
            let values = try collect(queryItems, allowed: summaryNames)
            let filter = try parseFilter(values, utcOffset: utcOffset)
            var group = SummaryGrouping.partner
            if let text = values["group"] {
                guard let parsed = SummaryGrouping(rawValue: text) else {
                    throw ParameterError(
                        parameter: "group", message: "group must be partner, agreement, union or day.")
                }
                group = parsed
            }
            return .success(SummaryRequest(filter: filter, group: group))
        } catch {
            return .failure(error)
        }
    }

    /// Names checked, duplicates refused, empty values dropped.
    private static func collect(
        _ queryItems: [(name: String, value: String)], allowed: [String]
    ) throws(ParameterError) -> [String: String] {
        var values: [String: String] = [:]
        var seen: Set<String> = []
        for item in queryItems {
            guard allowed.contains(item.name) else {
                // The name is client input: keep it short in the answer.
                let shown =
                    item.name.unicodeScalars.count > 40
                    ? String(item.name.unicodeScalars.prefix(40)) + "…" : item.name
                throw ParameterError(
                    parameter: shown,
                    message: "Unknown parameter \"\(shown)\"; the allowed parameters are "
                        + allowed.joined(separator: ", ") + ".")
            }
            guard seen.insert(item.name).inserted else {
                throw ParameterError(parameter: item.name, message: "\(item.name) is given more than once.")
            }
            if !item.value.isEmpty { values[item.name] = item.value }
        }
        return values
    }

    private static func parseFilter(
        _ values: [String: String], utcOffset: (LocalDate) -> Int
    ) throws(ParameterError) -> EventFilter {
        var filter = EventFilter()
        if let text = values["from"] {
            filter.from = try bound(text, name: "from", endOfDay: false, utcOffset: utcOffset)
        }
        if let text = values["to"] {
            filter.to = try bound(text, name: "to", endOfDay: true, utcOffset: utcOffset)
        }
        // A date as `to` is exclusive of the next midnight: from=2026-02-01&to=2026-01-31 is reversed.
        let toIsDate = values["to"].map { LocalDate(iso: $0) != nil } ?? false
        if let from = filter.from, let to = filter.to, from > to || (toIsDate && from == to) {
            throw ParameterError(parameter: "from", message: "from must not be after to.")
        }
        if let text = values["partner"] {
            guard text.unicodeScalars.count <= 64, !text.unicodeScalars.contains(where: { $0.value < 0x20 })
            else {
                throw ParameterError(
                    parameter: "partner", message: "partner must be a partner code (1–64 characters).")
            }
            filter.partner = text
        }
        if let text = values["outcome"] {
            guard text == "approved" || text == "denied" else {
                throw ParameterError(parameter: "outcome", message: "outcome must be approved or denied.")
            }
            filter.outcome = text
        }
        if let text = values["reason"] {
            guard let reason = DenialReason(rawValue: text) else {
                throw ParameterError(
                    parameter: "reason",
                    message: "reason must be one of "
                        + DenialReason.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            filter.reason = reason
        }
        if let text = values["code"] {
            guard let code = CardCode.parse(text) else {
                throw ParameterError(
                    parameter: "code",
                    message: "code must be a 12-digit card barcode or a 6–32 character Vpoint code.")
            }
            filter.code = code
        }
        return filter
    }

    /// A date (local day) or an RFC 3339 instant; `endOfDay` makes a date mean the next midnight.
    /// The instant must fall within the years 1…9999 in UTC, which is what `UTCTimestamp.rfc3339`
    /// can write and PostgreSQL can read (`0001-01-01` in a zone east of UTC starts in year 0).
    private static func bound(
        _ text: String, name: String, endOfDay: Bool, utcOffset: (LocalDate) -> Int
    ) throws(ParameterError) -> UTCTimestamp {
        var instant: UTCTimestamp?
        if let date = LocalDate(iso: text) {
            if let day = endOfDay ? date.adding(days: 1) : date {
                instant = UTCTimestamp(startOf: day, utcOffsetSeconds: utcOffset(day))
            }
        } else {
            instant = UTCTimestamp(rfc3339: text)
        }
        if let instant, let earliest = LocalDate(year: 1, month: 1, day: 1),
            let latest = LocalDate(year: 9999, month: 12, day: 31),
            instant >= UTCTimestamp(startOf: earliest, utcOffsetSeconds: 0),
            instant
                < UTCTimestamp(
                    microseconds: UTCTimestamp(startOf: latest, utcOffsetSeconds: 0).microseconds
                        + 86_400_000_000)
        {
            return instant
        }
        throw ParameterError(
            parameter: name,
            message:
                "\(name) must be a date (YYYY-MM-DD) or an RFC 3339 date-time (2026-01-31T17:00:00+07:00).")
    }

    /// ASCII digits only (no sign), at most `maximumCount` of them, as a non-negative Int64.
    private static func digits(_ text: String, maximumCount: Int) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= maximumCount,
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(text)
    }
}
