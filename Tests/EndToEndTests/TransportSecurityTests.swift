import Foundation
import TestSupport
import Testing

/// The daemon's transport settings: HTTPS from `tls_cert` / `tls_key`, and plain HTTP only on
/// loopback or when `allow_plain_http = true`. No database is needed for these: the daemon
/// starts without one (lookups 503) and `/healthz` answers anyway.
@Suite("Daemon transport security")
struct TransportSecurityTests {
    /// A self-signed certificate for localhost / 127.0.0.1 as `<name>.pem` and `<name>-key.pem`
    /// in `directory` (a fresh one when nil), copied to the `cert.pem` / `key.pem` the daemon is
    /// pointed at.
    @discardableResult
    private static func selfSignedCertificate(in directory: String? = nil, name: String = "first") throws
        -> String
    {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tls-\(UUID().uuidString)")
        let directory = directory ?? temporary.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let made = try runProcess(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(directory)/\(name)-key.pem", "-out", "\(directory)/\(name).pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ], timeoutSeconds: 30)
        #expect(made.status == 0, "\(made.stderr)")
        for (source, target) in [("\(name).pem", "cert.pem"), ("\(name)-key.pem", "key.pem")] {
            try? FileManager.default.removeItem(atPath: "\(directory)/\(target)")
            try FileManager.default.copyItem(
                atPath: "\(directory)/\(source)", toPath: "\(directory)/\(target)")
        }
        return directory
    }

    private static func curlHealthz(port: Int, caFile: String) throws -> ProcessOutput {
        try runProcess(
            "curl",
            [
                "--silent", "--show-error", "--max-time", "10", "--cacert", caFile,
                "--resolve", "localhost:\(port):127.0.0.1", "https://localhost:\(port)/healthz",
            ], timeoutSeconds: 30)
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
            Issue.record(
                "unioncardd did not start (exit \(daemon.exitStatus.map(String.init) ?? "none")): \(daemon.stderrSoFar)"
            )
            return
        }
        #expect(line.contains("scheme=https"))
        let secure = try Self.curlHealthz(port: port, caFile: directory + "/cert.pem")
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

    @Test func sighupReloadsTheCertificateFiles() throws {
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
            Issue.record(
                "unioncardd did not start (exit \(daemon.exitStatus.map(String.init) ?? "none")): \(daemon.stderrSoFar)"
            )
            return
        }
        #expect(try Self.curlHealthz(port: port, caFile: directory + "/first.pem").status == 0)

        try Self.selfSignedCertificate(in: directory, name: "second")
        kill(daemon.pid, SIGHUP)
        #expect(daemon.waitForStderr(containing: "TLS certificates replaced", timeoutSeconds: 10) != nil)
        let second = try Self.curlHealthz(port: port, caFile: directory + "/second.pem")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.curlHealthz(port: port, caFile: directory + "/first.pem").status == 60)

        // A broken key file is refused and the second certificate stays.
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: directory + "/key.pem"))
        kill(daemon.pid, SIGHUP)
        #expect(daemon.waitForStderr(containing: "keeping the running", timeoutSeconds: 10) != nil)
        #expect(try Self.curlHealthz(port: port, caFile: directory + "/second.pem").status == 0)
    }

    /// The systemd watchdog asks the daemon's own /healthz: over HTTPS when it serves HTTPS.
    @Test func theWatchdogPingsWhileServingHTTPS() throws {
        let directory = try Self.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let listener = try NotifyListener()
        let daemon = try BackgroundProcess(
            BuildProducts.path(of: "unioncardd"), ["--listen", "127.0.0.1:0"] + Self.noDatabase,
            environment: [
                "UNIONCARD_TLS_CERT": directory + "/cert.pem", "UNIONCARD_TLS_KEY": directory + "/key.pem",
                "UNIONCARD_THREADS": "2", "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000",
            ])
        defer { _ = daemon.terminate(signal: SIGTERM, waitSeconds: 10) }
        #expect(daemon.waitForStderr(containing: "msg=listening", timeoutSeconds: 30) != nil)
        #expect(listener.wait(for: "WATCHDOG=1", seconds: 5))
        #expect(!daemon.stderrSoFar.contains("own health check failed"))
    }
}
