/// A failure of the HTTP server: which operation failed and a short context for the operator.
///
/// The description never carries request data (paths, headers, bodies), so it is safe to log.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    /// What kind of operation failed.
    public enum Code: String, Sendable {
        /// `configuration.host` is not an IPv4 or IPv6 literal, or the port is out of range.
        case invalidAddress
        /// A numeric setting of `HTTPServerConfiguration` is out of range.
        case invalidConfiguration
        /// `MHD_start_daemon` refused to start (address in use, no permission, limits, …).
        case startFailed
        /// `start()` was called on a server that is already running.
        case alreadyStarted
        /// Building or queueing a response failed inside libmicrohttpd (reported via
        /// `HTTPServerConfiguration.errorHandler`; the client got a 500 or a closed connection).
        case responseFailed
        /// `MHD_quiesce_daemon` failed (reported via `HTTPServerConfiguration.errorHandler`).
        case quiesceFailed
        /// HTTPS was configured but this libmicrohttpd was built without TLS support.
        case tlsUnsupported
        /// `reloadCertificates` was called on a server configured without TLS.
        case tlsNotConfigured
        /// A certificate, private key or CA file could not be read, parsed or paired.
        case invalidCertificate
        /// Preparing the TLS side of a new connection failed (reported via
        /// `HTTPServerConfiguration.errorHandler`; that connection is closed unanswered).
        case tlsConnectionFailed
    }

    /// What kind of operation failed.
    public var code: Code
    /// Which call failed and, where known, the system error; no request data.
    public var context: String

    /// Creates an error from a code and a context.
    public init(code: Code, context: String) {
        self.code = code
        self.context = context
    }

    /// `"<code>: <context>"`.
    public var description: String { "\(code.rawValue): \(context)" }
}
