/// One HTTP request as the handler sees it: already complete, body included.
public struct HTTPRequest: Sendable {
    /// The request method as sent, e.g. `"GET"` or `"POST"` (methods are case-sensitive).
    public var method: String
    /// The URL path without the query string, percent-decoded by libmicrohttpd.
    public var path: String
    /// The query arguments, percent-decoded (`+` becomes a space), in order, duplicates kept.
    /// An argument without `=` has an empty value.
    public var queryItems: [(name: String, value: String)]
    /// The request header fields.
    public var headers: HTTPHeaders
    /// The request body; empty when `bodyTooLarge`.
    public var body: [UInt8]
    /// True when the body exceeded `HTTPServerConfiguration.maxBodyBytes`; it was then discarded.
    public var bodyTooLarge: Bool
    /// True when `Content-Length` came twice or together with `Transfer-Encoding`: the body was
    /// not read, the connection closes after the answer, and the answer should be a 400.
    public var hasAmbiguousLength: Bool
    /// The peer's IP address as text (`"127.0.0.1"`, `"::1"`), or `""` if unknown.
    public var remoteAddress: String
    /// Over HTTPS with client certificates requested: the lowercase hex SHA-256 of the DER of
    /// the certificate the client presented, which the handshake verified against the client
    /// CAs. Nil for plain HTTP, when none was requested, or when the client sent none.
    public var clientCertificateSHA256: String?

    /// Creates a request; the server builds these, tests and callers may too.
    public init(
        method: String, path: String, queryItems: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], bodyTooLarge: Bool = false,
        hasAmbiguousLength: Bool = false, remoteAddress: String = "", clientCertificateSHA256: String? = nil
    ) {
        self.hasAmbiguousLength = hasAmbiguousLength
        self.method = method
        self.path = path
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.remoteAddress = remoteAddress
        self.clientCertificateSHA256 = clientCertificateSHA256
    }

    /// The value of the first query argument named exactly `name`, or nil.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}
