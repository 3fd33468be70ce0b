import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd: an internal thread pool, each thread with its own epoll
/// loop, calling one handler per complete request. A handler answers at once, or later from any
/// thread (`HTTPReply.later`: the connection is suspended meanwhile and its thread serves others). With `HTTPServerConfiguration.tls` it
/// serves HTTPS only (libmicrohttpd's own TLS, through GnuTLS).
///
/// Lifecycle: `start()` → (optionally `quiesce()`, `reloadCertificates(_:)`) → `stop()`. It may
/// be started again after `stop()`. All methods are thread-safe, but `stop()` must not be
/// called from a handler.
public final class HTTPServer: Sendable {
    private struct Running {
        var daemon: OpaquePointer
        var context: Unmanaged<ServerContext>
        /// The listening socket handed back by `MHD_quiesce_daemon`; ours to close after stop.
        var quiescedSocket: Int32?
        /// HTTPS: the C strings MHD was started with (it keeps the pointers); freed after stop.
        var tlsStartStrings: CStrings?
    }

    private struct State {
        var running: Running?
        var boundPort = 0
        /// HTTPS: the certificates of the latest successful start or reload; the next start
        /// uses them too.
        var tlsCertificates: TLSCertificates?
    }

    let configuration: HTTPServerConfiguration
    private let handler: HTTPReplyHandler
    private let state: Mutex<State>

