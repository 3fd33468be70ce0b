import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// A long-lived `openssl s_client` connection: one TLS session carrying several requests.
final class KeepAliveTLSClient {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let received = ReceivedBytes()

    /// Connects to 127.0.0.1:port and verifies the server against `caFile` (the handshake fails
    /// otherwise).
    init(port: Int, caFile: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "s_client", "-quiet", "-connect", "127.0.0.1:\(port)", "-servername", "localhost",
            "-CAfile", caFile, "-verify_return_error",
        ]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [received] handle in
            received.append(handle.availableData)
        }
        try process.run()
    }

    deinit {
        output.fileHandleForReading.readabilityHandler = nil
        close()
    }

    /// Sends a GET for `path` on the open connection.
    func get(_ path: String) throws {
        try input.fileHandleForWriting.write(
            contentsOf: Data("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
    }

    /// Waits until the received bytes contain `text`; false after `timeoutSeconds`.
    func waitFor(_ text: String, timeoutSeconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            let seen = received.text
            if seen.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Closes the connection (ends s_client). SIGKILL: the child may inherit a signal mask
    /// that blocks SIGTERM.
    func close() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Bytes appended by a reader thread and read by the test.
final class ReceivedBytes: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func append(_ data: Data) {
        bytes.withLock { $0.append(contentsOf: data) }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}

@Suite("HTTPS certificate reload")
struct TLSReloadTests {
    @Test func newHandshakesGetTheNewCertificateWhileAnOpenConnectionKeepsWorking() throws {
        let pki = try TestPKI.get()
        let recorder = RequestRecorder()
        let server = HTTPServer(
            configuration: try tlsTestConfiguration(pki), handler: echoingHandler(recorder))
        try server.start()
        defer { server.stop() }
        let port = server.boundPort
        let firstCA = ["--cacert", pki.path("ca.pem")]
        let secondCA = ["--cacert", pki.path("other-ca.pem")]
        #expect(try curl(port: port, firstCA).status == 0)
        #expect(try curl(port: port, secondCA).status == 60)

        let keepAlive = try KeepAliveTLSClient(port: port, caFile: pki.path("ca.pem"))
        try keepAlive.get("/before")
        #expect(keepAlive.waitFor("path=/before"))
        weak let firstGeneration = server.currentTLSCredentials
        #expect(firstGeneration != nil)

        // server2.pem is signed by the other CA: which CA a new handshake needs tells which
        // certificate the server presented.
        try server.reloadCertificates(try pki.certificates("server2"))
        let after = try curl(port: port, path: "/after", secondCA)
        #expect(after.status == 0, "\(after.error)")
        #expect(after.output == "path=/after client=none")
        #expect(try curl(port: port, firstCA).status == 60)

        // The connection opened before the reload still carries requests.
        try keepAlive.get("/still-open")
        #expect(keepAlive.waitFor("path=/still-open"))
        #expect(firstGeneration != nil, "the open connection still uses the first certificate")

        // Once it is closed, nothing uses the first certificate any more and it is freed.
        keepAlive.close()
        let deadline = Date().addingTimeInterval(5)
        while firstGeneration != nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(firstGeneration == nil, "the first certificate generation was not freed")
    }

    @Test func anUnusableReloadChangesNothing() throws {
        let pki = try TestPKI.get()
        let server = HTTPServer(
            configuration: try tlsTestConfiguration(pki), handler: echoingHandler(RequestRecorder()))
        try server.start()
        defer { server.stop() }
        var mismatched = try pki.certificates("server")
        mismatched.privateKeyPEM = try pki.text("server2.key")
        #expect(throws: HTTPServerError.self) { try server.reloadCertificates(mismatched) }
        #expect(try curl(port: server.boundPort, ["--cacert", pki.path("ca.pem")]).status == 0)
    }

    @Test func theReloadedCertificateSurvivesARestart() throws {
        let pki = try TestPKI.get()
        let server = HTTPServer(
            configuration: try tlsTestConfiguration(pki), handler: echoingHandler(RequestRecorder()))
        try server.reloadCertificates(try pki.certificates("server2"))  // before the first start
        try server.start()
        defer { server.stop() }
        #expect(try curl(port: server.boundPort, ["--cacert", pki.path("other-ca.pem")]).status == 0)
        server.stop()
        try server.start()
        #expect(try curl(port: server.boundPort, ["--cacert", pki.path("other-ca.pem")]).status == 0)
    }

    @Test func reloadingAPlainHTTPServerIsAnError() throws {
        let pki = try TestPKI.get()
        let server = HTTPServer(configuration: testConfiguration()) { _ in HTTPResponse(status: 200) }
        #expect {
            try server.reloadCertificates(try pki.certificates("server"))
        } throws: { error in
            (error as? HTTPServerError)?.code == .tlsNotConfigured
        }
    }
}
