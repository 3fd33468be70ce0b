/// Whether an HTTPS server asks clients for a certificate (mutual TLS).
///
/// A certificate a client presents must chain to one of `TLSCertificates.clientCAsPEM`, be valid
/// now and allow TLS client authentication (or carry no extended key usage at all); otherwise
/// the handshake fails. The request handler then sees its SHA-256 fingerprint in
/// `HTTPRequest.clientCertificateSHA256`.
public enum ClientCertificatePolicy: Sendable, Equatable {
    /// Clients are not asked for a certificate.
    case none
    /// Clients are asked; one that sends none is served without (its requests have no
    /// fingerprint), one that sends an invalid certificate fails the handshake.
    case optional
    /// Clients must present a valid certificate, or the handshake fails.
    case required
}
