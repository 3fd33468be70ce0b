/// A complete HTTP response: status, header fields and body bytes — or a body produced piece by
/// piece while it is sent (`bodyStream`).
///
/// libmicrohttpd adds `Date` and `Connection` itself (a handler's own values win) and always
/// derives `Content-Length` from the body: a `Content-Length` in `headers` is ignored. A streamed
/// body has no `Content-Length`: it is sent chunked to HTTP/1.1 clients, and until the connection
/// closes to HTTP/1.0 clients.
public struct HTTPResponse: Sendable {
    /// The status code, 100–999 (libmicrohttpd rejects anything else).
    public var status: Int
    /// Header fields in order; names and values must not contain CR, LF or TAB.
    public var headers: [(name: String, value: String)]
    /// The body bytes (copied into libmicrohttpd when queued; not sent for HEAD requests).
    public var body: [UInt8]
    /// When set, the body is taken from this stream instead of `body`, as the client reads it.
    public var bodyStream: HTTPBodyStream?

    /// Creates a response.
    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        bodyStream: HTTPBodyStream? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyStream = bodyStream
    }
}
