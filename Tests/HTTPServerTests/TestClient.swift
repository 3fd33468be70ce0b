import HTTPServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a test client call failed.
enum ClientError: Error, Equatable {
    case socket(Int32)
    case connect(Int32)
    case send(Int32)
    /// No byte arrived within the receive timeout.
    case timeout
    /// The peer closed (or reset) the connection before a complete response arrived.
    case closed
    case malformed(String)
}

/// A response as parsed off the wire.
struct WireResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking HTTP/1.1 client over a raw TCP socket; every read is bounded by SO_RCVTIMEO.
final class TestClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to host:port (IPv4 or IPv6 literal) with a receive timeout.
    init(host: String = "127.0.0.1", port: Int, timeoutSeconds: Int = 5) throws(ClientError) {
        let isIPv6 = host.contains(":")
        let socketFD = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw .socket(errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            _ = inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            _ = inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let connectErrno = errno
            close(socketFD)
            throw .connect(connectErrno)
        }
        fd = socketFD
    }

    deinit {
        close(fd)
    }

    /// Changes the bound on every later read.
    func setReceiveTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all bytes.
    func transmit(_ bytes: [UInt8]) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw .send(errno) }
            offset += sent
        }
    }

    /// Sends UTF-8 text.
    func transmit(_ text: String) throws(ClientError) {
        try transmit(Array(text.utf8))
    }

    /// Sends a request with `Host` and (when there is a body) `Content-Length`, then reads the response.
    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws(ClientError) -> WireResponse {
        try transmit(Self.requestBytes(method, target, headers: headers, body: body))
        return try readResponse(head: method == "HEAD")
    }

    /// The bytes of a request with `Host` and, for a non-empty body, `Content-Length`.
    static func requestBytes(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// Reads one response (a 1xx interim response counts as one). `head`: no body follows.
    func readResponse(head: Bool = false) throws(ClientError) -> WireResponse {
        let headerEnd = try readUntil(Array("\r\n\r\n".utf8))
        let headText = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        buffer.removeFirst(headerEnd + 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .malformed("empty head") }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1])
        else {
            throw .malformed("status line")
        }
        var pairs: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line") }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            pairs.append((name: String(line[..<colon]), value: String(value)))
        }
        let headers = HTTPHeaders(pairs)
        if head || status < 200 || status == 204 || status == 304 {
            return WireResponse(status: status, headers: headers, body: [])
        }
        if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            throw .malformed("chunked responses are not expected from this server")
        }
        guard let lengthText = headers["Content-Length"], let length = Int(lengthText) else {
            throw .malformed("no Content-Length")
        }
        try fill(atLeast: length)
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return WireResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection (EOF or reset) before the timeout and sends nothing.
    func readsEndOfStream() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { return true }
        return count < 0 && errno == ECONNRESET
    }

    private func readUntil(_ marker: [UInt8]) throws(ClientError) -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= marker.count {
                for start in searchFrom...(buffer.count - marker.count)
                where buffer[start..<(start + marker.count)].elementsEqual(marker) {
                    return start
                }
                searchFrom = buffer.count - marker.count + 1
            }
            try readMore()
        }
    }

    private func fill(atLeast count: Int) throws(ClientError) {
        while buffer.count < count { try readMore() }
    }

    private func readMore() throws(ClientError) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return
        }
        if count == 0 { throw .closed }
        switch errno {
        case EAGAIN, EWOULDBLOCK: throw .timeout
        case ECONNRESET: throw .closed
        default: throw .closed
        }
    }
}