    /// Creates a server whose handler answers every request at once; nothing is bound until
    /// `start()`.
    public convenience init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.init(configuration: configuration, replying: { request in .now(handler(request)) })
    }

    /// Creates a server whose handler may answer later (`HTTPReply.later`), from any thread,
    /// without holding a pool thread meanwhile; nothing is bound until `start()`.
    public init(configuration: HTTPServerConfiguration, replying handler: @escaping HTTPReplyHandler) {
        self.configuration = configuration
        self.handler = handler
        self.state = Mutex(State(tlsCertificates: configuration.tls?.certificates))
    }

    deinit {
        stop()
    }

    /// Binds `configuration.host:port` and starts serving on libmicrohttpd's threads.
    ///
    /// Also sets SIGPIPE to be ignored for the whole process: a client that goes away mid-response
    /// must cost an EPIPE, not the process (libmicrohttpd avoids SIGPIPE where the platform lets it,
    /// but not on every path).
    ///
    /// - Throws: `HTTPServerError` — `.alreadyStarted`, `.invalidAddress`, `.invalidConfiguration`
    ///   or `.startFailed` (e.g. the address is in use); for HTTPS also `.tlsUnsupported` or
    ///   `.invalidCertificate`.
    public func start() throws {
        let configuration = self.configuration
        let handler = self.handler
        try state.withLock { state throws(HTTPServerError) in
            guard state.running == nil else {
                throw HTTPServerError(code: .alreadyStarted, context: "start() called on a running server")
            }
            let address = try SocketAddress(host: configuration.host, port: configuration.port)
            let limits = try Limits(configuration)
            var tls: (state: TLSState, strings: CStrings)?
            if let tlsConfiguration = configuration.tls, let certificates = state.tlsCertificates {
                tls = try Self.prepareTLS(tlsConfiguration, certificates)
            }
            _ = signal(SIGPIPE, SIG_IGN)

            let context = Unmanaged.passRetained(
                ServerContext(
                    handler: handler, maxBodyBytes: configuration.maxBodyBytes,
                    errorHandler: configuration.errorHandler, tls: tls?.state))
            var flags =
                MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_ITC.rawValue
                | MHD_ALLOW_SUSPEND_RESUME.rawValue
            #if os(Linux)
                flags |= MHD_USE_EPOLL.rawValue
            #else
                flags |= MHD_USE_AUTO.rawValue
            #endif
            if address.family == AF_INET6 { flags |= MHD_USE_IPv6.rawValue }
            if tls != nil { flags |= MHD_USE_TLS.rawValue }

            let started = address.withSockaddrPointer { sockaddrPointer in
                var options = cmhd_daemon_options(
                    flags: flags,
                    address: sockaddrPointer,
                    thread_pool_size: limits.threadPoolSize,
                    connection_limit: limits.connectionLimit,
                    per_ip_connection_limit: limits.perIPConnectionLimit,
                    connection_timeout_seconds: limits.connectionTimeoutSeconds,
                    connection_memory_limit_bytes: limits.connectionMemoryLimitBytes,
                    access_handler: mhdAccessHandler,
                    access_handler_cls: context.toOpaque(),
                    completed_handler: mhdRequestCompleted,
                    completed_handler_cls: context.toOpaque(),
                    listen_socket: configuration.listenSocket ?? -1,
                    tls_certificate_pem: tls?.strings.pointers[0],
                    tls_key_pem: tls?.strings.pointers[1],
                    tls_priorities: tls?.strings.pointers[2],
                    connection_notifier: mhdConnectionNotify,
                    connection_notifier_cls: context.toOpaque())
                // MHD copies the address during the call, so the pointer need not outlive it.
                let daemon = cmhd_start_daemon(&options)
                return (daemon, errno)  // errno right away, before anything can overwrite it.
            }
            if started.0 == nil {
                context.release()  // No daemon: no callback will ever borrow it.
                tls?.strings.release()
            }
            let daemon = try CheckedCall.nonNil(
                started.0, .startFailed,
                "MHD_start_daemon on \(configuration.host) port \(configuration.port)",
                errno: started.1)
            let port = Int(cmhd_daemon_bound_port(daemon))
            do throws(HTTPServerError) {
                try CheckedCall.succeeded(
                    port > 0, .startFailed, "MHD_get_daemon_info(MHD_DAEMON_INFO_BIND_PORT)")
            } catch {
                MHD_stop_daemon(daemon)
                context.release()  // The daemon is gone, and with it every callback.
                tls?.strings.release()
                throw error
            }
            state.running = Running(
                daemon: daemon, context: context, quiescedSocket: nil, tlsStartStrings: tls?.strings)
            state.boundPort = port
        }
    }

    /// The port the server is bound to: the OS's pick when configured with port 0.
    /// 0 before the first successful `start()`; after `stop()` it still reports the last port.
    public var boundPort: Int {
        state.withLock { $0.boundPort }
    }

    /// Stops accepting new connections while in-flight requests and open keep-alive connections
    /// are still served (`MHD_quiesce_daemon`). Does nothing unless running; idempotent.
    ///
    /// On Linux the listening socket is also shut down, so new clients are refused at once
    /// instead of waiting in the kernel's accept queue until `stop()`.
    public func quiesce() {
        let outcome = state.withLock { state -> Result<Void, HTTPServerError> in
            guard var running = state.running, running.quiescedSocket == nil else { return .success(()) }
            let socket = MHD_quiesce_daemon(running.daemon)
            do throws(HTTPServerError) {
                try CheckedCall.succeeded(socket != CMHD_INVALID_SOCKET, .quiesceFailed, "MHD_quiesce_daemon")
            } catch {
                return .failure(error)
            }
            // MHD no longer polls it, but a pool thread may still hold it: shut down, close after stop.
            // A passed-in socket is shared with its creator (systemd): never shut it down, so
            // clients keep queueing on it for the next process.
            if configuration.listenSocket == nil { _ = shutdown(socket, Int32(SHUT_RDWR)) }
            running.quiescedSocket = socket
            state.running = running
            return .success(())
        }
        // Reported outside the lock, so the error handler may call back into the server.
        if case .failure(let error) = outcome { configuration.errorHandler?(error) }
    }

    /// Requests received and not yet answered (their response not yet fully sent).
    public var requestsInFlight: Int {
        state.withLock { $0.running?.context.takeUnretainedValue().requestsInFlight.load(ordering: .relaxed) }
            ?? 0
    }

    /// After `quiesce()`: waits until every request in flight was answered, at most
    /// `timeoutSeconds`; true when none is left. Idle keep-alive connections do not count.
    public func drain(timeoutSeconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while requestsInFlight > 0 {
            guard ContinuousClock.now < deadline else { return false }
            usleep(10_000)
        }
        return true
    }

    /// Closes the listening socket and every connection and joins libmicrohttpd's threads
    /// (waiting for handlers that are still running). Deferred requests not answered yet get a
    /// 503 first. Idempotent; also called from `deinit`.
    /// When two threads call it at once, the second returns without waiting for the first.
    public func stop() {
        // Take the daemon out under the lock, stop it outside: MHD_stop_daemon waits for the
        // handlers, and a handler reading `boundPort` must not deadlock against it.
        let taken = state.withLock { state -> Running? in
            let running = state.running
            state.running = nil
            return running
        }
        guard let running = taken else { return }
        // MHD aborts when stopped with a suspended connection: answer deferred requests first.
        running.context.takeUnretainedValue().answerDeferredForStop()
        MHD_stop_daemon(running.daemon)
        if let socket = running.quiescedSocket { _ = close(socket) }
        running.context.release()  // Retained in start(); no callback can run any more.
        running.tlsStartStrings?.release()
    }

    /// Replaces the server certificate chain and key and the trusted client CAs without
    /// dropping anything: connections that are open keep the certificates they were set up
    /// with, every handshake from now on gets the new ones. Also used by later `start()` calls.
    ///
    /// The new set is checked first; when it is unusable this throws and nothing changes. Each
    /// set stays in memory until the last connection that uses it is closed.
    ///
    /// - Throws: `HTTPServerError` — `.tlsNotConfigured` (plain HTTP server),
    ///   `.invalidConfiguration` (client certificates requested but no client CA given) or
    ///   `.invalidCertificate`.
    public func reloadCertificates(_ certificates: TLSCertificates) throws(HTTPServerError) {
        guard let tlsConfiguration = configuration.tls else {
            throw HTTPServerError(
                code: .tlsNotConfigured, context: "reloadCertificates() on a plain HTTP server")
        }
        try Self.checkClientCAs(tlsConfiguration.clientCertificates, certificates)
        let credentials = try TLSCredentials(certificates)
        state.withLock { state in
            state.tlsCertificates = certificates
            state.running?.context.takeUnretainedValue().tls?.replace(credentials)
        }
    }

    /// The certificate generation new HTTPS connections get; nil unless running with TLS.
    /// (Tests watch its lifetime.)
    var currentTLSCredentials: TLSCredentials? {
        state.withLock { $0.running?.context.takeUnretainedValue().tls?.credentials }
    }

    /// Checks the TLS settings and loads the certificates for a start.
    private static func prepareTLS(
        _ tls: TLSConfiguration, _ certificates: TLSCertificates
    ) throws(HTTPServerError) -> (state: TLSState, strings: CStrings) {
        try CheckedCall.succeeded(
            MHD_is_feature_supported(.FEATURE_TLS) == .YES, .tlsUnsupported,
            "this libmicrohttpd has no TLS support (MHD_FEATURE_TLS)")
        try checkClientCAs(tls.clientCertificates, certificates)
        try checkPriorities(tls.priorities)
        let credentials = try TLSCredentials(certificates)
        // MHD loads these at start into credentials of its own, which every connection's
        // session then trades for the current `TLSCredentials` before its handshake.
        let strings = CStrings([certificates.certificateChainPEM, certificates.privateKeyPEM, tls.priorities])
        do throws(HTTPServerError) {
            try CheckedCall.succeeded(
                strings.pointers.allSatisfy { $0 != nil }, .startFailed, "strdup: out of memory")
        } catch {
            strings.release()
            throw error
        }
        return (TLSState(policy: tls.clientCertificates, credentials: credentials), strings)
    }

    private static func checkClientCAs(
        _ policy: ClientCertificatePolicy, _ certificates: TLSCertificates
    ) throws(HTTPServerError) {
        try CheckedCall.succeeded(
            policy == .none || certificates.clientCAsPEM != nil, .invalidConfiguration,
            "client certificates are \(policy) but no client CA certificates are given")
    }

    /// Parses a GnuTLS priority string, naming the part GnuTLS rejected.
    private static func checkPriorities(_ priorities: String) throws(HTTPServerError) {
        var cache: OpaquePointer?
        var errorPosition: UnsafePointer<CChar>?
        let result = gnutls_priority_init(&cache, priorities, &errorPosition)
        if let cache { gnutls_priority_deinit(cache) }
        let rejected = errorPosition.map { String(cString: $0) } ?? priorities
        try CheckedCall.gnutls(
            result, .invalidConfiguration, "TLS priorities rejected at \"\(rejected)\"")
    }
}

