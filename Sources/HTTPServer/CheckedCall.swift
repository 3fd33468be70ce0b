import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place where a failed C call becomes an `HTTPServerError`.
///
/// Contexts name the call and, where known, the system error; never request data.
enum CheckedCall {
    /// Returns `value`, or throws `code` with `context` when the C call returned NULL.
    static func nonNil<T>(
        _ value: T?, _ code: HTTPServerError.Code, _ context: @autoclosure () -> String
    ) throws(HTTPServerError) -> T {
        guard let value else { throw HTTPServerError(code: code, context: context()) }
        return value
    }

    /// Throws `code` with `context` when a C call that reports success as a boolean failed.
    static func succeeded(
        _ ok: Bool, _ code: HTTPServerError.Code, _ context: @autoclosure () -> String
    ) throws(HTTPServerError) {
        guard ok else { throw HTTPServerError(code: code, context: context()) }
    }

    /// Like `nonNil`, and appends the text of `errorNumber` (the `errno` the call left).
    static func nonNil<T>(
        _ value: T?, _ code: HTTPServerError.Code, _ context: @autoclosure () -> String,
        errno errorNumber: Int32
    ) throws(HTTPServerError) -> T {
        guard let value else {
            throw HTTPServerError(
                code: code, context: "\(context()): \(describe(errorNumber)) (errno \(errorNumber))")
        }
        return value
    }

    /// Throws `code` with `context` and GnuTLS's text for `result` when a GnuTLS call returned a
    /// negative error code; returns `result` (some calls return a count on success).
    @discardableResult
    static func gnutls(
        _ result: Int32, _ code: HTTPServerError.Code, _ context: @autoclosure () -> String
    ) throws(HTTPServerError) -> Int32 {
        guard result < 0 else { return result }
        let text = gnutls_strerror(result).map { String(cString: $0) } ?? "unknown GnuTLS error"
        throw HTTPServerError(code: code, context: "\(context()): \(text) (GnuTLS \(result))")
    }

    /// `strerror` text for an errno value.
    static func describe(_ errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "unknown error" }
        return String(cString: text)
    }
}
