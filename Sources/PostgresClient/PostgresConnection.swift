import CLibPQ

/// One libpq connection; use from one thread at a time.
///
/// Statements run synchronously (the calling thread blocks). Results are fetched in text format.
/// After a failure that broke the connection `isBroken` is true; `reconnect()` repairs it (the
/// pool does that by itself on the next acquire).
///
/// `@unchecked Sendable`: a connection has mutable state (the libpq handle, the set of prepared
/// statements) and is not safe to use from two threads at once. It is Sendable only so that
/// `PostgresPool` can hand it from thread to thread: the pool stores idle connections under its
/// lock and gives each one to a single borrower at a time, and the lock's acquire/release orders
/// one borrower's use before the next one's.
public final class PostgresConnection: @unchecked Sendable {
    /// The libpq handle; nil once closed.
    var handle: OpaquePointer?
    /// Statements prepared on this session: name → SQL.
    var prepared: [String: String] = [:]
    /// Set when the session was left in a state no statement can recover from (e.g. a COPY that
    /// could not be ended); makes `isBroken` true until `reconnect()`.
    var poisoned = false
    /// Depth of nested `transaction` calls (savepoints).
    var savepointDepth = 0
    /// The connection string this connection was opened with.
    let conninfo: String
    /// Server settings for every session of this connection (sent as libpq `options`).
    let settings: [String: String]

    /// Opens a connection (`PQconnectdbParams`) and waits until it is ready.
    ///
    /// `conninfo` is any libpq connection string: `key=value …`, a `postgresql://` URI, or empty
    /// for libpq's defaults (`PGHOST`, `PGDATABASE` …). Defaults it can override:
    /// `connect_timeout=3` (unless `PGCONNECT_TIMEOUT` is set), `fallback_application_name=unioncard`,
    /// `tcp_user_timeout=10000`, `keepalives_idle=30`, `keepalives_interval=10`,
    /// `keepalives_count=3`. `client_encoding` is always UTF8.
    /// - Throws: `PostgresError(.connectionFailed)`.
    public init(conninfo: String) throws {
        self.conninfo = conninfo
        self.settings = [:]
        self.handle = try Self.connect(conninfo, settings: [:])
    }

    /// Opens a connection whose sessions start with these server settings (libpq's `options`
    /// keyword, `-c name=value`), e.g. `["plan_cache_mode": "force_generic_plan"]`. They replace
    /// any `options` the connection string carries. Names and values must be plain words.
    /// - Throws: `PostgresError(.connectionFailed)`.
    public init(conninfo: String, settings: [String: String]) throws {
        self.conninfo = conninfo
        self.settings = settings
        self.handle = try Self.connect(conninfo, settings: settings)
    }

    deinit {
        close()
    }

    /// True when the connection cannot be used: closed, or `PQstatus` is not `CONNECTION_OK`.
    public var isBroken: Bool {
        guard let handle else {
            return true
        }
        return poisoned || PQstatus(handle) != CONNECTION_OK
    }

    /// Re-opens the session (`PQreset`, or a fresh connection if it was closed). Statements
    /// prepared on the old session are forgotten and prepared again on first use.
    /// - Throws: `PostgresError(.connectionFailed)` when the server cannot be reached.
    public func reconnect() throws {
        prepared = [:]
        poisoned = false
        savepointDepth = 0
        guard let handle else {
            self.handle = try Self.connect(conninfo, settings: settings)
            return
        }
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError.fromLibPQ(
                connection: handle, result: nil, context: "reconnect", code: .connectionFailed)
        }
    }

    /// Closes the connection (`PQfinish`). Idempotent; later statements throw `.connectionLost`.
    public func close() {
        if let handle {
            PQfinish(handle)
        }
        handle = nil
        prepared = [:]
    }

    /// The server process id of this session (`PQbackendPID`), 0 when not connected.
    public var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// Whether the session is outside any transaction block (`PQTRANS_IDLE`).
    public var isIdleOutsideTransaction: Bool {
        handle.map { PQtransactionStatus($0) == PQTRANS_IDLE } ?? false
    }

    /// The handle, or `.connectionLost` when the connection was closed.
    func liveHandle(_ context: String) throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(.connectionLost, context: context, serverMessage: "connection is closed")
        }
        return handle
    }

    /// Opens a libpq connection with our defaults added to `conninfo`.
    static func connect(_ conninfo: String, settings: [String: String]) throws -> OpaquePointer {
        // Array entries before the expanded `dbname` are defaults the connection string can
        // override; entries after it override the connection string (libpq docs, expand_dbname).
        var options: [(String, String)] = []
        if Environment.value(of: "PGCONNECT_TIMEOUT") == nil {
            options.append(("connect_timeout", "3"))
        }
        options.append(("fallback_application_name", "unioncard"))
        // Over TCP, notice a peer that vanished without closing (host down, network cut) within
        // seconds instead of the kernel's ~15 minutes: unacknowledged data for 10 s or three
        // unanswered keepalives after 30 s idle end the connection. Unix sockets ignore these.
        options.append(("tcp_user_timeout", "10000"))
        options.append(("keepalives_idle", "30"))
        options.append(("keepalives_interval", "10"))
        options.append(("keepalives_count", "3"))
        options.append(("dbname", conninfo))
        if !settings.isEmpty {
            let words = settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }
            options.append(("options", words.joined(separator: " ")))
        }
        options.append(("client_encoding", "UTF8"))
        let keywords = options.map { Optional($0.0) } + [nil]
        let values = options.map { Optional($0.1) } + [nil]
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw PostgresError(.connectionFailed, context: "connect", serverMessage: "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = PostgresError.fromLibPQ(
                connection: connection, result: nil, context: "connect", code: .connectionFailed)
            PQfinish(connection)
            throw error
        }
        // Notices (and the FATAL a server sends before it drops an idle session) would go to
        // stderr through libpq's default processor; the daemon logs in its own format, so drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return connection
    }

    /// Reads what the server sent while the connection sat idle, so a session the server has
    /// ended (terminated backend, shutdown) shows as broken before it is used. Does not block.
    func refreshStatus() {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            return
        }
        // The first read may only fetch the server's goodbye message; the second sees the EOF.
        for _ in 0..<2 where PQstatus(handle) == CONNECTION_OK {
            _ = PQconsumeInput(handle)
        }
    }
}
