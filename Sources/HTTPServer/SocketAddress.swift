#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 socket address parsed from a literal, ready to hand to C as `sockaddr *`.
struct SocketAddress {
    private enum Storage {
        case ipv4(sockaddr_in)
        case ipv6(sockaddr_in6)
    }

    private let storage: Storage

    /// `AF_INET` or `AF_INET6`.
    var family: Int32 {
        switch storage {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    /// Parses `host` (an IPv4 or IPv6 literal, IPv6 optionally in brackets) and `port` (0–65535).
    init(host: String, port: Int) throws(HTTPServerError) {
        guard let port16 = UInt16(exactly: port) else {
            throw HTTPServerError(code: .invalidAddress, context: "port \(port) is not in 0...65535")
        }
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        let text = String(literal)

        var ipv4 = sockaddr_in()
        var ipv6 = sockaddr_in6()
        if inet_pton(AF_INET, text, &ipv4.sin_addr) == 1 {
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = port16.bigEndian
            storage = .ipv4(ipv4)
        } else if inet_pton(AF_INET6, text, &ipv6.sin6_addr) == 1 {
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = port16.bigEndian
            storage = .ipv6(ipv6)
        } else {
            throw HTTPServerError(
                code: .invalidAddress, context: "host \"\(host)\" is not an IPv4 or IPv6 literal")
        }
    }

    /// Calls `body` with a `sockaddr *` view of the address, valid only during the call.
    func withSockaddrPointer<R>(_ body: (UnsafePointer<sockaddr>) throws -> R) rethrows -> R {
        // Every sockaddr_* begins with the generic sockaddr header, which is what C expects.
        switch storage {
        case .ipv4(var ipv4):
            try withUnsafePointer(to: &ipv4) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
            }
        case .ipv6(var ipv6):
            try withUnsafePointer(to: &ipv6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
            }
        }
    }

    /// The numeric text of an IPv4 or IPv6 address (`inet_ntop`), or `""` for other families.
    static func text(of address: UnsafePointer<sockaddr>) -> String {
        let raw = UnsafeRawPointer(address)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN) + 1) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let capacity = socklen_t(buffer.count)
            let result: UnsafePointer<CChar>?
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                // Copy out rather than rebind: MHD's buffer is only guaranteed to hold this family.
                var ipv4 = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                result = inet_ntop(AF_INET, &ipv4, base, capacity)
            case AF_INET6:
                var ipv6 = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                result = inet_ntop(AF_INET6, &ipv6, base, capacity)
            default:
                result = nil
            }
            guard let result else { return "" }
            return String(cString: result)
        }
    }
}
