#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PEM texts an HTTPS server needs: its certificate chain and private key, and the CAs it
/// trusts for client certificates. They are checked (parsed, key paired with the certificate)
/// when a server starts or reloads with them, never half-applied.
///
/// Its description never shows the private key, so it is safe to log.
public struct TLSCertificates: Sendable, CustomStringConvertible {
    /// The server certificate first, then any intermediate CA certificates, in PEM.
    public var certificateChainPEM: String
    /// The unencrypted private key of the server certificate, in PEM (PKCS#1, PKCS#8 or SEC1).
    public var privateKeyPEM: String
    /// One or more CA certificates in PEM that client certificates must chain to; nil when
    /// clients are not asked for certificates.
    public var clientCAsPEM: String?

    /// The largest file `init(certificateChainFile:privateKeyFile:clientCAsFile:)` reads.
    public static let maxFileBytes = 1 << 20

    /// Creates the set from PEM texts.
    public init(certificateChainPEM: String, privateKeyPEM: String, clientCAsPEM: String? = nil) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.clientCAsPEM = clientCAsPEM
    }

    /// Reads the PEM files (each at most `maxFileBytes`).
    ///
    /// - Throws: `HTTPServerError` `.invalidCertificate` naming the file that cannot be read.
    public init(
        certificateChainFile: String, privateKeyFile: String, clientCAsFile: String? = nil
    ) throws(HTTPServerError) {
        certificateChainPEM = try Self.read(certificateChainFile)
        privateKeyPEM = try Self.read(privateKeyFile)
        clientCAsPEM = try clientCAsFile.map { path throws(HTTPServerError) in try Self.read(path) }
    }

    /// Sizes only; the key is never shown.
    public var description: String {
        "TLSCertificates(chain: \(certificateChainPEM.utf8.count) bytes, key: redacted, "
            + "client CAs: \(clientCAsPEM.map { "\($0.utf8.count) bytes" } ?? "none"))"
    }

    private static func read(_ path: String) throws(HTTPServerError) -> String {
        let file = try CheckedCall.nonNil(
            fopen(path, "rb"), .invalidCertificate, "cannot open \(path)", errno: errno)
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[..<count])
            try CheckedCall.succeeded(
                bytes.count <= maxFileBytes, .invalidCertificate,
                "\(path) is larger than \(maxFileBytes) bytes")
            if count < chunk.count {
                try CheckedCall.succeeded(ferror(file) == 0, .invalidCertificate, "cannot read \(path)")
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HTTPServerError(code: .invalidCertificate, context: "\(path) is not PEM text")
        }
        return text
    }
}
