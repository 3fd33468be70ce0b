import CMicroHTTPD
import Synchronization

// The @convention(c) callbacks libmicrohttpd calls on its pool threads, and the state they use.
//
// Ownership:
// - `ServerContext` is retained once by `HTTPServer.start()` (Unmanaged.passRetained) and passed to
//   MHD as the `cls` of both callbacks; `HTTPServer.stop()` releases it after `MHD_stop_daemon`
//   has returned, when no callback can run any more. Callbacks only borrow it (takeUnretainedValue).
// - `RequestState` is retained by the first access-handler call of a request and stored in
//   `*con_cls`; the request-completed callback releases it. MHD calls that callback for every
//   request whose `*con_cls` was set, including requests cut short by errors or by stop().
// - HTTPS only: `TLSConnection` is retained by the connection-started notification and stored in
//   the connection's `socket_context`; the connection-closed notification releases it. MHD sends
//   both for every connection it accepted, including those closed by stop().
// - `HTTPResponder` (a handler's `HTTPReply.later`) is held by its `RequestState` and, while its
//   connection is suspended, by `ServerContext`'s registry; the request-completed callback
//   closes it and drops it from the registry before MHD frees the connection.

/// What every callback of one daemon needs, shared by the pool threads: immutable but for the
/// in-flight count (atomic) and the deferred requests (behind a lock).
final class ServerContext: Sendable {
    let handler: HTTPReplyHandler
    let maxBodyBytes: Int
    let errorHandler: (@Sendable (HTTPServerError) -> Void)?
    /// Nil for plain HTTP.
    let tls: TLSState?
    /// Requests begun (first access call) and not yet completed (completion callback), so that a
    /// graceful stop can wait for the answers in flight to be sent.
    let requestsInFlight = Atomic<Int>(0)
    /// Responders of deferred requests (`HTTPReply.later`) whose connection is suspended or
    /// about to be resumed, so that a stop can answer them first: libmicrohttpd aborts the
    /// process when it is stopped with a connection still suspended.
    private let deferred = Mutex<(stopping: Bool, responders: [ObjectIdentifier: HTTPResponder])>(
        (false, [:]))

    init(
        handler: @escaping HTTPReplyHandler, maxBodyBytes: Int,
        errorHandler: (@Sendable (HTTPServerError) -> Void)?, tls: TLSState?
    ) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.errorHandler = errorHandler
        self.tls = tls
    }

    /// Registers a deferred request's responder and suspends its connection, atomically with
    /// respect to `answerDeferredForStop()`; false (nothing suspended) once the server stops.
    func suspend(_ connection: OpaquePointer, for responder: HTTPResponder) -> Bool {
        deferred.withLock { deferred in
            guard !deferred.stopping else { return false }
            deferred.responders[ObjectIdentifier(responder)] = responder
            MHD_suspend_connection(connection)
            return true
        }
    }

    /// The request of `responder` ended: it no longer needs answering at a stop.
    func forget(_ responder: HTTPResponder) {
        _ = deferred.withLock { $0.responders.removeValue(forKey: ObjectIdentifier(responder)) }
    }

    /// Before `MHD_stop_daemon`: refuses further suspensions and answers every deferred request
    /// still waiting with a 503, which resumes its connection.
    func answerDeferredForStop() {
        let waiting = deferred.withLock { deferred in
            deferred.stopping = true
            return Array(deferred.responders.values)
        }
        for responder in waiting {
            responder.send(Self.stopping)
        }
    }

    /// The answer to a deferred request that the stop overtook.
    static let stopping = HTTPResponse(status: 503, headers: [("Retry-After", "1")])
}

/// The body collected so far for one request.
///
/// Not Sendable and needs no lock: MHD drives one connection from one pool thread at a time, so
/// all calls for a request happen in sequence.
final class RequestState {
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// `Content-Length` repeated or combined with `Transfer-Encoding`: answered at once, body unread.
    var ambiguousLength = false
    /// Set once a response is queued, so a late call cannot answer twice.
    var responded = false
    /// Set when the handler answered `HTTPReply.later`: the connection is suspended until it sends.
    var responder: HTTPResponder?
}

