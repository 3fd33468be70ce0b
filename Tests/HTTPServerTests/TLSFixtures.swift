import Foundation
import HTTPServer
import Testing

/// What a child process printed and how it ended.
struct ProcessOutcome {
    var status: Int32
    var output: String
    var error: String
}

/// Runs a program found on PATH and waits for it (at most `timeoutSeconds`, then it is killed).
func runProgram(_ program: String, _ arguments: [String], timeoutSeconds: Double = 20) throws
    -> ProcessOutcome
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    // Both outputs are small (certificates, curl bodies): read them after the exit.
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // SIGTERM may be blocked.
    process.waitUntilExit()
    return ProcessOutcome(
        status: process.terminationStatus,
        output: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
        error: String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
}

/// A throwaway PKI made with `openssl` once per test process, in a fresh temporary directory:
/// two CAs, server certificates (valid, expired, signed by the other CA) and client
/// certificates (valid, from the other CA, without the clientAuth key purpose).
struct TestPKI: Sendable {
    let directory: String

    /// The PKI of this test process (made on first use).
    static let shared: Result<TestPKI, TLSFixtureError> = Result { () throws(TLSFixtureError) in
        try TestPKI.make()
    }

    /// `shared`, or a thrown error that fails the test with openssl's own message.
    static func get() throws -> TestPKI { try shared.get() }

    /// The path of a file of the PKI, e.g. `path("ca.pem")`.
    func path(_ name: String) -> String { directory + "/" + name }

    /// The text of a file of the PKI.
    func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// A server certificate set: `<name>.pem` with `<name>.key`, client CAs from `clientCA`.
    func certificates(_ name: String, clientCA: String? = nil) throws -> TLSCertificates {
        TLSCertificates(
            certificateChainPEM: try text("\(name).pem"), privateKeyPEM: try text("\(name).key"),
            clientCAsPEM: try clientCA.map { try text("\($0).pem") })
    }

    /// The lowercase hex SHA-256 of the DER of `<name>.pem`, as openssl computes it.
    func fingerprint(_ name: String) throws -> String {
        let outcome = try runProgram(
            "openssl", ["x509", "-in", path("\(name).pem"), "-noout", "-fingerprint", "-sha256"])
        guard outcome.status == 0, let equals = outcome.output.firstIndex(of: "=") else {
            throw TLSFixtureError(message: "openssl fingerprint: \(outcome.error)")
        }
        return outcome.output[outcome.output.index(after: equals)...]
            .filter { $0 != ":" && !$0.isWhitespace }.lowercased()
    }

    private static func make() throws(TLSFixtureError) -> TestPKI {
        let directory =
            FileManager.default.temporaryDirectory.path + "/unioncard-tls-\(getpid())-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TLSFixtureError(message: "cannot create \(directory): \(error)")
        }
        let pki = TestPKI(directory: directory)
        try pki.write(
            "server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        try pki.write("client.ext", "extendedKeyUsage=clientAuth\n")
        try pki.write("client-noauth.ext", "extendedKeyUsage=serverAuth\n")
        try pki.selfSigned("ca", subject: "/CN=unioncard test CA")
        try pki.selfSigned("other-ca", subject: "/CN=unioncard other test CA")
        try pki.issued("server", by: "ca", subject: "/CN=localhost", extensions: "server.ext", days: "2")
        try pki.issued("expired", by: "ca", subject: "/CN=localhost", extensions: "server.ext", days: "-1")
        try pki.issued(
            "server2", by: "other-ca", subject: "/CN=localhost", extensions: "server.ext", days: "2")
        try pki.issued("client", by: "ca", subject: "/CN=terminal-1", extensions: "client.ext", days: "2")
        try pki.issued(
            "client-other", by: "other-ca", subject: "/CN=terminal-2", extensions: "client.ext", days: "2")
        try pki.issued(
            "client-noauth", by: "ca", subject: "/CN=terminal-3", extensions: "client-noauth.ext", days: "2")
        return pki
    }

    private func write(_ name: String, _ text: String) throws(TLSFixtureError) {
        do {
            try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        } catch {
            throw TLSFixtureError(message: "cannot write \(name): \(error)")
        }
    }

    private func selfSigned(_ name: String, subject: String) throws(TLSFixtureError) {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", subject,
        ])
    }

    /// `-days -1` makes a certificate whose validity ended before it began: expired.
    private func issued(
        _ name: String, by issuer: String, subject: String, extensions: String, days: String
    ) throws(TLSFixtureError) {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject,
        ])
        try openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(issuer).pem"),
            "-CAkey", path("\(issuer).key"), "-set_serial", String(UInt32.random(in: 1...UInt32.max)),
            "-out", path("\(name).pem"), "-days", days, "-extfile", path(extensions),
        ])
    }

    private func openssl(_ arguments: [String]) throws(TLSFixtureError) {
        let outcome: ProcessOutcome
        do {
            outcome = try runProgram("openssl", arguments)
        } catch {
            throw TLSFixtureError(message: "cannot run openssl (apt-get install openssl): \(error)")
        }
        guard outcome.status == 0 else {
            throw TLSFixtureError(
                message: "openssl \(arguments.prefix(2).joined(separator: " ")): \(outcome.error)")
        }
    }
}

/// The test PKI could not be made.
struct TLSFixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An HTTPS test configuration: loopback, OS-picked port, `server.pem` unless told otherwise.
func tlsTestConfiguration(
    _ pki: TestPKI, certificate: String = "server", clientCA: String? = nil,
    clientCertificates: ClientCertificatePolicy = .none,
    priorities: String = TLSConfiguration.defaultPriorities
) throws -> HTTPServerConfiguration {
    let certificates = try pki.certificates(certificate, clientCA: clientCA)
    return testConfiguration {
        $0.tls = TLSConfiguration(
            certificates: certificates, clientCertificates: clientCertificates, priorities: priorities)
    }
}

/// A handler that records the request and answers 200 with the path and the client certificate
/// fingerprint (or "none").
func echoingHandler(_ recorder: RequestRecorder) -> HTTPHandler {
    { request in
        recorder.record(request)
        let body = "path=\(request.path) client=\(request.clientCertificateSHA256 ?? "none")"
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(body.utf8))
    }
}

/// Runs curl against `https://localhost:<port><path>` (the certificates name localhost, which
/// is pinned to 127.0.0.1) with `arguments` before the URL; bounded to 10 s.
func curl(port: Int, path: String = "/", _ arguments: [String]) throws -> ProcessOutcome {
    try runProgram(
        "curl",
        ["--silent", "--show-error", "--max-time", "10", "--resolve", "localhost:\(port):127.0.0.1"]
            + arguments + ["https://localhost:\(port)\(path)"])
}
