import HTTPServer
import Synchronization
import Testing

@Suite("Responses reach the client")
struct ResponseTests {
    @Test func statusHeadersAndBodyArrive() throws {
        let handler: HTTPHandler = { _ in
            HTTPResponse(
                status: 201,
                headers: [
                    (name: "Content-Type", value: "application/json; charset=utf-8"),
                    (name: "X-Trace", value: "a"), (name: "X-Trace", value: "b"),
                    (name: "Retry-After", value: "7"),
                ],
                body: #"{"ok": "Nguyễn"}"#.bytes)
        }
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("POST", "/v1/lookup", body: "{}".bytes)
            #expect(response.status == 201)
            #expect(response.headers["content-type"] == "application/json; charset=utf-8")
            #expect(response.headers.values("x-trace") == ["a", "b"])
            #expect(response.headers["Retry-After"] == "7")
            #expect(response.headers["Content-Length"] == String(#"{"ok": "Nguyễn"}"#.utf8.count))
            #expect(response.text == #"{"ok": "Nguyễn"}"#)
        }
    }

    @Test func handlerContentLengthIsReplacedByTheRealOne() throws {
        let handler: HTTPHandler = { _ in
            HTTPResponse(status: 200, headers: [(name: "content-length", value: "99")], body: "abc".bytes)
        }
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("GET", "/")
            #expect(response.status == 200)
            #expect(response.headers.values("Content-Length") == ["3"])
            #expect(response.text == "abc")
            #expect(try client.request("GET", "/again").text == "abc")
        }
    }

    @Test func connectionCloseFromTheHandlerClosesTheConnection() throws {
        let handler: HTTPHandler = { _ in
            HTTPResponse(status: 200, headers: [(name: "Connection", value: "close")], body: "bye".bytes)
        }
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET", "/").text == "bye")
            #expect(client.readsEndOfStream())
        }
    }

    @Test func emptyBodyHasZeroContentLength() throws {
        try withServer(handler: { _ in HTTPResponse(status: 200) }) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("GET", "/")
            #expect(response.status == 200)
            #expect(response.headers["Content-Length"] == "0")
            #expect(response.body.isEmpty)
        }
    }

    @Test func headRequestGetsHeadersWithoutBody() throws {
        try withServer(handler: { _ in HTTPResponse(status: 200, body: "0123456789".bytes) }) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("HEAD", "/")
            #expect(response.status == 200)
            #expect(response.headers["Content-Length"] == "10")
            // Nothing else may follow: the next response on the connection must parse cleanly.
            let next = try client.request("GET", "/")
            #expect(next.text == "0123456789")
        }
    }

    @Test func largeResponseBodyArrivesIntact() throws {
        let body = patternBytes(300 * 1024)
        try withServer(handler: { _ in HTTPResponse(status: 200, body: body) }) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("GET", "/export")
            expectSameBytes(response.body, body)
        }
    }

    @Test func invalidHeaderBecomes500AndIsReported() throws {
        let reported = Mutex<[HTTPServerError]>([])
        let configuration = testConfiguration { configuration in
            configuration.errorHandler = { error in reported.withLock { $0.append(error) } }
        }
        let handler: HTTPHandler = { request in
            if request.path == "/inject" {
                return HTTPResponse(
                    status: 200, headers: [(name: "X-Evil", value: "a\r\nSet-Cookie: x=1")], body: "no".bytes)
            }
            return HTTPResponse(status: 200, body: "fine".bytes)
        }
        try withServer(configuration, handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("GET", "/inject")
            #expect(response.status == 500)
            #expect(response.headers["Set-Cookie"] == nil)
            #expect(response.body.isEmpty)
            let errors = reported.withLock { $0 }
            #expect(errors.count == 1)
            #expect(errors.first?.code == .responseFailed)
            #expect(errors.first?.description.contains("X-Evil") == true)
            #expect(errors.first?.description.contains("Set-Cookie") == false)
            #expect(try client.request("GET", "/ok").text == "fine")
        }
    }

    @Test(arguments: [-1, 42, 1000])
    func outOfRangeStatusBecomes500(status: Int) throws {
        let reported = Mutex<[HTTPServerError.Code]>([])
        let configuration = testConfiguration { configuration in
            configuration.errorHandler = { error in reported.withLock { $0.append(error.code) } }
        }
        try withServer(configuration, handler: { _ in HTTPResponse(status: status) }) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET", "/").status == 500)
            #expect(reported.withLock { $0 } == [.responseFailed])
        }
    }
}
