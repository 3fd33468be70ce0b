import HTTPServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Echoes the body back; answers 413 when the server flagged it too large.
private func echoHandler(_ recorder: RequestRecorder) -> HTTPHandler {
    { request in
        recorder.record(request)
        if request.bodyTooLarge { return HTTPResponse(status: 413, body: "too large".bytes) }
        return HTTPResponse(status: 200, body: request.body)
    }
}

@Suite("Request bodies")
struct BodyTests {
    @Test func smallPostBodyArrivesIntact() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let body = #"{"code": "123456789012", "amount": 250000}"#.bytes
            let response = try client.request(
                "POST", "/v1/lookup", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 200)
            expectSameBytes(response.body, body)
            expectSameBytes(try #require(recorder.last).body, body)
        }
    }

    @Test func multiChunkBodyOf15KiBArrivesIntact() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let body = patternBytes(15 * 1024)
            let head = "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.count)\r\n\r\n"
            try client.transmit(head)
            // Dribble it in 1 KiB pieces so MHD sees several separate reads.
            for start in stride(from: 0, to: body.count, by: 1024) {
                try client.transmit(Array(body[start..<min(start + 1024, body.count)]))
                usleep(2_000)
            }
            let response = try client.readResponse()
            #expect(response.status == 200)
            expectSameBytes(response.body, body)
            let request = try #require(recorder.last)
            expectSameBytes(request.body, body)
            #expect(!request.bodyTooLarge)
        }
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let body = patternBytes(16 * 1024)
            let response = try client.request("POST", "/", body: body)
            #expect(response.status == 200)
            expectSameBytes(response.body, body)
        }
    }

    @Test func bodyOneByteOverTheLimitIsFlaggedAndConnectionStaysUsable() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request("POST", "/big", body: patternBytes(16 * 1024 + 1))
            #expect(response.status == 413)
            #expect(response.text == "too large")
            let request = try #require(recorder.last)
            #expect(request.bodyTooLarge)
            #expect(request.body.isEmpty)
            #expect(request.path == "/big")

            // The oversized body was consumed, so the next request on the connection parses cleanly.
            let next = try client.request("POST", "/small", body: "ok".bytes)
            #expect(next.status == 200)
            #expect(next.text == "ok")
        }
    }

    @Test func configuredLimitIsHonoured() throws {
        let recorder = RequestRecorder()
        let configuration = testConfiguration { $0.maxBodyBytes = 100 }
        try withServer(configuration, handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("POST", "/", body: patternBytes(100)).status == 200)
            #expect(try client.request("POST", "/", body: patternBytes(101)).status == 413)
        }
    }

    @Test func chunkedUploadIsReassembled() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let body = patternBytes(10_000)
            try client.transmit(Self.chunkedRequest(body, chunkSize: 999))
            let response = try client.readResponse()
            #expect(response.status == 200)
            expectSameBytes(response.body, body)
        }
    }

    @Test func chunkedUploadOverTheLimitIsFlagged() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            try client.transmit(Self.chunkedRequest(patternBytes(20 * 1024), chunkSize: 1024))
            let response = try client.readResponse()
            #expect(response.status == 413)
            let request = try #require(recorder.last)
            #expect(request.bodyTooLarge)
            #expect(request.body.isEmpty)
            // Still in sync: the rest of the chunked body was consumed.
            #expect(try client.request("GET", "/after").status == 200)
        }
    }

    @Test func oversizedDeclaredBodyWithExpectContinueIsAnsweredBeforeUpload() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            // The body is never sent: the answer must come without it.
            try client.transmit(
                "POST /huge HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"
            )
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.headers["Connection"]?.lowercased() == "close")
            #expect(client.readsEndOfStream())  // The unread body cannot follow on this connection.
            let request = try #require(recorder.last)
            #expect(request.bodyTooLarge)
            #expect(request.body.isEmpty)
        }
    }

    @Test func expectContinueWithinTheLimitGets100ThenTheAnswer() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            try client.transmit(
                "POST /e HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.transmit("hello")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
        }
    }

    @Test func oversizedDeclaredBodyWithoutExpectIsReadAndDiscarded() throws {
        let recorder = RequestRecorder()
        try withServer(handler: echoHandler(recorder)) { server in
            let client = try TestClient(port: server.boundPort)
            let body = patternBytes(64 * 1024)
            let response = try client.request("PUT", "/x", body: body)
            #expect(response.status == 413)
            #expect(try client.request("GET", "/after").status == 200)
        }
    }

    /// A chunked POST of `body` split into `chunkSize` pieces.
    static func chunkedRequest(_ body: [UInt8], chunkSize: Int) -> [UInt8] {
        var bytes = "POST /chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".bytes
        for start in stride(from: 0, to: body.count, by: chunkSize) {
            let piece = body[start..<min(start + chunkSize, body.count)]
            bytes += String(piece.count, radix: 16).bytes + "\r\n".bytes + piece + "\r\n".bytes
        }
        bytes += "0\r\n\r\n".bytes
        return bytes
    }
}
