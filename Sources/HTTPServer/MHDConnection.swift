import CMicroHTTPD

/// Reading a request from, and queueing a response on, an `MHD_Connection`.
/// All functions must be called from within a callback for that connection.
enum MHDConnection {
    /// The preferred size of the pieces MHD asks a streamed body for (advisory).
    static let streamBlockSize = 16 * 1024

    /// The name/value pairs of one kind (headers, query arguments), in order, duplicates kept.
    /// Bytes that are not UTF-8 become U+FFFD; an argument without `=` gets an empty value.
    static func values(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        withUnsafeMutablePointer(to: &pairs) { pairsPointer in
            // The _n variant gives lengths, so values with %00 in them are not cut short.
            _ = MHD_get_connection_values_n(connection, kind, collectPair, pairsPointer)
        }
        return pairs
    }

    /// The value of `Content-Length`, if present and numeric.
    static func contentLength(_ connection: OpaquePointer) -> Int? {
        guard let text = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") else {
            return nil
        }
        // Too large for Int means too large for any limit.
        guard let value = UInt64(String(cString: text)) else { return nil }
        return Int(exactly: value) ?? Int.max
    }

    /// True when the body's length is ambiguous: `Content-Length` more than once, or together
    /// with `Transfer-Encoding`. Two parsers on the way (a proxy and us) could then disagree on
    /// where the request ends — the request-smuggling pattern (RFC 9112 §6.3).
    static func hasAmbiguousLength(_ connection: OpaquePointer) -> Bool {
        let headers = values(connection, kind: .HEADER_KIND)
        let lengths = headers.filter { HTTPHeaders.namesEqual($0.name, "Content-Length") }.count
        let encodings = headers.filter { HTTPHeaders.namesEqual($0.name, "Transfer-Encoding") }.count
        return lengths > 1 || (lengths > 0 && encodings > 0)
    }

    /// True when the client sent `Expect: 100-continue` and waits before sending its body.
    static func expectsContinue(_ connection: OpaquePointer) -> Bool {
        guard let text = MHD_lookup_connection_value(connection, .HEADER_KIND, "Expect") else {
            return false
        }
        // The expectation token is case-insensitive (RFC 9110 §10.1.1), like header names.
        return HTTPHeaders.namesEqual(String(cString: text), "100-continue")
    }

    /// The peer's address as text, or `""`.
    static func remoteAddress(_ connection: OpaquePointer) -> String {
        guard let address = cmhd_connection_client_address(connection) else { return "" }
        return SocketAddress.text(of: address)
    }

    /// Builds an MHD response (body copied, or read from `bodyStream` as it is sent), adds the
    /// headers and queues it. `errorHandler` hears of a stream that fails while it is sent.
    static func queue(
        _ response: HTTPResponse, on connection: OpaquePointer,
        errorHandler: (@Sendable (HTTPServerError) -> Void)? = nil
    ) throws(HTTPServerError) {
        guard let status = UInt32(exactly: response.status) else {
            throw HTTPServerError(code: .responseFailed, context: "status \(response.status) is out of range")
        }
        let mhdResponse: OpaquePointer
        if let stream = response.bodyStream {
            let state = Unmanaged.passRetained(BodyStreamState(stream: stream, errorHandler: errorHandler))
            let created = MHD_create_response_from_callback(
                CMHD_SIZE_UNKNOWN, streamBlockSize, mhdBodyStreamRead, state.toOpaque(), mhdBodyStreamFree)
            if created == nil { state.release() }  // No response: the free callback will never run.
            mhdResponse = try CheckedCall.nonNil(
                created, .responseFailed, "MHD_create_response_from_callback")
        } else {
            let created = response.body.withUnsafeBytes { bytes in
                // MUST_COPY: MHD copies the bytes now, so it never points into Swift memory later.
                MHD_create_response_from_buffer(
                    bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
            }
            mhdResponse = try CheckedCall.nonNil(created, .responseFailed, "MHD_create_response_from_buffer")
        }
        defer { MHD_destroy_response(mhdResponse) }  // MHD keeps its own reference once queued.
        // MHD always derives Content-Length from the body and refuses the header (0.9.75), so a
        // handler's copy is dropped instead of turning the response into a 500.
        for header in response.headers where !HTTPHeaders.namesEqual(header.name, "Content-Length") {
            try CheckedCall.succeeded(
                MHD_add_response_header(mhdResponse, header.name, header.value) == .YES,
                .responseFailed, "MHD_add_response_header rejected header \"\(header.name)\"")
        }
        try CheckedCall.succeeded(
            MHD_queue_response(connection, status, mhdResponse) == .YES,
            .responseFailed, "MHD_queue_response rejected status \(status)")
    }
}

/// `MHD_KeyValueIteratorN` appending to the `[(name:, value:)]` passed as `cls`.
private func collectPair(
    cls: UnsafeMutableRawPointer?,
    kind: MHD_ValueKind,
    key: UnsafePointer<CChar>?,
    keySize: Int,
    value: UnsafePointer<CChar>?,
    valueSize: Int
) -> MHD_Result {
    guard let cls else { return .NO }
    let pairs = cls.assumingMemoryBound(to: [(name: String, value: String)].self)
    pairs.pointee.append((name: decode(key, keySize), value: decode(value, valueSize)))
    return .YES
}

private func decode(_ text: UnsafePointer<CChar>?, _ count: Int) -> String {
    guard let text else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self)
}
