import Foundation

/// Pings systemd's watchdog (`WATCHDOG=1`) only while the daemon really serves requests: every
/// interval it asks its own `GET /healthz` through the listening socket and the request-serving
/// threads, so a hung server misses its pings and systemd restarts it.
struct Watchdog: Sendable {
    let port: Int
    let host: String
    let interval: Duration
    let notifier: SystemdNotifier
    let log: Log

    /// Marks the watchdog's own requests, which are logged at debug level only.
    static let userAgent = "unioncardd-watchdog"

    /// Starts the pinging thread.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                if healthCheck() {
                    notifier.notify("WATCHDOG=1")
                } else {
                    log.write(.warning, "watchdog: own health check failed; not pinging systemd")
                }
                Thread.sleep(
                    forTimeInterval: Double(interval.components.seconds)
                        + Double(interval.components.attoseconds) / 1e18)
            }
        }
    }

    /// One `GET /healthz` over loopback with a short timeout; true on a 200.
    private func healthCheck() -> Bool {
        let ipv6 = host.contains(":")
        let descriptor = socket(
            ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_loopback
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard connected == 0 else { return false }
        let request = Array(
            "GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: \(Self.userAgent)\r\nConnection: close\r\n\r\n"
                .utf8)
        guard
            request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
                == request.count
        else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 12 else { return false }
        return String(decoding: buffer[0..<12], as: UTF8.self).hasSuffix(" 200")
    }
}
