import Foundation
import HTTPServer
import Synchronization
import Testing

@Suite("Connections")
struct ConnectionTests {
    @Test func twoRequestsOnOneKeepAliveConnection() throws {
        let recorder = RequestRecorder()
        let handler: HTTPHandler = { request in
            recorder.record(request)
            return HTTPResponse(status: 200, body: request.path.bytes)
        }
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            let first = try client.request("GET", "/one")
            #expect(first.text == "/one")
            #expect(first.headers["Connection"]?.lowercased() != "close")
            let second = try client.request("POST", "/two", body: "b".bytes)
            #expect(second.text == "/two")
            #expect(recorder.all.map(\.path) == ["/one", "/two"])
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer(handler: { HTTPResponse(status: 200, body: $0.path.bytes) }) { server in
            let client = try TestClient(port: server.boundPort)
            try client.transmit(TestClient.requestBytes("GET", "/a") + TestClient.requestBytes("GET", "/b"))
            #expect(try client.readResponse().text == "/a")
            #expect(try client.readResponse().text == "/b")
        }
    }

    @Test func manyConcurrentClientsAreAllAnswered() throws {
        let threads = 50
        let requestsPerThread = 20
        let configuration = testConfiguration { $0.threadPoolSize = 4 }
        let handler: HTTPHandler = { request in
            HTTPResponse(status: 200, body: "\(request.query("t") ?? "?")-\(request.query("r") ?? "?")".bytes)
        }
        try withServer(configuration, handler: handler) { server in
            let port = server.boundPort
            let answered = Mutex(0)
            let failures = Mutex<[String]>([])
            let done = DispatchGroup()
            for thread in 0..<threads {
                done.enter()
                Thread {
                    defer { done.leave() }
                    do {
                        var client = try TestClient(port: port)
                        for request in 0..<requestsPerThread {
                            // A fresh connection every fifth request: both accept and keep-alive paths.
                            if request % 5 == 0 && request > 0 { client = try TestClient(port: port) }
                            let response = try client.request("GET", "/c?t=\(thread)&r=\(request)")
                            if response.status == 200 && response.text == "\(thread)-\(request)" {
                                answered.withLock { $0 += 1 }
                            } else {
                                failures.withLock { $0.append("\(thread)/\(request): \(response.status)") }
                            }
                        }
                    } catch {
                        failures.withLock { $0.append("\(thread): \(error)") }
                    }
                }.start()
            }
            #expect(done.wait(timeout: .now() + 60) == .success)
            #expect(failures.withLock { $0 }.isEmpty)
            #expect(answered.withLock { $0 } == threads * requestsPerThread)
        }
    }

    @Test func perIPConnectionLimitIsEnforced() throws {
        let configuration = testConfiguration { $0.perIPConnectionLimit = 2 }
        try withServer(configuration, handler: { _ in HTTPResponse(status: 200) }) { server in
            let first = try TestClient(port: server.boundPort)
            let second = try TestClient(port: server.boundPort)
            #expect(try first.request("GET", "/").status == 200)
            #expect(try second.request("GET", "/").status == 200)
            let third = try TestClient(port: server.boundPort)  // The kernel accepts; MHD then drops it.
            try? third.transmit(TestClient.requestBytes("GET", "/"))
            #expect(third.readsEndOfStream())
            #expect(try first.request("GET", "/").status == 200)
        }
    }

    @Test func headersBeyondTheMemoryLimitAreRefusedByMHD() throws {
        let recorder = RequestRecorder()
        let configuration = testConfiguration { $0.connectionMemoryLimitBytes = 16 * 1024 }
        try withServer(
            configuration,
            handler: {
                recorder.record($0); return HTTPResponse(status: 200)
            }
        ) { server in
            let client = try TestClient(port: server.boundPort)
            let big = String(repeating: "a", count: 20 * 1024)
            #expect(try client.request("GET", "/", headers: [("X-Big", big)]).status == 431)
            #expect(try TestClient(port: server.boundPort).request("GET", "/?q=" + big).status == 414)
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func totalConnectionLimitRefusesTheNextClientAndServesTheOthers() throws {
        // The limit is split across the pool's threads: 2 threads × 1 connection each.
        let configuration = testConfiguration {
            $0.threadPoolSize = 2
            $0.connectionLimit = 2
        }
        try withServer(configuration, handler: { _ in HTTPResponse(status: 200) }) { server in
            var held: [TestClient] = []
            for _ in 0..<2 {
                let client = try TestClient(port: server.boundPort)
                #expect(try client.request("GET", "/").status == 200)
                held.append(client)
            }
            // At the limit MHD stops accepting: a new client waits in the kernel's backlog unserved
            // while the clients already connected are still served.
            let extra = try TestClient(port: server.boundPort, timeoutSeconds: 1)
            try extra.transmit(TestClient.requestBytes("GET", "/"))
            #expect(throws: ClientError.self) { try extra.readResponse() }
            for client in held { #expect(try client.request("GET", "/").status == 200) }
            // A freed slot lets the waiting client in: MHD sees the close, then accepts it, which
            // can take more than the second the read above waited on a loaded machine.
            held.removeFirst()
            extra.setReceiveTimeout(seconds: 10)
            #expect(try extra.readResponse().status == 200)
        }
    }

    @Test func slowClientIsDroppedWhileOthersAreServed() throws {
        let configuration = testConfiguration { $0.connectionTimeoutSeconds = 1 }
        try withServer(configuration, handler: { _ in HTTPResponse(status: 200) }) { server in
            let slow = try TestClient(port: server.boundPort, timeoutSeconds: 5)
            try slow.transmit(Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8))  // never finishes its headers
            #expect(try TestClient(port: server.boundPort).request("GET", "/").status == 200)
            let started = ContinuousClock.now
            #expect(slow.readsEndOfStream())
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test func idleConnectionIsClosedAfterTheTimeout() throws {
        let configuration = testConfiguration { $0.connectionTimeoutSeconds = 1 }
        try withServer(configuration, handler: { _ in HTTPResponse(status: 200) }) { server in
            let client = try TestClient(port: server.boundPort, timeoutSeconds: 5)
            #expect(try client.request("GET", "/").status == 200)
            let started = ContinuousClock.now
            #expect(client.readsEndOfStream())
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }
}
