/// Turns a complete request into a response.
///
/// It runs synchronously on one of libmicrohttpd's pool threads; while it blocks, the other
/// connections of that thread wait. Work that waits on something slow belongs in an
/// `HTTPReplyHandler` answering `HTTPReply.later`. It must not call `HTTPServer.stop()` (that
/// waits for the pool threads, this one included).
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