/// The configuration's numbers, checked and converted to the C types MHD expects.
private struct Limits {
    var threadPoolSize: UInt32
    var connectionLimit: UInt32
    var perIPConnectionLimit: UInt32
    var connectionTimeoutSeconds: UInt32
    var connectionMemoryLimitBytes: Int

    init(_ configuration: HTTPServerConfiguration) throws(HTTPServerError) {
        threadPoolSize = try Self.check(configuration.threadPoolSize, "threadPoolSize", minimum: 1)
        connectionLimit = try Self.check(
            configuration.connectionLimit, "connectionLimit", minimum: Int(threadPoolSize))
        perIPConnectionLimit = try Self.check(
            configuration.perIPConnectionLimit, "perIPConnectionLimit", minimum: 0)
        connectionTimeoutSeconds = try Self.check(
            configuration.connectionTimeoutSeconds, "connectionTimeoutSeconds", minimum: 1)
        // MHD needs room for the request line, headers and a read buffer.
        connectionMemoryLimitBytes = Int(
            try Self.check(
                configuration.connectionMemoryLimitBytes, "connectionMemoryLimitBytes", minimum: 4096))
        guard configuration.maxBodyBytes >= 0 else {
            throw HTTPServerError(code: .invalidConfiguration, context: "maxBodyBytes must not be negative")
        }
    }

    private static func check(_ value: Int, _ name: String, minimum: Int) throws(HTTPServerError) -> UInt32 {
        guard value >= minimum, let converted = UInt32(exactly: value) else {
            throw HTTPServerError(
                code: .invalidConfiguration,
                context: "\(name) = \(value) is not in \(minimum)...\(UInt32.max)")
        }
        return converted
    }
}
