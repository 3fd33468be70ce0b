import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd: an internal thread pool, each thread with its own epoll
/// loop, calling one `HTTPHandler` per complete request.
///
/// Lifecycle: `start()` → (optionally `quiesce()`) → `stop()`. It may be started again after
/// `stop()`. All methods are thread-safe, but `stop()` must not be called from a handler.
public final class HTTPServer: Sendable {
    private struct Running {
        var daemon: OpaquePointer
        var context: Unmanaged<ServerContext>
        /// The listening socket handed back by `MHD_quiesce_daemon`; ours to close after stop.
        var quiescedSocket: Int32?
    }

    private struct State {
        var running: Running?
        var boundPort = 0
    }

    private let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let state = Mutex(State())

    /// Creates a server; nothing is bound until `start()`.
    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
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
    ///   or `.startFailed` (e.g. the address is in use).
    public func start() throws {
        let configuration = self.configuration
        let handler = self.handler
        try state.withLock { state throws(HTTPServerError) in
            guard state.running == nil else {
                throw HTTPServerError(code: .alreadyStarted, context: "start() called on a running server")
            }
            let address = try SocketAddress(host: configuration.host, port: configuration.port)
            let limits = try Limits(configuration)
            _ = signal(SIGPIPE, SIG_IGN)

            let context = Unmanaged.passRetained(
                ServerContext(
                    handler: handler, maxBodyBytes: configuration.maxBodyBytes,
                    errorHandler: configuration.errorHandler))
            var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_ITC.rawValue
            #if os(Linux)
                flags |= MHD_USE_EPOLL.rawValue
            #else
                flags |= MHD_USE_AUTO.rawValue
            #endif
            if address.family == AF_INET6 { flags |= MHD_USE_IPv6.rawValue }

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
                    listen_socket: configuration.listenSocket ?? -1)
                // MHD copies the address during the call, so the pointer need not outlive it.
                let daemon = cmhd_start_daemon(&options)
                return (daemon, errno)  // errno right away, before anything can overwrite it.
            }
            if started.0 == nil { context.release() }  // No daemon: no callback will ever borrow it.
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
                throw error
            }
            state.running = Running(daemon: daemon, context: context, quiescedSocket: nil)
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
    /// (waiting for handlers that are still running). Idempotent; also called from `deinit`.
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
        MHD_stop_daemon(running.daemon)
        if let socket = running.quiescedSocket { _ = close(socket) }
        running.context.release()  // Retained in start(); no callback can run any more.
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
