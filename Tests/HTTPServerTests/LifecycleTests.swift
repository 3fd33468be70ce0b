import Foundation
import HTTPServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Start, quiesce, stop")
struct LifecycleTests {
    @Test func portZeroYieldsARealPort() throws {
        let server = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        #expect(server.boundPort == 0)
        try server.start()
        defer { server.stop() }
        #expect(server.boundPort > 0)
        #expect(server.boundPort <= 65535)
        let client = try TestClient(port: server.boundPort)
        #expect(try client.request("GET", "/").status == 200)
    }

    @Test func stopIsIdempotentAndClosesThePort() throws {
        let server = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        try server.start()
        let port = server.boundPort
        let idle = try TestClient(port: port)
        #expect(try idle.request("GET", "/").status == 200)

        server.stop()
        server.stop()
        #expect(server.boundPort == port)
        #expect(throws: ClientError.connect(ECONNREFUSED)) { try TestClient(port: port) }
        #expect(idle.readsEndOfStream())  // Open connections are closed too.
    }

    @Test func releasingTheServerStopsIt() throws {
        var server: HTTPServer? = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        try server?.start()
        let port = try #require(server?.boundPort)
        #expect(try TestClient(port: port).request("GET", "/").status == 200)
        server = nil
        #expect(throws: ClientError.connect(ECONNREFUSED)) { try TestClient(port: port) }
    }

    @Test func stopReleasesTheHandler() throws {
        final class Token: Sendable {}
        var token: Token? = Token()
        weak let weakToken = token
        var server: HTTPServer? = try {
            let captured = token
            let server = HTTPServer(configuration: testConfiguration()) { _ in
                withExtendedLifetime(captured) { HTTPResponse(status: 200) }
            }
            try server.start()
            #expect(try TestClient(port: server.boundPort).request("GET", "/").status == 200)
            return server
        }()
        token = nil
        #expect(weakToken != nil)  // Still held by the running server.
        server?.stop()
        server = nil
        #expect(weakToken == nil)  // Server and MHD callback context both let go of it.
    }

    @Test func canStartAgainAfterStop() throws {
        let server = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        try server.start()
        server.stop()
        try server.start()
        defer { server.stop() }
        #expect(try TestClient(port: server.boundPort).request("GET", "/").status == 200)
    }

    @Test func startingTwiceFails() throws {
        let server = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        try server.start()
        defer { server.stop() }
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .alreadyStarted)
    }

    @Test func portInUseFailsToStart() throws {
        let first = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        try first.start()
        defer { first.stop() }
        let second = HTTPServer(
            configuration: testConfiguration { $0.port = first.boundPort },
            handler: { _ in HTTPResponse(status: 200) })
        let error = try #require(throws: HTTPServerError.self) { try second.start() }
        #expect(error.code == .startFailed)
        #expect(error.description.contains("MHD_start_daemon"))
        #expect(second.boundPort == 0)
        // The first server is unaffected.
        #expect(try TestClient(port: first.boundPort).request("GET", "/").status == 200)
    }

    @Test(arguments: ["localhost", "", "256.0.0.1", "::g", "127.0.0.1:80"])
    func hostMustBeALiteral(host: String) throws {
        let server = HTTPServer(
            configuration: testConfiguration { $0.host = host }, handler: { _ in HTTPResponse(status: 200) })
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .invalidAddress)
    }

    @Test func portMustBeInRange() throws {
        for port in [-1, 65536] {
            let server = HTTPServer(
                configuration: testConfiguration { $0.port = port },
                handler: { _ in HTTPResponse(status: 200) })
            let error = try #require(throws: HTTPServerError.self) { try server.start() }
            #expect(error.code == .invalidAddress)
        }
    }

    @Test func limitsAreValidated() throws {
        let invalid: [(inout HTTPServerConfiguration) -> Void] = [
            { $0.threadPoolSize = 0 },
            { $0.connectionLimit = 1 },  // Below the pool size of 2.
            { $0.perIPConnectionLimit = -1 },
            { $0.connectionTimeoutSeconds = 0 },
            { $0.connectionMemoryLimitBytes = 100 },
            { $0.maxBodyBytes = -1 },
        ]
        for adjust in invalid {
            let server = HTTPServer(
                configuration: testConfiguration(adjust), handler: { _ in HTTPResponse(status: 200) })
            let error = try #require(throws: HTTPServerError.self) { try server.start() }
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test func quiesceRefusesNewConnectionsButFinishesInFlightOnes() throws {
        let entered = DispatchSemaphore(value: 0)
        let handler: HTTPHandler = { request in
            if request.path == "/slow" {
                entered.signal()
                usleep(300_000)
            }
            return HTTPResponse(status: 200, body: request.path.bytes)
        }
        let server = HTTPServer(configuration: testConfiguration(), handler: handler)
        try server.start()
        defer { server.stop() }
        let port = server.boundPort

        let keepAlive = try TestClient(port: port)
        #expect(try keepAlive.request("GET", "/before").text == "/before")
        let slow = try TestClient(port: port)
        try slow.transmit(TestClient.requestBytes("GET", "/slow"))
        #expect(entered.wait(timeout: .now() + 5) == .success)

        server.quiesce()
        server.quiesce()  // Idempotent.

        #expect(throws: ClientError.connect(ECONNREFUSED)) { try TestClient(port: port) }
        #expect(try slow.readResponse().text == "/slow")
        #expect(try keepAlive.request("GET", "/after").text == "/after")
    }

    @Test func quiesceBeforeStartAndAfterStopDoesNothing() throws {
        let server = HTTPServer(
            configuration: testConfiguration(), handler: { _ in HTTPResponse(status: 200) })
        server.quiesce()
        try server.start()
        #expect(try TestClient(port: server.boundPort).request("GET", "/").status == 200)
        server.stop()
        server.quiesce()
        server.stop()
    }

    @Test func errorDescriptionIsCodeAndContext() {
        let error = HTTPServerError(code: .startFailed, context: "MHD_start_daemon on 127.0.0.1 port 80")
        #expect(error.description == "startFailed: MHD_start_daemon on 127.0.0.1 port 80")
    }
}
