/// Routes requests by exact path, then by method, to handlers of any kind (`HTTPHandler`,
/// `HTTPReplyHandler`, …).
///
/// Paths are compared byte for byte after libmicrohttpd's percent-decoding, with no trailing-slash
/// folding and no patterns; methods are case-sensitive. There is no implicit HEAD for GET.
public struct Router<Handler: Sendable>: Sendable {
    /// The outcome of `match(method:path:)`.
    public enum Match: Sendable {
        /// A handler is registered for this method and path.
        case handler(Handler)
        /// No handler is registered for this path under any method (answer 404).
        case notFound
        /// The path exists but not for this method; `allowed` lists the methods that do exist,
        /// sorted, ready for an `Allow` header (answer 405).
        case methodNotAllowed(allowed: [String])
    }

    private var routes: [String: [String: Handler]] = [:]

    /// Creates an empty router.
    public init() {}

    /// Registers `handler` for `method` on the exact `path`, replacing an earlier registration.
    public mutating func add(_ method: String, _ path: String, _ handler: Handler) {
        routes[path, default: [:]][method] = handler
    }

    /// Finds the handler for a method and path.
    public func match(method: String, path: String) -> Match {
        guard let byMethod = routes[path] else { return .notFound }
        if let handler = byMethod[method] { return .handler(handler) }
        return .methodNotAllowed(allowed: byMethod.keys.sorted())
    }
}
