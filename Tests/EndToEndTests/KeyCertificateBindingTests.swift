import Foundation
import TestSupport
import Testing

/// Mutual TLS bound to a key: a key bound to its terminal's certificate works only on a
/// connection that presented that certificate.
@Suite("Keys bound to terminal certificates")
struct KeyCertificateBindingTests {
    private func openssl(_ arguments: [String]) throws -> String {
        let run = try runProcess("openssl", arguments, timeoutSeconds: 30)
        #expect(run.status == 0, "openssl \(arguments.first ?? ""): \(run.stderr)")
        return run.stdout
    }

    @Test("bound key: 200 with its certificate, 401 without; unbound keys unaffected")
    func boundKeyNeedsItsCertificate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mtls-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        _ = try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "\(directory)/server-key.pem", "-out", "\(directory)/server.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
        _ = try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "\(directory)/ca-key.pem", "-out", "\(directory)/ca.pem", "-days", "2",
                "-subj", "/CN=terminals",
            ])
        _ = try openssl(
            ["req"] + ec + [
                "-keyout", "\(directory)/till-key.pem", "-out", "\(directory)/till.csr", "-subj",
                "/CN=till-1",
            ])
        try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/ext.cnf"))
        _ = try openssl([
            "x509", "-req", "-in", "\(directory)/till.csr", "-CA", "\(directory)/ca.pem", "-CAkey",
            "\(directory)/ca-key.pem", "-CAcreateserial", "-out", "\(directory)/till.pem", "-days", "2",
            "-extfile", "\(directory)/ext.cnf",
        ])
        let fingerprint =
            try openssl(["x509", "-in", "\(directory)/till.pem", "-noout", "-fingerprint", "-sha256"])
            .split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""

        let fixture = try DaemonFixture(environment: [
            "UNIONCARD_TLS_CERT": "\(directory)/server.pem",
            "UNIONCARD_TLS_KEY": "\(directory)/server-key.pem",
            "UNIONCARD_TLS_CLIENT_CA": "\(directory)/ca.pem",
        ])
        let port = fixture.client.port
        func curl(_ key: String, withCertificate: Bool) throws -> Int {
            var arguments = [
                "--silent", "--max-time", "10", "--output", "/dev/null", "--write-out", "%{http_code}",
                "--cacert", "\(directory)/server.pem", "-H",
                "Authorization: Bearer \(fixture.keys[key] ?? "")",
            ]
            if withCertificate {
                arguments += ["--cert", "\(directory)/till.pem", "--key", "\(directory)/till-key.pem"]
            }
            let run = try runProcess(
                "curl", arguments + ["https://127.0.0.1:\(port)/v1/lookup?code=100000000001"],
                timeoutSeconds: 30)
            return Int(run.stdout) ?? -1
        }
        #expect(try curl("coop", withCertificate: false) == 200, "unbound: no certificate needed")

        let coopID = String((fixture.keys["coop"] ?? "").split(separator: "_")[1])
        let bind = try runProcess(
            BuildProducts.path(of: "unioncardctl"),
            [
                "--database", fixture.cluster.conninfo(database: fixture.database), "key", "bind-cert",
                coopID, fingerprint,
            ])
        #expect(bind.status == 0, "\(bind.stderr)")
        var refused = false
        for _ in 0..<20 where !refused {
            refused = try curl("coop", withCertificate: false) == 401
            if !refused { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(refused, "a bound key without its certificate is refused within 2 s")
        #expect(try curl("coop", withCertificate: true) == 200)
        #expect(try curl("pho", withCertificate: false) == 200, "other keys are unaffected")
        #expect(try curl("pho", withCertificate: true) == 200)
    }
}
