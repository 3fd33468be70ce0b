import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTPServer {
    /// Sends `GET path` to this server through its own listening socket on loopback (over TLS
    /// when the server serves HTTPS) and returns the response's status code, or nil when no
    /// answer came within `timeoutSeconds`. For watchdogs: the request goes through the
    /// listening socket and the pool threads like any client's.
    ///
    /// Over HTTPS the server's certificate is not verified (the probe talks to its own socket),
    /// and no client certificate is sent, so with `ClientCertificatePolicy.required` the
    /// handshake fails and the probe returns nil.
    public func probe(path: String, userAgent: String, timeoutSeconds: Int = 2) -> Int? {
        let port = boundPort
        guard port > 0,
            let descriptor = Probe.connectLoopback(
                ipv6: configuration.host.contains(":"), port: port, timeoutSeconds: timeoutSeconds)
        else { return nil }
        defer { close(descriptor) }
        let request = Array(
            "GET \(path) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: \(userAgent)\r\nConnection: close\r\n\r\n"
                .utf8)
        let head: [UInt8]?
        if configuration.tls != nil {
            head = Probe.exchangeTLS(descriptor, request, timeoutSeconds: timeoutSeconds)
        } else {
            head = Probe.exchangePlain(descriptor, request)
        }
        // "HTTP/1.1 200 …": the status is the second word of the first line.
        guard let head, head.count >= 12 else { return nil }
        return Int(String(decoding: head[9..<12], as: UTF8.self))
    }
}

/// The socket and TLS client work of `HTTPServer.probe`.
private enum Probe {
    static func connectLoopback(ipv6: Bool, port: Int, timeoutSeconds: Int) -> Int32? {
        let descriptor = socket(
            ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let loopback: SocketAddress
        do {
            loopback = try SocketAddress(host: ipv6 ? "::1" : "127.0.0.1", port: port)
        } catch {
            close(descriptor)
            return nil
        }
        let length = socklen_t(ipv6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        guard loopback.withSockaddrPointer({ connect(descriptor, $0, length) }) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Sends the request and returns the first bytes of the answer.
    static func exchangePlain(_ descriptor: Int32, _ request: [UInt8]) -> [UInt8]? {
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[..<count]) : nil
    }

    /// A GnuTLS client session over `descriptor`: handshake, request, first bytes of the answer.
    static func exchangeTLS(_ descriptor: Int32, _ request: [UInt8], timeoutSeconds: Int) -> [UInt8]? {
        var allocated: OpaquePointer?
        guard
            (try? CheckedCall.gnutls(
                gnutls_certificate_allocate_credentials(&allocated), .responseFailed, "probe")) != nil,
            let credentials = allocated
        else { return nil }
        defer { gnutls_certificate_free_credentials(credentials) }
        var created: OpaquePointer?
        guard
            (try? CheckedCall.gnutls(
                gnutls_init(&created, UInt32(GNUTLS_CLIENT | GNUTLS_NO_SIGNAL)), .responseFailed, "probe"))
                != nil,
            let session = created
        else { return nil }
        defer { gnutls_deinit(session) }
        guard
            (try? CheckedCall.gnutls(gnutls_set_default_priority(session), .responseFailed, "probe")) != nil,
            (try? CheckedCall.gnutls(
                gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(credentials)),
                .responseFailed, "probe")) != nil
        else { return nil }
        gnutls_transport_set_int2(session, descriptor, descriptor)
        gnutls_handshake_set_timeout(session, UInt32(timeoutSeconds * 1000))
        var result: Int32
        repeat {
            result = gnutls_handshake(session)
        } while result < 0 && gnutls_error_is_fatal(result) == 0 && result != GNUTLS_E_AGAIN
        guard result == 0 else { return nil }
        let sent = request.withUnsafeBytes { gnutls_record_send(session, $0.baseAddress, $0.count) }
        guard sent == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { gnutls_record_recv(session, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[..<count]) : nil
    }
}
