#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// NUL-terminated C copies of Swift strings, for C code that keeps the pointers past the call
/// (libmicrohttpd keeps its HTTPS option strings until `MHD_stop_daemon`).
///
/// A value type with manual ownership: whoever holds it calls `release()` exactly once, after the
/// C side is done with the pointers. (A class freeing in `deinit` could be released right after
/// its last use in Swift, before the C side reads the pointers.)
struct CStrings {
    /// The copies, in the order given; nil where the system had no memory.
    let pointers: [UnsafeMutablePointer<CChar>?]

    /// Copies each string with `strdup`.
    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) }
    }

    /// Frees every copy (their bytes are zeroed first: one of them may be a private key).
    func release() {
        for case let pointer? in pointers {
            memset(pointer, 0, strlen(pointer))
            free(pointer)
        }
    }
}
