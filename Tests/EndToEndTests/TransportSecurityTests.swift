import Foundation
import TestSupport
import Testing

/// The daemon's transport settings: HTTPS from `tls_cert` / `tls_key`, and plain HTTP only on
/// loopback or when `allow_plain_http = true`. No database is needed for these: the daemon
/// starts without one (lookups 503) and `/healthz` answers anyway.
@Suite("Daemon transport security")
struct TransportSecurityTests {
    /// A self-signed certificate for localhost / 127.0.0.1 in a fresh directory.
    private static func selfSignedCertificate() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tls-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let made = try runProcess(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ], timeoutSeconds: 30)
        #expect(made.status == 0, "\(made.stderr)")
        return directory
    }

    private static let noDatabase = ["--database", "host=/nonexistent-unioncard-socket-dir"]

    @Test func plainHTTPOnAPublicAddressNeedsAllowPlainHTTP() throws {
        let refused = try runProcess(
            BuildProducts.path(of: "unioncardd"), ["--listen", "0.0.0.0:0"] + Self.noDatabase,
            timeoutSeconds: 30)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("allow_plain_http"), "\(refused.stderr)")

        let allowed = try BackgroundProcess(
            BuildProducts.path(of: "unioncardd"), ["--listen", "0.0.0.0:0"] + Self.noDatabase,
            environment: ["UNIONCARD_ALLOW_PLAIN_HTTP": "true", "UNIONCARD_THREADS": "2"])
        defer { _ = allowed.terminate(signal: SIGTERM, waitSeconds: 10) }
        let line = allowed.waitForStderr(containing: "msg=listening", timeoutSeconds: 30)
        #expect(line?.contains("scheme=http") == true, "\(line ?? "no listening line")")
    }

    @Test func tlsFilesTurnOnHTTPSOnly() throws {
        let directory = try Self.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try BackgroundProcess(
            BuildProducts.path(of: "unioncardd"), ["--listen", "127.0.0.1:0"] + Self.noDatabase,
            environment: [
                "UNIONCARD_TLS_CERT": directory + "/cert.pem", "UNIONCARD_TLS_KEY": directory + "/key.pem",
                "UNIONCARD_THREADS": "2",
            ])
        defer { _ = daemon.terminate(signal: SIGTERM, waitSeconds: 10) }
        guard let line = daemon.waitForStderr(containing: "msg=listening", timeoutSeconds: 30),
            let port = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }).flatMap({
                Int($0.dropFirst(5))
            })
        else {
            Issue.record("unioncardd did not start")
            return
        }
        #expect(line.contains("scheme=https"))
        let secure = try runProcess(
            "curl",
            [
                "--silent", "--show-error", "--max-time", "10", "--cacert", directory + "/cert.pem",
                "--resolve", "localhost:\(port):127.0.0.1", "https://localhost:\(port)/healthz",
            ], timeoutSeconds: 30)
        #expect(secure.status == 0, "\(secure.stderr)")
        #expect(secure.stdout.contains("\"ok\""))
        let plain = try runProcess(
            "curl", ["--silent", "--max-time", "5", "http://127.0.0.1:\(port)/healthz"], timeoutSeconds: 30)
        #expect(plain.status != 0)
    }

    @Test func halfATLSConfigurationIsRefused() throws {
        let directory = try Self.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (environment, problem) in [
            (["UNIONCARD_TLS_CERT": directory + "/cert.pem"], "tls_cert and tls_key"),
            (["UNIONCARD_TLS_CERT": directory + "/missing.pem"], "not a readable file"),
            (["UNIONCARD_TLS_CLIENT_CA": directory + "/cert.pem"], "tls_client_ca needs"),
        ] {
            let outcome = try runProcess(
                BuildProducts.path(of: "unioncardd"), ["--listen", "127.0.0.1:0"] + Self.noDatabase,
                environment: environment, timeoutSeconds: 30)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains(problem), "\(outcome.stderr)")
        }
    }
}
