/// A response body produced while it is sent, one piece at a time, so that a large answer (an
/// export of a million rows) never sits in memory whole.
///
/// libmicrohttpd calls `next` on the pool thread that serves the connection, after the handler
/// has returned, whenever its send buffer has room: one call at a time, never concurrently, so the
/// state behind `next` sees the calls in order (it must still be Sendable, because the response
/// crosses from the handler to libmicrohttpd). `next` may block (for example on a database), like a
/// handler. When the client goes away, the stream is released without further calls, which frees
/// whatever `next` captured.
public struct HTTPBodyStream: Sendable {
    /// Returns the next bytes of the body, or nil when the body is complete. Empty arrays are
    /// skipped. Throwing aborts the response: the connection is closed before the body's end (the
    /// chunked encoding's last chunk is never sent), so the client sees an incomplete answer.
    public typealias Producer = @Sendable () throws -> [UInt8]?

    let next: Producer

    /// A stream whose pieces `next` produces.
    public init(_ next: @escaping Producer) {
        self.next = next
    }
}
