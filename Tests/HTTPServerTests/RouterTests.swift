import HTTPServer
import Testing

@Suite("Router")
struct RouterTests {
    private static func text(_ value: String) -> HTTPHandler {
        { _ in HTTPResponse(status: 200, body: value.bytes) }
    }

    private static func makeRouter() -> Router<HTTPHandler> {
        var router = Router<HTTPHandler>()
        router.add("GET", "/v1/lookup", text("get lookup"))
        router.add("POST", "/v1/lookup", text("post lookup"))
        router.add("GET", "/healthz", text("alive"))
        return router
    }

    private static func body(of match: Router<HTTPHandler>.Match, _ method: String, _ path: String) -> String?
    {
        guard case .handler(let handler) = match else { return nil }
        return String(decoding: handler(HTTPRequest(method: method, path: path)).body, as: UTF8.self)
    }

    @Test func exactPathAndMethodMatch() {
        let router = Self.makeRouter()
        #expect(
            Self.body(of: router.match(method: "GET", path: "/v1/lookup"), "GET", "/v1/lookup")
                == "get lookup")
        #expect(
            Self.body(of: router.match(method: "POST", path: "/v1/lookup"), "POST", "/v1/lookup")
                == "post lookup")
        #expect(Self.body(of: router.match(method: "GET", path: "/healthz"), "GET", "/healthz") == "alive")
    }

    @Test func unknownPathsAreNotFound() {
        let router = Self.makeRouter()
        for path in ["/", "/v1/lookup/", "/v1/Lookup", "/v1", "/healthz/x", ""] {
            guard case .notFound = router.match(method: "GET", path: path) else {
                Issue.record("expected notFound for \(path)")
                continue
            }
        }
    }

    @Test func wrongMethodListsAllowedMethodsSorted() {
        let router = Self.makeRouter()
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/v1/lookup") else {
            Issue.record("expected methodNotAllowed")
            return
        }
        #expect(allowed == ["GET", "POST"])
        guard case .methodNotAllowed(let healthAllowed) = router.match(method: "get", path: "/healthz") else {
            Issue.record("methods are case-sensitive")
            return
        }
        #expect(healthAllowed == ["GET"])
    }

    @Test func laterRegistrationReplacesEarlier() {
        var router = Self.makeRouter()
        router.add("GET", "/healthz", Self.text("replaced"))
        #expect(Self.body(of: router.match(method: "GET", path: "/healthz"), "GET", "/healthz") == "replaced")
    }

    @Test func routerServesOverHTTP() throws {
        let router = Self.makeRouter()
        let handler: HTTPHandler = { request in
            switch router.match(method: request.method, path: request.path) {
            case .handler(let handler): return handler(request)
            case .notFound: return HTTPResponse(status: 404)
            case .methodNotAllowed(let allowed):
                return HTTPResponse(
                    status: 405, headers: [(name: "Allow", value: allowed.joined(separator: ", "))])
            }
        }
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET", "/healthz").text == "alive")
            #expect(try client.request("POST", "/v1/lookup", body: "{}".bytes).text == "post lookup")
            #expect(try client.request("GET", "/v1/lookup?code=1").text == "get lookup")
            #expect(try client.request("GET", "/nope").status == 404)
            let notAllowed = try client.request("PUT", "/v1/lookup", body: "x".bytes)
            #expect(notAllowed.status == 405)
            #expect(notAllowed.headers["Allow"] == "GET, POST")
        }
    }
}
