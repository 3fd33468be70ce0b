/// Turns a complete request into a response.
///
/// It runs synchronously on one of libmicrohttpd's pool threads and may block (the daemon does
/// blocking database work there); while it blocks, the other connections of that thread wait.
/// It must not call `HTTPServer.stop()` (that waits for the pool threads, this one included).
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
