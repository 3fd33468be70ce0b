import CMicroHTTPD
import Synchronization

/// Sends the response to a request whose handler answered `HTTPReply.later`.
///
/// The connection is suspended (`MHD_suspend_connection`) before the responder is handed out.
/// `send` stores how to make the response and resumes the connection (`MHD_resume_connection`,
/// which libmicrohttpd allows from any thread); the connection's pool thread then makes the
/// response and queues it. So a handler's costly part — logging, counting, encoding — runs on
/// the pool threads, not on the thread that calls `send`.
///
/// The connection pointer lives in the lock and is used only while the request is alive: the
/// request-completed callback marks the responder closed under the same lock before
/// libmicrohttpd frees the connection, so a late `send` never touches freed memory.
public final class HTTPResponder: Sendable {
    /// The connection handle, handed from the pool thread to whichever thread sends.
    /// `@unchecked` is safe: Swift never dereferences it, libmicrohttpd's resume is thread-safe,
    /// and the handle is used only under the responder's lock while the request is alive.
    private struct Connection: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private enum Phase: Sendable {
        /// Suspended, waiting for `send`.
        case waiting(Connection)
        /// `send` was called; the connection is resumed and its thread will make the response.
        case answered(@Sendable () -> HTTPResponse)
        /// The response was handed to libmicrohttpd, or the request ended; `send` does nothing.
        case finished
    }

    private let phase: Mutex<Phase>

    init(connection: OpaquePointer) {
        phase = Mutex(.waiting(Connection(pointer: connection)))
    }

    /// Sends `response`. Only the first call of `send` counts.
    public func send(_ response: HTTPResponse) {
        send { response }
    }

    /// Sends the response `make` returns; `make` runs once, on the connection's pool thread
    /// (or, when the client is gone by then, on the thread that ends the request, its result
    /// dropped). Only the first call of `send` counts.
    public func send(making make: @escaping @Sendable () -> HTTPResponse) {
        phase.withLock { phase in
            guard case .waiting(let connection) = phase else { return }
            phase = .answered(make)
            MHD_resume_connection(connection.pointer)
        }
    }

    /// True until `send` was called.
    public var isWaiting: Bool {
        phase.withLock { phase in
            if case .waiting = phase { return true }
            return false
        }
    }

    /// On the pool thread, when MHD calls the access handler again after the resume: the maker
    /// of the response, once; nil when `send` has not been called.
    func takeResponseMaker() -> (@Sendable () -> HTTPResponse)? {
        phase.withLock { phase in
            guard case .answered(let make) = phase else { return nil }
            phase = .finished
            return make
        }
    }

    /// From the request-completed callback: the connection is about to be freed. Returns a
    /// maker that `send` left and nobody took (the client went away), so it can still run.
    func requestEnded() -> (@Sendable () -> HTTPResponse)? {
        phase.withLock { phase in
            defer { phase = .finished }
            guard case .answered(let make) = phase else { return nil }
            return make
        }
    }
}
