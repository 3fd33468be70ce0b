import Foundation
import HTTPServer
import PostgresClient
import Synchronization

/// Wires routes to handlers and writes one log line per request.
final class Application: Sendable {
    /// How a route answers.
    private enum Route: Sendable {
        /// At once, on the HTTP thread: the response and the note for the log line.
        case now(@Sendable (HTTPRequest) -> (response: HTTPResponse, note: String))
        /// The same, but on a `BlockingWorkQueue` thread: for handlers that may wait on the
        /// database for long, so that they never hold an HTTP thread (and its other connections).
        case blocking(@Sendable (HTTPRequest) -> (response: HTTPResponse, note: String))
        /// `GET|POST /v1/lookup`: refusals at once, lookups once their batch committed — from
        /// the batch worker, without holding an HTTP thread meanwhile.
        case lookup
    }

    /// What the log line and the metrics need of a request, kept until it is answered.
    private struct RequestRecord: Sendable {
        let id: String
        let method: String
        let path: String
        /// The path for the metrics: a route, or "unmatched" — never an unknown client path.
        var route: String
        let started: ContinuousClock.Instant
        let fromWatchdog: Bool
    }

    private let router: Router<Route>
    private let lookup: LookupService
    private let blockingWork: BlockingWorkQueue
    private let log: Log
    private let metrics: Metrics
    private let requestCounter = Atomic<UInt64>(0)

    init(
        lookup: LookupService, events: EventsService, pool: PostgresPool, cache: RegistryCache,
        blockingWork: BlockingWorkQueue, metrics: Metrics, log: Log
    ) {
        self.lookup = lookup
        self.blockingWork = blockingWork
        self.log = log
        self.metrics = metrics
        var router = Router<Route>()
        router.add("GET", Self.lookupPath, .lookup)
        router.add("POST", Self.lookupPath, .lookup)
        router.add(
            "GET", "/v1/events",
            .blocking { request in
                let outcome = events.events(request)
                return (outcome.response, outcome.note)
            })
        router.add(
            "GET", "/v1/events/summary",
            .blocking { request in
                let outcome = events.summary(request)
                return (outcome.response, outcome.note)
            })
        router.add(
            "GET", "/healthz",
            .now { _ in
                (APIResponses.json(200, Array(#"{"status":"ok"}"#.utf8)), "")
            })
        router.add(
            "GET", "/readyz",
            .now { _ in
                do {
                    _ = try pool.withConnection { try $0.query("SELECT 1") }
                } catch {
                    return (
                        APIResponses.error(503, "unavailable", "The registry database is unreachable."), ""
                    )
                }
                guard cache.current != nil else {
                    return (APIResponses.error(503, "unavailable", "The registry is not loaded yet."), "")
                }
                return (APIResponses.json(200, Array(#"{"status":"ready"}"#.utf8)), "")
            })
        router.add(
            "GET", "/metrics",
            .now { _ in
                let response = HTTPResponse(
                    status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                    body: Array(metrics.render().utf8))
                return (response, "")
            })
        self.router = router
    }

    /// The server's entry point.
    func handle(_ request: HTTPRequest) -> HTTPReply {
        let id = requestCounter.add(1, ordering: .relaxed).newValue
        var record = RequestRecord(
            id: String(id, radix: 16), method: request.method, path: request.path, route: request.path,
            started: ContinuousClock.now, fromWatchdog: request.headers["User-Agent"] == Watchdog.userAgent)
        switch router.match(method: request.method, path: request.path) {
        case .handler where request.hasAmbiguousLength:
            let response = APIResponses.error(
                400, "bad_request", "Send one Content-Length, or Transfer-Encoding, not both.")
            return .now(finish(record, response, note: ""))
        case .handler(.now(let handler)):
            let (response, note) = handler(request)
            return .now(finish(record, response, note: note))
        case .handler(.blocking(let handler)):
            return .later { [self, record] responder in
                blockingWork.run {
                    let (response, note) = handler(request)
                    responder.send { [self] in finish(record, response, note: note) }
                }
            }
        case .handler(.lookup):
            switch lookup.prepare(request) {
            case .answered(let outcome):
                return .now(finish(record, outcome.response, note: outcome.note, lookupResult: outcome.note))
            case .ready(let pending):
                return .later { [self, record] responder in
                    lookup.submit(pending) { outcome in
                        // Logged and counted on the HTTP thread that sends it, not the batch worker.
                        responder.send { [self] in
                            finish(record, outcome.response, note: outcome.note, lookupResult: outcome.note)
                        }
                    }
                }
            }
        case .notFound:
            // Never the client's path in the metrics: it is unbounded (and could hold anything).
            record.route = "unmatched"
            return .now(finish(record, APIResponses.notFound(), note: ""))
        case .methodNotAllowed(let allowed):
            return .now(finish(record, APIResponses.methodNotAllowed(allowed), note: ""))
        }
    }

    /// Adds the request id to the answer, counts it and writes its log line.
    private func finish(
        _ record: RequestRecord, _ response: HTTPResponse, note: String, lookupResult: String? = nil
    ) -> HTTPResponse {
        var response = response
        response.headers.append(("X-Request-Id", record.id))
        let elapsed = ContinuousClock.now - record.started
        let milliseconds =
            Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        metrics.recordRequest(
            route: record.route, status: response.status, seconds: milliseconds / 1000,
            lookupResult: lookupResult)
        // The path is logged without its query string: the query may hold a card code.
        let level: LogLevel = response.status >= 500 ? .warning : record.fromWatchdog ? .debug : .info
        log.write(
            level, "request",
            [
                "id": record.id, "method": record.method, "path": record.path,
                "status": String(response.status), "outcome": note, "ms": Self.twoDecimals(milliseconds),
            ])
        return response
    }

    private static let lookupPath = "/v1/lookup"

    /// 12.3456 → "12.35" without Foundation's printf (a measurable cost at thousands of lines/s).
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((max(0, value) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
