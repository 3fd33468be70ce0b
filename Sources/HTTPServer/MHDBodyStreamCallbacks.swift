import CMicroHTTPD

// The content-reader callbacks of a streamed response (`MHD_create_response_from_callback`).
//
// Ownership: `BodyStreamState` is retained once by `MHDConnection.queue` (Unmanaged.passRetained)
// and passed as the callbacks' `cls`; libmicrohttpd calls `mhdBodyStreamFree` exactly once when
// the response is destroyed (body complete, client gone, error, or server stopped), which releases
// it. If creating the response fails, `queue` releases it itself.

/// A stream and the bytes it produced that libmicrohttpd has not taken yet.
///
/// Not Sendable and needs no lock: libmicrohttpd calls the reader for one response from the one
/// thread serving its connection, one call at a time.
final class BodyStreamState {
    let stream: HTTPBodyStream
    let errorHandler: (@Sendable (HTTPServerError) -> Void)?
    var pending: [UInt8] = []
    var offset = 0

    init(stream: HTTPBodyStream, errorHandler: (@Sendable (HTTPServerError) -> Void)?) {
        self.stream = stream
        self.errorHandler = errorHandler
    }
}

/// `MHD_ContentReaderCallback`: copies up to `max` bytes of the body into `buffer`, asking the
/// stream for more when the pending piece is used up. Never returns 0 (which would make MHD poll
/// again later): it either delivers bytes or ends the body.
func mhdBodyStreamRead(
    cls: UnsafeMutableRawPointer?, position: UInt64, buffer: UnsafeMutablePointer<CChar>?, max: Int
) -> Int {
    guard let cls, let buffer, max > 0 else { return CMHD_CONTENT_READER_END_WITH_ERROR }
    let state = Unmanaged<BodyStreamState>.fromOpaque(cls).takeUnretainedValue()
    while state.offset == state.pending.count {
        do {
            guard let piece = try state.stream.next() else { return CMHD_CONTENT_READER_END_OF_STREAM }
            state.pending = piece
            state.offset = 0
        } catch {
            // The error's type only: its text may carry data the stream was producing.
            state.errorHandler?(
                HTTPServerError(code: .responseFailed, context: "body stream failed: \(type(of: error))"))
            state.pending = []
            state.offset = 0
            return CMHD_CONTENT_READER_END_WITH_ERROR
        }
    }
    let count = min(max, state.pending.count - state.offset)
    state.pending.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + state.offset, byteCount: count)
    }
    state.offset += count
    return count
}

/// `MHD_ContentReaderFreeCallback`: releases the state retained by `MHDConnection.queue`.
func mhdBodyStreamFree(cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<BodyStreamState>.fromOpaque(cls).release()
}
