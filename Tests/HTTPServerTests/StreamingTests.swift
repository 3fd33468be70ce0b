import HTTPServer
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts the pieces a stream produced and notices when the stream is released.
final class StreamProbe: Sendable {
    let produced = Atomic<Int>(0)
    let released = Atomic<Bool>(false)
    /// How many times the stream was asked for a piece.
    var calls: Int { produced.load(ordering: .sequentiallyConsistent) }
    /// Whether the stream (and what it captured) was freed.
    var wasReleased: Bool { released.load(ordering: .sequentiallyConsistent) }
}

/// State captured by a test stream; tells the probe when it is freed.
final class ProbeToken: Sendable {
    let probe: StreamProbe
    init(_ probe: StreamProbe) { self.probe = probe }
    deinit { probe.released.store(true, ordering: .sequentiallyConsistent) }
}

/// A stream of `count` pieces (the i-th is `piece(i)`), nil afterwards.
func countedStream(_ count: Int, probe: StreamProbe, piece: @escaping @Sendable (Int) -> [UInt8])
    -> HTTPBodyStream
{
    let token = ProbeToken(probe)
    return HTTPBodyStream {
        let index = token.probe.produced.add(1, ordering: .sequentiallyConsistent).oldValue
        return index < count ? piece(index) : nil
    }
}

/// Sends `request` on a fresh connection and reads until the server closes it (or `limit` bytes).
func rawExchange(port: Int, _ request: String, limit: Int = .max) throws -> [UInt8] {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ClientError.socket(errno) }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    _ = inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { throw ClientError.connect(errno) }
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count
    else { throw ClientError.send(errno) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while received.count < limit {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            received.append(contentsOf: chunk[..<count])
        } else if count == 0 || errno == ECONNRESET {
            break
        } else {
            throw ClientError.timeout
        }
    }
    return received
}

/// Splits a raw response into head text and body bytes.
func splitResponse(_ raw: [UInt8]) -> (head: String, body: [UInt8]) {
    let marker: [UInt8] = [13, 10, 13, 10]
    guard let end = raw.firstRange(of: marker) else { return (String(decoding: raw, as: UTF8.self), []) }
    return (String(decoding: raw[..<end.lowerBound], as: UTF8.self), Array(raw[end.upperBound...]))
}

/// Decodes a chunked body; `complete` is false when the terminating zero-size chunk is missing.
func dechunk(_ bytes: [UInt8]) -> (body: [UInt8], complete: Bool) {
    var body: [UInt8] = []
    var index = 0
    while let lineEnd = bytes[index...].firstRange(of: [13, 10]) {
        let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
        guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else { break }
        if size == 0 { return (body, true) }
        let start = lineEnd.upperBound
        guard start + size + 2 <= bytes.count else {
            body += bytes[start..<min(bytes.count, start + size)]
            break
        }
        body += bytes[start..<(start + size)]
        index = start + size + 2
    }
    return (body, false)
}

@Suite("Streamed response bodies")
struct StreamingTests {
    @Test("pieces of any size (empty ones too) arrive in order, chunked, without Content-Length")
    func streamArrivesWhole() throws {
        let probe = StreamProbe()
        let sizes = (0..<200).map { ($0 * 7919) % 40_000 }  // 0 … 39,999 bytes, ~4 MB in all
        let expected = sizes.enumerated().flatMap { index, size in patternBytes(size, seed: UInt64(index)) }
        let handler: HTTPHandler = { _ in
            HTTPResponse(
                status: 200, headers: [("Content-Type", "text/csv")],
                bodyStream: countedStream(sizes.count, probe: probe) {
                    patternBytes(sizes[$0], seed: UInt64($0))
                })
        }
        try withServer(handler: handler) { server in
            let raw = try rawExchange(
                port: server.boundPort, "GET /export HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let (head, body) = splitResponse(raw)
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.lowercased().contains("transfer-encoding: chunked"))
            #expect(!head.lowercased().contains("content-length"))
            #expect(head.contains("Content-Type: text/csv"))
            let decoded = dechunk(body)
            #expect(decoded.complete)
            expectSameBytes(decoded.body, expected)
        }
        #expect(probe.calls == sizes.count + 1)
        #expect(probe.wasReleased)
    }

    @Test("a stream that fails midway ends the connection without the last chunk, and is reported")
    func failingStream() throws {
        let errors = Mutex<[HTTPServerError]>([])
        struct Broken: Error {}
        let produced = Atomic<Int>(0)
        let handler: HTTPHandler = { _ in
            HTTPResponse(
                status: 200,
                bodyStream: HTTPBodyStream {
                    let index = produced.add(1, ordering: .sequentiallyConsistent).oldValue
                    if index == 3 { throw Broken() }
                    return Array("piece \(index)\n".utf8)
                })
        }
        let configuration = testConfiguration {
            $0.errorHandler = { error in errors.withLock { $0.append(error) } }
        }
        try withServer(configuration, handler: handler) { server in
            let raw = try rawExchange(port: server.boundPort, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let decoded = dechunk(splitResponse(raw).body)
            #expect(!decoded.complete)
            #expect(String(decoding: decoded.body, as: UTF8.self).hasPrefix("piece 0\npiece 1\npiece 2\n"))
        }
        let reported = errors.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.code == .responseFailed)
        #expect(reported.first?.context.contains("Broken") == true)
    }

    @Test("a client that leaves early releases the stream without draining it")
    func clientLeavesEarly() throws {
        let probe = StreamProbe()
        let handler: HTTPHandler = { _ in
            HTTPResponse(
                status: 200, bodyStream: countedStream(.max, probe: probe) { _ in patternBytes(64 * 1024) })
        }
        try withServer(handler: handler) { server in
            let raw = try rawExchange(
                port: server.boundPort, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", limit: 200_000)
            #expect(raw.count >= 200_000)
            var waited = 0
            while !probe.wasReleased && waited < 100 {
                usleep(50_000)
                waited += 1
            }
            #expect(probe.wasReleased)
        }
        #expect(probe.calls < 1000)
    }

    @Test("an HTTP/1.0 client gets the body until the connection closes")
    func http10() throws {
        let probe = StreamProbe()
        let handler: HTTPHandler = { _ in
            HTTPResponse(
                status: 200, bodyStream: countedStream(3, probe: probe) { Array("line \($0)\n".utf8) })
        }
        try withServer(handler: handler) { server in
            let raw = try rawExchange(port: server.boundPort, "GET / HTTP/1.0\r\n\r\n")
            let (head, body) = splitResponse(raw)
            #expect(head.hasPrefix("HTTP/1.0 200") || head.hasPrefix("HTTP/1.1 200"))
            #expect(!head.lowercased().contains("chunked"))
            #expect(String(decoding: body, as: UTF8.self) == "line 0\nline 1\nline 2\n")
        }
    }
}
