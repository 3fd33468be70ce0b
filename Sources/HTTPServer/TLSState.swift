import CMicroHTTPD
import Synchronization

/// The TLS side of a running HTTPS server: the current certificate generation, handed to each
/// new connection, and the client certificate policy.
///
/// libmicrohttpd 0.9.75 cannot swap certificates in a running daemon, and its certificate
/// callback (`MHD_OPTION_HTTPS_CERT_CALLBACK`) carries no context pointer. Instead, when a
/// connection starts (`MHD_OPTION_NOTIFY_CONNECTION`, called after MHD created the GnuTLS
/// session and before the first handshake byte is read), the session is given the current
/// `TLSCredentials` with `gnutls_credentials_set`, and client certificates are requested and
/// verified per session. `reloadCertificates` only replaces the current generation: open
/// connections keep theirs, new handshakes get the new one.
final class TLSState: Sendable {
    let policy: ClientCertificatePolicy
    private let current: Mutex<TLSCredentials>

    init(policy: ClientCertificatePolicy, credentials: TLSCredentials) {
        self.policy = policy
        self.current = Mutex(credentials)
    }

    /// The generation new connections get.
    var credentials: TLSCredentials {
        current.withLock { $0 }
    }

    /// Makes `credentials` the generation for connections started from now on.
    func replace(_ credentials: TLSCredentials) {
        current.withLock { $0 = credentials }
    }

    /// `MHD_CONNECTION_NOTIFY_STARTED`: gives the connection's GnuTLS session the current
    /// credentials and the client certificate rules, and keeps the generation alive in
    /// `*socketContext` (a retained `TLSConnection`, released by `connectionClosed`).
    func connectionStarted(
        _ connection: OpaquePointer, socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) throws(HTTPServerError) {
        let tlsConnection = TLSConnection()
        socketContext.pointee = Unmanaged.passRetained(tlsConnection).toOpaque()
        let session = try CheckedCall.nonNil(
            cmhd_connection_tls_session(connection), .tlsConnectionFailed,
            "MHD_get_connection_info(MHD_CONNECTION_INFO_GNUTLS_SESSION)")
        let credentials = self.credentials
        tlsConnection.credentials = credentials
        try CheckedCall.gnutls(
            gnutls_credentials_set(
                session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(credentials.handle)),
            .tlsConnectionFailed, "gnutls_credentials_set")
        switch policy {
        case .none:
            gnutls_certificate_server_set_request(session, GNUTLS_CERT_IGNORE)
        case .optional:
            gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST)
            gnutls_session_set_verify_function(session, verifyOptionalClientCertificate)
        case .required:
            gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE)
            gnutls_session_set_verify_function(session, verifyRequiredClientCertificate)
        }
        tlsConnection.ready = true
    }

    /// `MHD_CONNECTION_NOTIFY_CLOSED`: releases what `connectionStarted` kept. libmicrohttpd
    /// calls it just before `gnutls_deinit`, which does not touch the credentials.
    func connectionClosed(socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let pointer = socketContext.pointee else { return }
        Unmanaged<TLSConnection>.fromOpaque(pointer).release()
        socketContext.pointee = nil
    }

    /// Whether the connection's TLS side was set up by `connectionStarted`. A connection for
    /// which that failed would run on libmicrohttpd's start-time credentials without the client
    /// certificate rules, so it must not be served.
    static func isReady(_ connection: OpaquePointer) -> Bool {
        guard let pointer = cmhd_connection_socket_context(connection) else { return false }
        return Unmanaged<TLSConnection>.fromOpaque(pointer).takeUnretainedValue().ready
    }

    /// The lowercase hex SHA-256 of the DER of the certificate the client presented (the first
    /// of its chain), or nil when it presented none. The handshake already verified it.
    static func clientCertificateSHA256(_ connection: OpaquePointer) -> String? {
        guard let session = cmhd_connection_tls_session(connection) else { return nil }
        var count: UInt32 = 0
        guard let chain = gnutls_certificate_get_peers(session, &count), count > 0 else { return nil }
        var digest = [UInt8](repeating: 0, count: 32)
        let result = digest.withUnsafeMutableBytes { output in
            gnutls_hash_fast(
                GNUTLS_DIG_SHA256, chain.pointee.data, Int(chain.pointee.size), output.baseAddress)
        }
        guard (try? CheckedCall.gnutls(result, .tlsConnectionFailed, "gnutls_hash_fast")) != nil else {
            return nil
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// What one HTTPS connection holds, behind MHD's `socket_context`.
///
/// Not Sendable and needs no lock: MHD runs a connection's notifications and handler calls on
/// the one pool thread that owns it, in sequence.
final class TLSConnection {
    /// The generation the session was given; kept alive for as long as the connection.
    var credentials: TLSCredentials?
    /// True once `TLSState.connectionStarted` completed.
    var ready = false
}

/// `gnutls_certificate_verify_function` for `.optional`: no certificate is fine; a certificate
/// must verify (see `verifyPeer`).
private func verifyOptionalClientCertificate(_ session: OpaquePointer?) -> Int32 {
    guard let session else { return GNUTLS_E_CERTIFICATE_ERROR }
    var count: UInt32 = 0
    guard gnutls_certificate_get_peers(session, &count) != nil, count > 0 else { return 0 }
    return verifyPeer(session)
}

/// `gnutls_certificate_verify_function` for `.required`: GnuTLS already fails a handshake
/// without a certificate under `GNUTLS_CERT_REQUIRE`; this refuses it too, then verifies.
private func verifyRequiredClientCertificate(_ session: OpaquePointer?) -> Int32 {
    guard let session else { return GNUTLS_E_CERTIFICATE_ERROR }
    var count: UInt32 = 0
    guard gnutls_certificate_get_peers(session, &count) != nil, count > 0 else {
        return GNUTLS_E_NO_CERTIFICATE_FOUND
    }
    return verifyPeer(session)
}

/// 0 when the peer's chain leads to a trusted client CA, every certificate is valid now, and the
/// leaf may be used for TLS client authentication; a GnuTLS error (ending the handshake) otherwise.
private func verifyPeer(_ session: OpaquePointer) -> Int32 {
    var status: UInt32 = 0
    var purpose = gnutls_typed_vdata_st(
        type: GNUTLS_DT_KEY_PURPOSE_OID,
        data: UnsafeMutableRawPointer(mutating: CMHD_KEY_PURPOSE_TLS_CLIENT).assumingMemoryBound(
            to: UInt8.self),
        size: 0)
    let result = gnutls_certificate_verify_peers(session, &purpose, 1, &status)
    guard result == 0 else { return GNUTLS_E_CERTIFICATE_ERROR }
    return status == 0 ? 0 : GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR
}
