import Foundation
import HTTPServer
import PostgresClient
import UnionCardCore
import UnionCardStore

/// Answers `GET /v1/events` (JSON pages or a streamed CSV export) and `GET /v1/events/summary`
/// for merchant and auditor keys, each within its scope: a merchant sees its partner's events; an
/// auditor those whose member's union or agreement's signing union lies in its union's subtree (a
/// confederation auditor sees all).
///
/// Runs on libmicrohttpd's pool threads (blocking database calls, never the Swift pool).
struct EventsService: Sendable {
    let authenticator: Authenticator
    let pool: PostgresPool
    let timeZone: String
    let log: Log
    private let offsets: TimeZoneOffsets
    private let search = EventSearch()
    private let summaries = EventSummaryQuery()

    init(authenticator: Authenticator, pool: PostgresPool, timeZone: String, log: Log) {
        self.authenticator = authenticator
        self.pool = pool
        self.timeZone = timeZone
        self.log = log
        offsets = TimeZoneOffsets(timeZone: timeZone)  // Validated with the configuration.
    }

    /// What happened, for the request log line.
    struct Outcome: Sendable {
        var response: HTTPResponse
        var note: String
    }

    /// `GET /v1/events`.
    func events(_ request: HTTPRequest) -> Outcome {
        let scope: EventScope
        switch authorize(request) {
        case .success(let value): scope = value
        case .failure(let rejection): return rejection.outcome
        }
        let acceptsCSV = request.headers["Accept"]?.lowercased().contains("text/csv") ?? false
        let parsed = EventQueryParser.events(
            request.queryItems, defaultFormat: acceptsCSV ? .csv : .json,
            utcOffset: offsets.offset(atStartOf:))
        let page: EventPageRequest
        switch parsed {
        case .success(let value): page = value
        case .failure(let error): return Outcome(response: Self.badParameter(error), note: "bad_parameter")
        }
        do {
            switch page.format {
            case .json:
                let limit = page.limit ?? EventQueryParser.defaultLimit
                // One more than asked: whether a next page exists, without a cursor to nowhere.
                let rows = try pool.withConnection { connection in
                    try search.page(
                        filter: page.filter, scope: scope, after: page.after, limit: limit + 1, on: connection
                    )
                }
                let shown = Array(rows.prefix(limit))
                let next = rows.count > limit ? shown.last?.id : nil
                return Outcome(
                    response: APIResponses.json(200, EventAnswers.page(shown, next: next)), note: "events")
            case .csv:
                let stream = try EventCSVStream(request: page, scope: scope, pool: pool, log: log)
                let response = HTTPResponse(
                    status: 200,
                    headers: [
                        ("Content-Type", "text/csv; charset=utf-8"),
                        ("Content-Disposition", "attachment; filename=\"events.csv\""),
                        ("Cache-Control", "no-store"),
                    ],
                    bodyStream: stream.body)
                return Outcome(response: response, note: "events_csv")
            }
        } catch {
            log.write(.warning, "events query failed", ["error": "\(error)"])
            return Outcome(response: Self.unavailable(), note: "database")
        }
    }

    /// `GET /v1/events/summary`.
    func summary(_ request: HTTPRequest) -> Outcome {
        let scope: EventScope
        switch authorize(request) {
        case .success(let value): scope = value
        case .failure(let rejection): return rejection.outcome
        }
        let summaryRequest: SummaryRequest
        switch EventQueryParser.summary(request.queryItems, utcOffset: offsets.offset(atStartOf:)) {
        case .success(let value): summaryRequest = value
        case .failure(let error): return Outcome(response: Self.badParameter(error), note: "bad_parameter")
        }
        do {
            let summary = try pool.withConnection { connection in
                try summaries.summarize(
                    filter: summaryRequest.filter, scope: scope, grouping: summaryRequest.group,
                    timeZone: timeZone, on: connection)
            }
            return Outcome(
                response: APIResponses.json(200, EventAnswers.summary(summary, request: summaryRequest)),
                note: "summary")
        } catch {
            log.write(.warning, "summary query failed", ["error": "\(error)"])
            return Outcome(response: Self.unavailable(), note: "database")
        }
    }

    /// A request turned away before its query, with the answer to send.
    struct Refusal: Error {
        var outcome: Outcome
    }

    /// The caller's scope: merchant → its partner, auditor → its union's subtree (everything for
    /// the confederation). 401 without a valid key, 503 while the key registry is not loaded.
    private func authorize(_ request: HTTPRequest) -> Result<EventScope, Refusal> {
        let credential: APIKeyCredential
        switch Authenticator.credential(from: request.headers["Authorization"]) {
        case .success(let value): credential = value
        case .failure(let rejection):
            return .failure(Refusal(outcome: Outcome(response: rejection.response, note: "no_key")))
        }
        let key: StoredKey
        do {
            switch try authenticator.key(
                for: credential, clientCertificateSHA256: request.clientCertificateSHA256)
            {
            case .success(let value): key = value
            case .failure(let rejection):
                return .failure(Refusal(outcome: Outcome(response: rejection.response, note: "bad_key")))
            }
        } catch {
            return .failure(
                Refusal(outcome: Outcome(response: Self.unavailable(), note: "registry_not_loaded")))
        }
        switch key.kind {
        case .merchant:
            if let partnerID = key.partnerID { return .success(.partner(id: partnerID)) }
        case .auditor:
            if let text = key.unitPath, let path = UnitPath(rawValue: text) {
                // Only a confederation has no parent: the root of the tree sees every event,
                // including lookups of unknown codes, which belong to no union.
                return .success(path.depth == 1 ? .everything : .unionSubtree(path: path.rawValue))
            }
        }
        return .failure(
            Refusal(
                outcome: Outcome(
                    response: APIResponses.forbidden("This key is not bound to a partner or a union."),
                    note: "no_scope")))
    }

    /// 400 `{"error": "invalid_parameter", "parameter": …, "message": …}`.
    static func badParameter(_ error: ParameterError) -> HTTPResponse {
        var json = JSONWriter()
        json.object { object in
            object.field("error", string: "invalid_parameter")
            object.field("parameter", string: error.parameter)
            object.field("message", string: error.message)
        }
        return APIResponses.json(400, json.bytes)
    }

    /// 503 with `Retry-After`, when the database cannot answer.
    static func unavailable() -> HTTPResponse {
        APIResponses.error(
            503, "unavailable", "The audit database is unavailable; try again.",
            headers: [("Retry-After", "1")])
    }
}
