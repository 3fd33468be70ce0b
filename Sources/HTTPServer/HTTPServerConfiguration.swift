/// Settings of an `HTTPServer`. Every libmicrohttpd limit is set explicitly from these,
/// because several libmicrohttpd defaults are unsafe (no timeout, no per-IP limit).
public struct HTTPServerConfiguration: Sendable {
    /// The IPv4 or IPv6 literal to bind (`"0.0.0.0"`, `"::"`, `"::1"`; `"[::1]"` is accepted too).
    /// Host names are not resolved.
    public var host: String = "127.0.0.1"
    /// The TCP port to bind; 0 lets the OS pick (read it back from `HTTPServer.boundPort`).
    public var port: Int = 8080
    /// An already bound and listening socket to serve instead of binding `host:port` (socket
    /// activation: systemd passes it as fd 3). It is shared with its creator, so `quiesce()`
    /// only stops accepting on it and never shuts it down: waiting clients stay queued for the
    /// next process. `host` must still name its address family.
    public var listenSocket: Int32? = nil
    /// The number of libmicrohttpd worker threads (each runs its own epoll loop, and handlers
    /// run on them). A blocking handler stalls every connection of its thread.
    public var threadPoolSize: Int = 8
    /// The maximum number of simultaneous connections (split across the pool threads, so it must
    /// be at least `threadPoolSize`).
    public var connectionLimit: Int = 1000
    /// The maximum number of simultaneous connections from one IP address; 0 = unlimited.
    public var perIPConnectionLimit: Int = 0
    /// An idle connection is closed after this many seconds; must be at least 1.
    public var connectionTimeoutSeconds: Int = 30
    /// The memory libmicrohttpd may use per connection for the request line, headers and read
    /// buffer; at least 4096. Requests whose headers or URL do not fit are answered by
    /// libmicrohttpd itself (431 or 414, with a small HTML body) without calling the handler.
    public var connectionMemoryLimitBytes: Int = 64 * 1024
    /// The largest request body delivered to the handler; larger bodies are discarded and the
    /// handler sees `bodyTooLarge`.
    public var maxBodyBytes: Int = 16 * 1024
    /// HTTPS settings; nil serves plain HTTP. With TLS the server speaks HTTPS only.
    public var tls: TLSConfiguration? = nil
    /// Called with failures that have no caller to throw to, for logging: a response that could
    /// not be built or queued (on a pool thread; the client got a 500 or a closed connection), an
    /// HTTPS connection whose TLS setup failed (on a pool thread; it is closed), or a failed
    /// `quiesce()` (on the caller's thread).
    public var errorHandler: (@Sendable (HTTPServerError) -> Void)? = nil

    /// Creates the default configuration: 127.0.0.1:8080, 8 threads, 30 s timeout, 16 KiB bodies.
    public init() {}
}
