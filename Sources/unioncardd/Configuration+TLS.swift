import Foundation
import HTTPServer

/// HTTPS settings: `tls_cert` / `tls_key` (PEM files) turn HTTPS on; `tls_client_ca` (PEM file
/// of the CAs that issue terminal certificates) makes the daemon ask every client for a
/// certificate and verify it when one is sent (optional mutual TLS: a terminal without a
/// certificate is still served; binding a certificate to a key is the key's business).
///
/// Plain HTTP is served only on a loopback address (`make run`, tests, a local reverse proxy)
/// or when `allow_plain_http = true` says so explicitly.
extension Configuration {
    /// The HTTPS settings for `HTTPServerConfiguration.tls`, reading the PEM files now; nil for
    /// plain HTTP.
    ///
    /// - Throws: `HTTPServerError` `.invalidCertificate` when a file cannot be read.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let certificates = try tlsCertificates() else { return nil }
        return TLSConfiguration(
            certificates: certificates, clientCertificates: tlsClientCA == nil ? .none : .optional)
    }

    /// The PEM files read again, e.g. for `HTTPServer.reloadCertificates(_:)` on SIGHUP; nil for
    /// plain HTTP.
    ///
    /// - Throws: `HTTPServerError` `.invalidCertificate` when a file cannot be read.
    func tlsCertificates() throws -> TLSCertificates? {
        guard let tlsCertificate, let tlsKey else { return nil }
        return try TLSCertificates(
            certificateChainFile: tlsCertificate, privateKeyFile: tlsKey, clientCAsFile: tlsClientCA)
    }

    /// `tls_cert` and `tls_key` come together, `tls_client_ca` needs them, and plain HTTP on a
    /// non-loopback address needs `allow_plain_http = true`.
    func checkTransportSecurity() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw Problem(description: "tls_cert and tls_key must be set together")
        }
        if tlsClientCA != nil && tlsCertificate == nil {
            throw Problem(description: "tls_client_ca needs tls_cert and tls_key")
        }
        let host = try listenAddress().host
        guard tlsCertificate == nil, !allowPlainHTTP, !Self.isLoopback(host) else { return }
        throw Problem(
            description: "listen \(listen) is not a loopback address and no tls_cert / tls_key is set: "
                + "configure HTTPS, or set allow_plain_http = true to serve plain HTTP "
                + "(only behind a proxy that terminates TLS)")
    }

    /// An absolute-or-relative path that exists and is readable now; empty means "not set".
    static func readableFile(_ value: String, key: String, source: String) throws -> String? {
        if value.isEmpty { return nil }
        guard FileManager.default.isReadableFile(atPath: value) else {
            throw Problem(description: "\(source): \(key) \(value) is not a readable file")
        }
        return value
    }

    /// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
    static func isLoopback(_ host: String) -> Bool {
        var literal = Substring(host)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, String(literal), &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, String(literal), &ipv6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &ipv6) { Array($0) }
        let isIPv6Loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
        let isMappedIPv4Loopback =
            bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        return isIPv6Loopback || isMappedIPv4Loopback
    }
}
