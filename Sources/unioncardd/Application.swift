import Foundation
import HTTPServer
import PostgresClient
import Synchronization

/// Wires routes to handlers and writes one log line per request.
final class Application: Sendable {
    private let router: Router
    private let log: Log
    private let metrics: Metrics
    private let requestCounter = Atomic<UInt64>(0)

    init(
        lookup: LookupService, events: EventsService, pool: PostgresPool, cache: RegistryCache,
        metrics: Metrics,
        log: Log
    ) {
        self.log = log
        self.metrics = metrics
        var router = Router()
        let lookupHandler: HTTPHandler = { request in
            let outcome: LookupOutcome = lookup.handle(request)
            return Self.annotated(outcome.response, note: outcome.note)
        }
        router.add("GET", Self.lookupPath, lookupHandler)
        router.add("POST", Self.lookupPath, lookupHandler)
        router.add("GET", "/v1/events") { request in
            let outcome = events.events(request)
            return Self.annotated(outcome.response, note: outcome.note)
        }
        router.add("GET", "/v1/events/summary") { request in
            let outcome = events.summary(request)
            return Self.annotated(outcome.response, note: outcome.note)
        }
        router.add("GET", "/healthz") { _ in
            APIResponses.json(200, Array(#"{"status":"ok"}"#.utf8))
        }
        router.add("GET", "/readyz") { _ in
            do {
                _ = try pool.withConnection { try $0.query("SELECT 1") }
            } catch {
                return APIResponses.error(503, "unavailable", "The registry database is unreachable.")
            }
            guard cache.current != nil else {
                return APIResponses.error(503, "unavailable", "The registry is not loaded yet.")
            }
            return APIResponses.json(200, Array(#"{"status":"ready"}"#.utf8))
        }
        router.add("GET", "/metrics") { _ in
            HTTPResponse(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                body: Array(metrics.render().utf8))
        }
        self.router = router
    }

    /// The server's entry point.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let id = requestCounter.add(1, ordering: .relaxed).newValue
        var response: HTTPResponse
        var route = request.path
        var handled = false
        switch router.match(method: request.method, path: request.path) {
        case .handler where request.hasAmbiguousLength:
            response = APIResponses.error(
                400, "bad_request", "Send one Content-Length, or Transfer-Encoding, not both.")
        case .handler(let handler):
            response = handler(request)
            handled = true
        case .notFound:
            response = APIResponses.notFound()
            route = "unmatched"  // never the client's path: it is unbounded (and could hold anything)
        case .methodNotAllowed(let allowed): response = APIResponses.methodNotAllowed(allowed)
        }
        let requestID = String(id, radix: 16)
        var note = ""
        if let index = response.headers.firstIndex(where: { $0.name == Self.noteHeader }) {
            note = response.headers.remove(at: index).value
        }
        response.headers.append(("X-Request-Id", requestID))
        let elapsed = ContinuousClock.now - started
        let milliseconds =
            Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        // The lookup handler annotates every answer it gives with the lookup's result.
        metrics.recordRequest(
            route: route, status: response.status, seconds: milliseconds / 1000,
            lookupResult: handled && route == Self.lookupPath ? note : nil)
        // The path is logged without its query string: the query may hold a card code.
        let level: LogLevel =
            response.status >= 500
            ? .warning : request.headers["User-Agent"] == Watchdog.userAgent ? .debug : .info
        log.write(
            level, "request",
            [
                "id": requestID, "method": request.method, "path": request.path,
                "status": String(response.status),
                "outcome": note, "ms": Self.twoDecimals(milliseconds),
            ])
        return response
    }

    private static let noteHeader = "X-Unioncard-Log-Note"
    private static let lookupPath = "/v1/lookup"

    /// 12.3456 → "12.35" without Foundation's printf (a measurable cost at thousands of lines/s).
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((max(0, value) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Carries the log note from a handler to `handle` without widening HTTPServer's types.
    private static func annotated(_ response: HTTPResponse, note: String) -> HTTPResponse {
        var response = response
        response.headers.append((noteHeader, note))
        return response
    }
}
