import HTTPServer

/// SIGHUP for HTTPS: reads `tls_cert`, `tls_key` and `tls_client_ca` again and hands them to
/// every handshake from now on; open connections keep the certificates they started with. An
/// unreadable or unusable set is logged and the running certificates stay.
///
/// HTTPS cannot be switched on or off by a reload (the listening socket speaks one or the
/// other): that takes a restart, and is logged as such.
func reloadCertificates(server: HTTPServer, servingTLS: Bool, configuration: Configuration, log: Log) {
    let certificates: TLSCertificates?
    do {
        certificates = try configuration.tlsCertificates()
    } catch {
        log.write(
            .warning, "reload: TLS files unusable, keeping the running certificates", ["problem": "\(error)"])
        return
    }
    guard let certificates, servingTLS else {
        if (certificates != nil) != servingTLS {
            log.write(.warning, "reload: turning HTTPS on or off takes effect at the next restart")
        }
        return
    }
    do {
        try server.reloadCertificates(certificates)
        log.write(.info, "reload: TLS certificates replaced for new connections")
    } catch {
        log.write(
            .warning, "reload: TLS certificates unusable, keeping the running ones", ["problem": "\(error)"])
    }
}
