import Foundation
import HTTPServer
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Responders a test answers by hand, in arrival order.
private final class HeldResponders: Sendable {
    private let held = Mutex<[HTTPResponder]>([])

    func hold(_ responder: HTTPResponder) { held.withLock { $0.append(responder) } }

    var count: Int { held.withLock { $0.count } }

    /// Waits until `count` responders are held (at most 5 s).
    func wait(for count: Int) -> [HTTPResponder] {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let current = held.withLock { $0 }
            if current.count >= count { return current }
            usleep(2_000)
        }
        return held.withLock { $0 }
    }
}

@Suite("Deferred replies (suspend and resume)")
struct DeferredReplyTests {
    /// One pool thread: a deferred request must not hold it.
    private static func oneThread() -> HTTPServerConfiguration {
        testConfiguration { $0.threadPoolSize = 1 }
    }

    private static func deferring(_ held: HeldResponders) -> HTTPReplyHandler {
        { request in
            request.path == "/later"
                ? .later { held.hold($0) } : .now(HTTPResponse(status: 200, body: "now".bytes))
        }
    }

    @Test(
        "a response sent later from another thread reaches the client, and the only pool thread serves others meanwhile"
    )
    func answeredLaterWhileOthersAreServed() throws {
        let held = HeldResponders()
        let server = HTTPServer(configuration: Self.oneThread(), replying: Self.deferring(held))
        try server.start()
        defer { server.stop() }
        let waiting = try TestClient(port: server.boundPort)
        try waiting.transmit(TestClient.requestBytes("GET", "/later"))
        let responder = try #require(held.wait(for: 1).first)
        #expect(responder.isWaiting)

        let other = try TestClient(port: server.boundPort)
        let answered = try other.request("GET", "/now")
        #expect(answered.status == 200 && answered.body == "now".bytes)

        Thread.detachNewThread {
            responder.send(HTTPResponse(status: 201, headers: [("X-Late", "yes")], body: "later".bytes))
        }
        let late = try waiting.readResponse()
        #expect(late.status == 201)
        #expect(late.body == "later".bytes)
        #expect(responder.isWaiting == false)
        // The connection is kept alive and serves the next request as usual.
        #expect(try waiting.request("GET", "/now").status == 200)
    }

    @Test("only the first send counts; the maker runs once, on the pool thread")
    func firstSendWins() throws {
        let held = HeldResponders()
        let made = Atomic<Int>(0)
        let server = HTTPServer(configuration: Self.oneThread(), replying: Self.deferring(held))
        try server.start()
        defer { server.stop() }
        let client = try TestClient(port: server.boundPort)
        try client.transmit(TestClient.requestBytes("GET", "/later"))
        let responder = try #require(held.wait(for: 1).first)
        responder.send {
            made.add(1, ordering: .relaxed)
            return HTTPResponse(status: 200, body: "first".bytes)
        }
        responder.send(HTTPResponse(status: 500))
        #expect(try client.readResponse().body == "first".bytes)
        #expect(made.load(ordering: .relaxed) == 1)
    }

    @Test("stop answers requests still waiting with 503 instead of aborting, and later sends do nothing")
    func stopAnswersWaitingRequests() throws {
        let held = HeldResponders()
        let server = HTTPServer(configuration: testConfiguration(), replying: Self.deferring(held))
        try server.start()
        let clients = try (0..<3).map { _ in try TestClient(port: server.boundPort) }
        for client in clients { try client.transmit(TestClient.requestBytes("GET", "/later")) }
        let responders = held.wait(for: 3)
        #expect(responders.count == 3)
        server.stop()
        for client in clients {
            // The 503 is queued while stopping; a client may also just see the connection close.
            if let response = try? client.readResponse() { #expect(response.status == 503) }
        }
        for responder in responders {
            #expect(responder.isWaiting == false)
            responder.send(HTTPResponse(status: 200))  // The connection is gone: nothing happens.
        }
    }

    @Test("a client that leaves before the answer: the maker still runs, nothing crashes")
    func clientGoneBeforeTheAnswer() throws {
        let held = HeldResponders()
        let made = Atomic<Int>(0)
        let server = HTTPServer(configuration: Self.oneThread(), replying: Self.deferring(held))
        try server.start()
        defer { server.stop() }
        var client: TestClient? = try TestClient(port: server.boundPort)
        try client?.transmit(TestClient.requestBytes("GET", "/later"))
        let responder = try #require(held.wait(for: 1).first)
        client = nil  // Closes the socket while the connection is suspended.
        responder.send {
            made.add(1, ordering: .relaxed)
            return HTTPResponse(status: 200)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while made.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline { usleep(2_000) }
        #expect(made.load(ordering: .relaxed) == 1)
        #expect(try TestClient(port: server.boundPort).request("GET", "/now").status == 200)
    }
}
