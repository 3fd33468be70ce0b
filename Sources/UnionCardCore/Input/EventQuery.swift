/// The filters shared by `GET /v1/events` and `GET /v1/events/summary`.
public struct EventFilter: Sendable, Equatable {
    /// Events at or after this instant.
    public var from: UTCTimestamp?
    /// Events strictly before this instant.
    public var to: UTCTimestamp?
    /// Only this partner's events (partner code).
    public var partner: String?
    /// `approved` or `denied`.
    public var outcome: String?
    /// Only denials for this reason.
    public var reason: DenialReason?
    /// Only lookups of this code: the given code, normalised, or the card found, equals it.
    public var code: CardCode?

    /// Creates a filter; nil means "any".
    public init(
        from: UTCTimestamp? = nil, to: UTCTimestamp? = nil, partner: String? = nil, outcome: String? = nil,
        reason: DenialReason? = nil, code: CardCode? = nil
    ) {
        self.from = from
        self.to = to
        self.partner = partner
        self.outcome = outcome
        self.reason = reason
        self.code = code
    }
}

/// How `GET /v1/events` answers.
public enum EventFormat: String, Sendable {
    /// `{"events": […], "next": …}`.
    case json
    /// UTF-8 CSV with a byte order mark and a header row, streamed.
    case csv
}

/// A validated `GET /v1/events` request.
public struct EventPageRequest: Sendable, Equatable {
    /// Which events.
    public var filter: EventFilter
    /// At most this many events; nil only for CSV, which then streams every match.
    public var limit: Int?
    /// Only events with a larger id (the cursor); 0 from the start.
    public var after: Int64
    /// JSON or CSV.
    public var format: EventFormat

    /// Creates a request.
    public init(filter: EventFilter, limit: Int?, after: Int64, format: EventFormat) {
        self.filter = filter
        self.limit = limit
        self.after = after
        self.format = format
    }
}

/// What `GET /v1/events/summary` groups by.
public enum SummaryGrouping: String, Sendable, CaseIterable {
    /// The partner (code).
    case partner
    /// The agreement applied (denials have none).
    case agreement
    /// The member's grassroots union (code); unknown codes have none.
    case union
    /// The local date of the event, in the daemon's time zone.
    case day
}

/// A validated `GET /v1/events/summary` request.
public struct SummaryRequest: Sendable, Equatable {
    /// Which events (time range and partner).
    public var filter: EventFilter
    /// The grouping.
    public var group: SummaryGrouping

    /// Creates a request.
    public init(filter: EventFilter, group: SummaryGrouping) {
        self.filter = filter
        self.group = group
    }
}

/// A query parameter that is unknown, repeated or malformed: a 400
/// `{"error": "invalid_parameter", "parameter": …, "message": …}`.
public struct ParameterError: Error, Sendable, Equatable {
    /// The parameter's name (shortened when it is an unknown, long name).
    public var parameter: String
    /// An English sentence naming the parameter and what it accepts.
    public var message: String

    /// Creates an error.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }
}
