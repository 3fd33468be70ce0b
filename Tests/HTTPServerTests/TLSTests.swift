import Foundation
import HTTPServer
import Testing

/// Real handshakes with curl (OpenSSL) against the server's HTTPS (GnuTLS inside libmicrohttpd).
/// Each failing case has a passing twin that differs only in the thing under test, so a test
/// cannot pass because the client could not connect at all.
@Suite("HTTPS")
struct TLSTests {
    @Test func curlTrustingTheCASucceeds() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        try withServer(try tlsTestConfiguration(pki), handler: echoingHandler(recorder)) { server in
            let outcome = try curl(port: server.boundPort, path: "/hello", ["--cacert", pki.path("ca.pem")])
            #expect(outcome.status == 0, "\(outcome.error)")
            #expect(outcome.output == "path=/hello client=none")
            #expect(recorder.all.count == 1)
        }
    }

    @Test func aClientTrustingAnotherCAFailsTheHandshake() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        try withServer(try tlsTestConfiguration(pki), handler: echoingHandler(recorder)) { server in
            let wrongCA = try curl(port: server.boundPort, ["--cacert", pki.path("other-ca.pem")])
            // curl exit 60: the peer's certificate failed verification.
            #expect(wrongCA.status == 60, "curl exit \(wrongCA.status): \(wrongCA.error)")
            let systemCAs = try curl(port: server.boundPort, [])
            #expect(systemCAs.status == 60, "curl exit \(systemCAs.status): \(systemCAs.error)")
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func anExpiredServerCertificateFailsTheHandshake() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        let configuration = try tlsTestConfiguration(pki, certificate: "expired")
        try withServer(configuration, handler: echoingHandler(recorder)) { server in
            let outcome = try curl(port: server.boundPort, ["--cacert", pki.path("ca.pem")])
            #expect(outcome.status == 60, "curl exit \(outcome.status): \(outcome.error)")
            #expect(outcome.error.contains("expired"), "\(outcome.error)")
            #expect(recorder.all.isEmpty)
        }
    }

    /// OpenSSL 3 itself refuses TLS 1.1 below security level 0, so the client lowers it: the
    /// permissive server below proves that this client then really speaks TLS 1.1.
    @Test func tls11FailsTheHandshakeWhileTLS12And13Succeed() throws {
        let pki = try TestPKI.get()
        let tls11 = [
            "--tlsv1.0", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", "--cacert",
            pki.path("ca.pem"),
        ]
        let recorder = RequestRecorder()
        try withServer(try tlsTestConfiguration(pki), handler: echoingHandler(recorder)) { server in
            let old = try curl(port: server.boundPort, tls11)
            #expect(old.status == 35, "curl exit \(old.status): \(old.error)")  // SSL connect error
            #expect(recorder.all.isEmpty)
            for version in ["1.2", "1.3"] {
                let outcome = try curl(
                    port: server.boundPort,
                    [
                        "--tlsv\(version)", "--tls-max", version, "--cacert", pki.path("ca.pem"),
                        "--write-out", " %{ssl_verify_result}",
                    ])
                #expect(outcome.status == 0, "TLS \(version): \(outcome.error)")
            }
            // A TLS 1.2 client that offers only a CBC cipher suite is refused too.
            let cbc = try curl(
                port: server.boundPort,
                ["--tls-max", "1.2", "--ciphers", "AES128-SHA", "--cacert", pki.path("ca.pem")])
            #expect(cbc.status == 35, "curl exit \(cbc.status): \(cbc.error)")
        }
        let permissive = try tlsTestConfiguration(pki, priorities: "NORMAL:+VERS-TLS1.1:+VERS-TLS1.0")
        try withServer(permissive, handler: echoingHandler(RequestRecorder())) { server in
            let outcome = try curl(port: server.boundPort, tls11)
            #expect(
                outcome.status == 0, "the TLS 1.1 client should reach a permissive server: \(outcome.error)")
        }
    }

    @Test func plainHTTPToTheHTTPSPortIsNotServed() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        try withServer(try tlsTestConfiguration(pki), handler: echoingHandler(recorder)) { server in
            let outcome = try runProgram(
                "curl",
                ["--silent", "--show-error", "--max-time", "5", "http://127.0.0.1:\(server.boundPort)/"])
            #expect(outcome.status != 0)
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func optionalClientCertificatesReachTheHandlerAsFingerprints() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        let configuration = try tlsTestConfiguration(pki, clientCA: "ca", clientCertificates: .optional)
        try withServer(configuration, handler: echoingHandler(recorder)) { server in
            let ca = ["--cacert", pki.path("ca.pem")]
            let without = try curl(port: server.boundPort, ca)
            #expect(without.status == 0, "\(without.error)")
            #expect(without.output == "path=/ client=none")

            let with = try curl(
                port: server.boundPort,
                ca + ["--cert", pki.path("client.pem"), "--key", pki.path("client.key")])
            #expect(with.status == 0, "\(with.error)")
            #expect(with.output == "path=/ client=\(try pki.fingerprint("client"))")

            let served = recorder.all.count
            for name in ["client-other", "client-noauth"] {
                for version in ["1.2", "1.3"] {
                    let outcome = try curl(
                        port: server.boundPort,
                        ca + [
                            "--tls-max", version, "--cert", pki.path("\(name).pem"), "--key",
                            pki.path("\(name).key"),
                        ])
                    #expect(outcome.status != 0, "\(name) over TLS \(version) was accepted")
                }
            }
            #expect(recorder.all.count == served)
        }
    }

    @Test func requiredClientCertificates() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        let configuration = try tlsTestConfiguration(pki, clientCA: "ca", clientCertificates: .required)
        try withServer(configuration, handler: echoingHandler(recorder)) { server in
            let ca = ["--cacert", pki.path("ca.pem")]
            for version in ["1.2", "1.3"] {
                let without = try curl(port: server.boundPort, ca + ["--tls-max", version])
                #expect(without.status != 0, "no certificate over TLS \(version) was accepted")
                let other = try curl(
                    port: server.boundPort,
                    ca + [
                        "--tls-max", version, "--cert", pki.path("client-other.pem"), "--key",
                        pki.path("client-other.key"),
                    ])
                #expect(other.status != 0, "another CA's certificate over TLS \(version) was accepted")
            }
            #expect(recorder.all.isEmpty)
            let with = try curl(
                port: server.boundPort,
                ca + ["--cert", pki.path("client.pem"), "--key", pki.path("client.key")])
            #expect(with.status == 0, "\(with.error)")
            #expect(with.output == "path=/ client=\(try pki.fingerprint("client"))")
            #expect(recorder.last?.clientCertificateSHA256 == (try pki.fingerprint("client")))
        }
    }

    @Test func unusableSettingsStopTheStart() throws {
        let pki = try TestPKI.get()
        func startError(_ configuration: HTTPServerConfiguration) -> HTTPServerError.Code? {
            let server = HTTPServer(configuration: configuration) { _ in HTTPResponse(status: 200) }
            defer { server.stop() }
            do {
                try server.start()
            } catch let error as HTTPServerError {
                #expect(!error.description.contains("PRIVATE KEY"))
                return error.code
            } catch {
                return nil
            }
            return nil
        }
        var mismatched = try tlsTestConfiguration(pki)
        mismatched.tls?.certificates.privateKeyPEM = try pki.text("server2.key")
        #expect(startError(mismatched) == .invalidCertificate)

        var garbage = try tlsTestConfiguration(pki)
        garbage.tls?.certificates.certificateChainPEM = "not a certificate"
        #expect(startError(garbage) == .invalidCertificate)

        var badPriorities = try tlsTestConfiguration(pki)
        badPriorities.tls?.priorities = "NORMAL:+VERS-TLS9.9"
        #expect(startError(badPriorities) == .invalidConfiguration)

        let noCA = try tlsTestConfiguration(pki, clientCertificates: .required)
        #expect(startError(noCA) == .invalidConfiguration)

        var emptyCA = try tlsTestConfiguration(pki, clientCertificates: .optional)
        emptyCA.tls?.certificates.clientCAsPEM = "\n"
        #expect(startError(emptyCA) == .invalidCertificate)
    }

    @Test func certificateFilesAreReadAndTheKeyIsNeverDescribed() throws {
        let pki = try TestPKI.get()
        let certificates = try TLSCertificates(
            certificateChainFile: pki.path("server.pem"), privateKeyFile: pki.path("server.key"),
            clientCAsFile: pki.path("ca.pem"))
        #expect(certificates.privateKeyPEM == (try pki.text("server.key")))
        #expect(certificates.clientCAsPEM == (try pki.text("ca.pem")))
        #expect(!"\(certificates)".contains("PRIVATE"))
        #expect(!String(reflecting: certificates).contains("PRIVATE"))
        #expect(throws: HTTPServerError.self) {
            try TLSCertificates(
                certificateChainFile: pki.path("missing.pem"), privateKeyFile: pki.path("server.key"))
        }
    }
}
