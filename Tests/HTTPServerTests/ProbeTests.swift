import HTTPServer
import Testing

@Suite("Self probe")
struct ProbeTests {
    @Test func probesPlainHTTPAndHTTPSThroughTheListeningSocket() throws {
        let recorder = RequestRecorder()
        let handler: HTTPHandler = { request in
            recorder.record(request)
            return HTTPResponse(status: request.path == "/healthz" ? 200 : 404)
        }
        try withServer(handler: handler) { server in
            #expect(server.probe(path: "/healthz", userAgent: "probe-test") == 200)
            #expect(server.probe(path: "/other", userAgent: "probe-test") == 404)
        }
        let pki = try TestPKI.get()
        try withServer(try tlsTestConfiguration(pki), handler: handler) { server in
            #expect(server.probe(path: "/healthz", userAgent: "probe-test") == 200)
        }
        #expect(recorder.all.count == 3)
        #expect(recorder.all.allSatisfy { $0.headers["User-Agent"] == "probe-test" })
    }

    @Test func noAnswerIsNil() throws {
        let pki = try TestPKI.get()
        let required = try tlsTestConfiguration(pki, clientCA: "ca", clientCertificates: .required)
        try withServer(required, handler: { _ in HTTPResponse(status: 200) }) { server in
            #expect(server.probe(path: "/healthz", userAgent: "probe-test") == nil)
        }
        let server = HTTPServer(configuration: testConfiguration()) { _ in HTTPResponse(status: 200) }
        try server.start()
        server.stop()
        #expect(server.probe(path: "/healthz", userAgent: "probe-test") == nil)
    }
}
