/// What a handler gives back for a request: the response at once, or a promise to send it later.
public enum HTTPReply: Sendable {
    /// The response, queued as soon as the handler returns.
    case now(HTTPResponse)
    /// The response comes later, from any thread: the server suspends the connection (its pool
    /// thread goes on serving other connections), then calls `start` with the responder that
    /// sends it. Every responder must be answered, or the connection stays suspended until
    /// `HTTPServer.stop()` answers it with a 503.
    case later(@Sendable (HTTPResponder) -> Void)
}

/// A handler that may answer later (see `HTTPReply.later`). It runs on one of libmicrohttpd's
/// pool threads and must not call `HTTPServer.stop()`.
public typealias HTTPReplyHandler = @Sendable (HTTPRequest) -> HTTPReply
