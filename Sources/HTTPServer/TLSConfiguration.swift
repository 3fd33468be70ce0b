/// HTTPS settings of an `HTTPServer`: libmicrohttpd serves TLS itself, through GnuTLS.
///
/// The certificates (server chain, key and the CAs trusted for client certificates) can be
/// replaced while the server runs, with `HTTPServer.reloadCertificates(_:)`; the client
/// certificate policy and the protocol priorities are fixed until the server is restarted.
public struct TLSConfiguration: Sendable {
    /// The server's certificate chain and key, and the CAs trusted for client certificates.
    public var certificates: TLSCertificates
    /// Whether clients are asked for a certificate (mutual TLS). Anything but `.none` needs
    /// `certificates.clientCAsPEM`.
    public var clientCertificates: ClientCertificatePolicy
    /// A GnuTLS priority string (the `gnutls_priority_init` syntax) choosing protocol versions,
    /// ciphers and key exchanges. The default allows only TLS 1.3 and 1.2 with forward-secret
    /// (ECDHE) key exchange and AEAD ciphers, in the server's order of preference.
    public var priorities: String

    /// TLS 1.3 and TLS 1.2 only; TLS 1.2 restricted to ECDHE key exchange and AEAD ciphers
    /// (AES-GCM, ChaCha20-Poly1305), as in Mozilla's "intermediate" profile. TLS 1.1 and older,
    /// CBC and RSA key transport are refused during the handshake.
    public static let defaultPriorities =
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
        + ":-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD"
        + ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE"

    /// Creates an HTTPS configuration; by default no client certificates and `defaultPriorities`.
    public init(
        certificates: TLSCertificates, clientCertificates: ClientCertificatePolicy = .none,
        priorities: String = TLSConfiguration.defaultPriorities
    ) {
        self.certificates = certificates
        self.clientCertificates = clientCertificates
        self.priorities = priorities
    }
}
