import HTTPServer
import Testing

@Suite("Requests reach the handler decoded")
struct RequestTests {
    @Test func queryItemsArePercentDecodedInOrderWithDuplicates() throws {
        let recorder = RequestRecorder()
        try withServer(handler: {
            recorder.record($0); return HTTPResponse(status: 200)
        }) { server in
            let client = try TestClient(port: server.boundPort)
            let target = "/v1/look%20up?code=ab%20c%2Bd&x=1&x=2&plus=a+b&flag&utf=%C3%A1%E1%BB%85&amp=%26%3D"
            let response = try client.request("GET", target)
            #expect(response.status == 200)

            let request = try #require(recorder.last)
            #expect(request.method == "GET")
            #expect(request.path == "/v1/look up")
            let items = request.queryItems.map { "\($0.name)=\($0.value)" }
            #expect(items == ["code=ab c+d", "x=1", "x=2", "plus=a b", "flag=", "utf=áễ", "amp=&="])
            #expect(request.query("x") == "1")
            #expect(request.query("code") == "ab c+d")
            #expect(request.query("missing") == nil)
            #expect(request.body.isEmpty)
            #expect(!request.bodyTooLarge)
            #expect(request.remoteAddress == "127.0.0.1")
        }
    }

    @Test func pathWithoutQueryHasNoItems() throws {
        let recorder = RequestRecorder()
        try withServer(handler: {
            recorder.record($0); return HTTPResponse(status: 204)
        }) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("DELETE", "/healthz").status == 204)
            let request = try #require(recorder.last)
            #expect(request.method == "DELETE")
            #expect(request.path == "/healthz")
            #expect(request.queryItems.isEmpty)
        }
    }

    @Test func encodedNulInQueryValueIsKept() throws {
        let recorder = RequestRecorder()
        try withServer(handler: {
            recorder.record($0); return HTTPResponse(status: 200)
        }) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET", "/q?v=a%00b").status == 200)
            #expect(try #require(recorder.last).query("v") == "a\u{0}b")
        }
    }

    @Test func headersAreCaseInsensitiveAndRepeatsKept() throws {
        let recorder = RequestRecorder()
        try withServer(handler: {
            recorder.record($0); return HTTPResponse(status: 200)
        }) { server in
            let client = try TestClient(port: server.boundPort)
            let headers = [
                ("Authorization", "Bearer k-123"), ("X-Mixed-Case", "one"), ("x-mixed-case", "two"),
                ("Accept", "text/csv"),
            ]
            #expect(try client.request("GET", "/", headers: headers).status == 200)

            let request = try #require(recorder.last)
            #expect(request.headers["authorization"] == "Bearer k-123")
            #expect(request.headers["AUTHORIZATION"] == "Bearer k-123")
            #expect(request.headers["X-MIXED-CASE"] == "one")
            #expect(request.headers.values("x-Mixed-case") == ["one", "two"])
            #expect(request.headers["accept"] == "text/csv")
            #expect(request.headers["Host"] == "localhost")
            #expect(request.headers["X-Absent"] == nil)
            #expect(request.headers.values("X-Absent").isEmpty)
        }
    }

    @Test func servesIPv6Loopback() throws {
        let recorder = RequestRecorder()
        let configuration = testConfiguration { $0.host = "::1" }
        try withServer(
            configuration,
            handler: {
                recorder.record($0); return HTTPResponse(status: 200)
            }
        ) { server in
            #expect(server.boundPort > 0)
            let client = try TestClient(host: "::1", port: server.boundPort)
            #expect(try client.request("GET", "/six?x=1").status == 200)
            let request = try #require(recorder.last)
            #expect(request.remoteAddress == "::1")
            #expect(request.query("x") == "1")
        }
    }

    @Test func bracketedIPv6LiteralIsAccepted() throws {
        let configuration = testConfiguration { $0.host = "[::1]" }
        try withServer(configuration, handler: { _ in HTTPResponse(status: 200) }) { server in
            let client = try TestClient(host: "::1", port: server.boundPort)
            #expect(try client.request("GET", "/").status == 200)
        }
    }
}

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test func lookupIgnoresASCIICaseOnly() {
        var headers = HTTPHeaders([(name: "Content-Type", value: "application/json")])
        headers.add(name: "content-type", value: "text/plain")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers.values("Content-type") == ["application/json", "text/plain"])
        #expect(headers["Content-Typ"] == nil)
        #expect(headers["Content-Type "] == nil)
        #expect(headers.pairs.count == 2)
        #expect(headers.pairs[1].name == "content-type")
    }

    @Test func emptyHeaders() {
        let headers = HTTPHeaders()
        #expect(headers["anything"] == nil)
        #expect(headers.pairs.isEmpty)
    }
}
