/// A complete HTTP response: status, header fields and body bytes.
///
/// libmicrohttpd adds `Date` and `Connection` itself (a handler's own values win) and always
/// derives `Content-Length` from the body: a `Content-Length` in `headers` is ignored.
public struct HTTPResponse: Sendable {
    /// The status code, 100–999 (libmicrohttpd rejects anything else).
    public var status: Int
    /// Header fields in order; names and values must not contain CR, LF or TAB.
    public var headers: [(name: String, value: String)]
    /// The body bytes (copied into libmicrohttpd when queued; not sent for HEAD requests).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
