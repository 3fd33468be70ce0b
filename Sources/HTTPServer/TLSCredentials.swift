import CMicroHTTPD

/// One loaded generation of `TLSCertificates`: a GnuTLS certificate credentials object holding
/// the server chain and key and the trusted client CAs.
///
/// Every new HTTPS connection is handed the generation current at that moment and keeps a
/// reference to it until the connection is closed, so a reload never pulls a certificate from
/// under a connection that uses it; the object is freed when the last such connection is gone.
///
/// `@unchecked Sendable` is safe: `handle` is written once, in `init`, and never modified
/// afterwards; GnuTLS allows one credentials object to be used by many sessions on many threads
/// at once as long as nobody changes it (it is what a server normally does); and it is freed
/// only in `deinit`, when no connection holds a reference any more.
final class TLSCredentials: @unchecked Sendable {
    /// The `gnutls_certificate_credentials_t`.
    let handle: OpaquePointer

    /// Parses and pairs the PEM texts.
    ///
    /// - Throws: `.invalidCertificate` when a PEM text does not parse, the key does not belong to
    ///   the certificate, or `clientCAsPEM` is given but holds no certificate.
    init(_ certificates: TLSCertificates) throws(HTTPServerError) {
        var allocated: OpaquePointer?
        try CheckedCall.gnutls(
            gnutls_certificate_allocate_credentials(&allocated), .invalidCertificate,
            "gnutls_certificate_allocate_credentials")
        let handle = try CheckedCall.nonNil(
            allocated, .invalidCertificate, "gnutls_certificate_allocate_credentials")
        do throws(HTTPServerError) {
            // GnuTLS copies what it parses, so the datums need not outlive the calls.
            let result = Self.withDatum(certificates.certificateChainPEM) { chain in
                Self.withDatum(certificates.privateKeyPEM) { key in
                    gnutls_certificate_set_x509_key_mem(handle, &chain, &key, GNUTLS_X509_FMT_PEM)
                }
            }
            try CheckedCall.gnutls(
                result, .invalidCertificate, "the server certificate chain and key (PEM) cannot be used")
            if let clientCAs = certificates.clientCAsPEM {
                let count = Self.withDatum(clientCAs) { cas in
                    gnutls_certificate_set_x509_trust_mem(handle, &cas, GNUTLS_X509_FMT_PEM)
                }
                try CheckedCall.gnutls(count, .invalidCertificate, "the client CA certificates (PEM)")
                try CheckedCall.succeeded(
                    count > 0, .invalidCertificate, "the client CA PEM text holds no certificate")
            }
        } catch {
            gnutls_certificate_free_credentials(handle)
            throw error
        }
        self.handle = handle
    }

    deinit {
        gnutls_certificate_free_credentials(handle)
    }

    /// Calls `body` with a `gnutls_datum_t` over a copy of the UTF-8 bytes of `text`.
    private static func withDatum<R>(_ text: String, _ body: (inout gnutls_datum_t) -> R) -> R {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var datum = gnutls_datum_t(
                data: buffer.baseAddress, size: UInt32(truncatingIfNeeded: buffer.count))
            return body(&datum)
        }
    }
}
