import CLibPQ
import Dispatch
import Synchronization

/// A fixed-size pool of connections with a blocking, time-limited acquire.
///
/// Connections are opened lazily, on the first acquire that finds no idle one, so a pool can be
/// created while the database is down. Before a connection is handed out, what the server sent
/// while it sat idle is read; a connection found broken (server restart, terminated backend, an
/// earlier failure) is reconnected first, and if that fails `withConnection` throws
/// `.connectionFailed` within `connect_timeout`. The most recently used connection is handed
/// out first. Callers block (no Swift concurrency): call from ordinary threads.
public final class PostgresPool: Sendable {
    /// The most connections this pool holds open at once.
    public let size: Int
    /// How long `withConnection` waits for a free connection before `.poolTimeout`.
    public let acquireTimeoutSeconds: Double
    private let conninfo: String
    /// Server settings of every session (see `PostgresConnection.init(conninfo:settings:)`).
    private let settings: [String: String]
    /// Counts free slots (idle connections plus never-opened ones).
    private let slots: DispatchSemaphore
    private let state = Mutex(State())

    private struct State {
        /// Idle connections, most recently used last.
        var idle: [PostgresConnection] = []
        var closed = false
        var statistics = PostgresPoolStatistics()
    }

    /// Creates a pool; no connection is opened yet (`size` below 1 counts as 1).
    /// `conninfo` is any libpq connection string or URI (see `PostgresConnection.init`).
    public init(
        conninfo: String, size: Int, acquireTimeoutSeconds: Double = 5, settings: [String: String] = [:]
    ) {
        self.settings = settings
        self.conninfo = conninfo
        self.size = max(1, size)
        self.acquireTimeoutSeconds = acquireTimeoutSeconds
        // Start at 0 and signal up: libdispatch traps when a semaphore is freed below its
        // initial value, which would make a pool dropped while in use crash.
        self.slots = DispatchSemaphore(value: 0)
        for _ in 0..<self.size {
            slots.signal()
        }
    }

    deinit {
        close()
    }

    /// Borrows a connection for the duration of `body`, then returns it to the pool.
    ///
    /// A transaction `body` left open is rolled back on return.
    /// - Throws: `.poolTimeout` when no connection is free within `acquireTimeoutSeconds`;
    ///   `.connectionFailed` when a connection cannot be (re)opened or the pool is closed;
    ///   otherwise whatever `body` throws.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Borrows a connection and runs `body` in a transaction on it (see
    /// `PostgresConnection.transaction`).
    public func withTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { connection in try connection.transaction(body) }
    }

    /// Closes the idle connections and refuses further acquires; connections in use are closed
    /// when they come back. Idempotent.
    public func close() {
        let idle = state.withLock { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle {
            connection.close()
        }
    }

    private func acquire() throws -> PostgresConnection {
        if state.withLock({ $0.closed }) {
            throw closedError()
        }
        let deadline = DispatchTime.now() + .nanoseconds(Int(max(0, acquireTimeoutSeconds) * 1e9))
        // A connection free right now is not a wait; anything else is counted as one.
        if slots.wait(timeout: .now()) == .success {
            return try take()
        }
        state.withLock { $0.statistics.waits += 1 }
        guard slots.wait(timeout: deadline) == .success else {
            state.withLock { $0.statistics.timeouts += 1 }
            throw PostgresError(
                .poolTimeout,
                context: "acquire: no free connection of \(size) within \(acquireTimeoutSeconds) s")
        }
        return try take()
    }

    /// With a slot held: an idle connection (repaired if the server dropped it) or a new one.
    private func take() throws -> PostgresConnection {
        let (closed, taken) = state.withLock { state in
            if !state.closed { state.statistics.inUse += 1 }
            return (state.closed, state.closed ? nil : state.idle.popLast())
        }
        if closed {
            slots.signal()
            throw closedError()
        }
        guard let connection = taken else {
            do {
                let connection = try PostgresConnection(conninfo: conninfo, settings: settings)
                state.withLock { $0.statistics.connects += 1 }
                return connection
            } catch {
                state.withLock { $0.statistics.inUse -= 1 }
                slots.signal()
                throw error
            }
        }
        connection.refreshStatus()
        if connection.isBroken {
            do {
                try connection.reconnect()
                state.withLock { $0.statistics.reconnects += 1 }
            } catch {
                // Keep it for a later attempt, behind the healthy ones.
                state.withLock { state in
                    state.idle.insert(connection, at: 0)
                    state.statistics.inUse -= 1
                }
                slots.signal()
                throw error
            }
        }
        return connection
    }

    private func release(_ connection: PostgresConnection) {
        if let handle = connection.handle, PQstatus(handle) == CONNECTION_OK {
            switch PQtransactionStatus(handle) {
            case PQTRANS_IDLE:
                break
            case PQTRANS_INTRANS, PQTRANS_INERROR:
                connection.rollbackQuietly()
            default:
                // A command still running (or an unknown state): start over on the next acquire.
                connection.close()
            }
        }
        let keep = state.withLock { state in
            state.statistics.inUse -= 1
            if !state.closed {
                state.idle.append(connection)
            }
            return !state.closed
        }
        if !keep {
            connection.close()
        }
        slots.signal()
    }

    /// Counters since the pool was created, and the connections lent out right now.
    public var statistics: PostgresPoolStatistics {
        state.withLock { $0.statistics }
    }

    private func closedError() -> PostgresError {
        PostgresError(.connectionFailed, context: "acquire", serverMessage: "the pool is closed")
    }
}