/// `MHD_AccessHandlerCallback`: called on the request line and headers (`*con_cls` still NULL),
/// then once per body chunk (`*upload_data_size > 0`), then a last time with
/// `*upload_data_size == 0`, when the request is complete and gets its response.
func mhdAccessHandler(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?,
    version: UnsafePointer<CChar>?,
    uploadData: UnsafePointer<CChar>?,
    uploadDataSize: UnsafeMutablePointer<Int>?,
    conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    // MHD always passes these; without them the only safe answer is to drop the connection.
    guard let cls, let connection, let uploadDataSize, let conCls else { return .NO }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()

    guard let statePointer = conCls.pointee else {
        // An HTTPS connection whose TLS setup failed is closed before anything is read from it.
        if context.tls != nil && !TLSState.isReady(connection) { return .NO }
        let state = RequestState()
        if let declared = MHDConnection.contentLength(connection), declared > context.maxBodyBytes {
            state.bodyTooLarge = true
        }
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()  // Released in mhdRequestCompleted.
        context.requestsInFlight.add(1, ordering: .relaxed)
        // Never read a body whose length is ambiguous: answer now; MHD then closes the connection.
        if MHDConnection.hasAmbiguousLength(connection) {
            state.ambiguousLength = true
            return respond(context, state, connection, url: url, method: method)
        }
        // A client that waits for "100 Continue" has not sent the body yet: answer now instead,
        // so it never sends it. Without Expect the body is already on its way; it is read and
        // discarded, so the final answer is not lost to a reset.
        if state.bodyTooLarge && MHDConnection.expectsContinue(connection) {
            return respond(context, state, connection, url: url, method: method)
        }
        return .YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(statePointer).takeUnretainedValue()

    let chunkSize = uploadDataSize.pointee
    if chunkSize > 0 {
        if !state.bodyTooLarge && !state.responded {
            if state.body.count + chunkSize > context.maxBodyBytes {
                state.bodyTooLarge = true
                state.body = []
            } else if let uploadData {
                state.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: chunkSize))
            }
        }
        uploadDataSize.pointee = 0  // Consumed (kept or discarded).
        return .YES
    }
    if state.responded {
        // Called again after a deferred request's connection was resumed: its response is ready.
        if let make = state.responder?.takeResponseMaker() {
            return queue(make(), context, connection)
        }
        return .YES
    }
    return respond(context, state, connection, url: url, method: method)
}

/// `MHD_RequestCompletedCallback`: frees the request's state.
func mhdRequestCompleted(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    reason: MHD_RequestTerminationCode
) {
    guard let conCls, let stateRawPointer = conCls.pointee else { return }
    // Balances the retain of the first access call.
    let state = Unmanaged<RequestState>.fromOpaque(stateRawPointer).takeRetainedValue()
    conCls.pointee = nil
    let context = cls.map { Unmanaged<ServerContext>.fromOpaque($0).takeUnretainedValue() }
    if let responder = state.responder {
        context?.forget(responder)
        // A response made but never queued (the client left first) is still made, so that what
        // the handler does there — its log line, its counters — is not lost.
        _ = responder.requestEnded()?()
    }
    context?.requestsInFlight.subtract(1, ordering: .relaxed)
}

/// `MHD_NotifyConnectionCallback`: sets up (started) and releases (closed) the TLS side of an
/// HTTPS connection; does nothing for plain HTTP.
func mhdConnectionNotify(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    code: MHD_ConnectionNotificationCode
) {
    guard let cls, let connection, let socketContext else { return }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    guard let tls = context.tls else { return }
    switch code {
    case .CONNECTION_NOTIFY_STARTED:
        do throws(HTTPServerError) {
            try tls.connectionStarted(connection, socketContext: socketContext)
        } catch {
            context.errorHandler?(error)
        }
    case .CONNECTION_NOTIFY_CLOSED:
        tls.connectionClosed(socketContext: socketContext)
    default:
        break
    }
}

/// Runs the handler and queues its response, or suspends the connection for a deferred one.
private func respond(
    _ context: ServerContext, _ state: RequestState, _ connection: OpaquePointer,
    url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?
) -> MHD_Result {
    state.responded = true
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "",
        path: url.map { String(cString: $0) } ?? "",
        queryItems: MHDConnection.values(connection, kind: .GET_ARGUMENT_KIND),
        headers: HTTPHeaders(MHDConnection.values(connection, kind: .HEADER_KIND)),
        body: state.body,
        bodyTooLarge: state.bodyTooLarge,
        hasAmbiguousLength: state.ambiguousLength,
        remoteAddress: MHDConnection.remoteAddress(connection),
        clientCertificateSHA256: context.tls.flatMap { tls in
            tls.policy == .none ? nil : TLSState.clientCertificateSHA256(connection)
        }
    )
    state.body = []
    switch context.handler(request) {
    case .now(let response):
        return queue(response, context, connection)
    case .later(let start):
        let responder = HTTPResponder(connection: connection)
        guard context.suspend(connection, for: responder) else {
            return queue(ServerContext.stopping, context, connection)
        }
        state.responder = responder
        start(responder)
        return .YES
    }
}

/// Queues `response`; on failure queues a bare 500 and reports the error.
private func queue(_ response: HTTPResponse, _ context: ServerContext, _ connection: OpaquePointer)
    -> MHD_Result
{
    do throws(HTTPServerError) {
        try MHDConnection.queue(response, on: connection, errorHandler: context.errorHandler)
        return .YES
    } catch {
        context.errorHandler?(error)
    }
    do throws(HTTPServerError) {
        try MHDConnection.queue(HTTPResponse(status: 500), on: connection)
        return .YES
    } catch {
        context.errorHandler?(error)
        return .NO  // MHD closes the connection.
    }
}
