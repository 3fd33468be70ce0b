#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process environment look-ups without Foundation.
enum Environment {
    /// The value of the environment variable `name`, nil when unset.
    static func value(of name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
