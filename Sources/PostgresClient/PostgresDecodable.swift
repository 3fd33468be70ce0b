/// A type that can be decoded from a column value in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// Decodes `postgresText`; throws `PostgresError(.decodingFailed)` when it does not parse.
    init(postgresText: String) throws
}

/// The error a conformance throws for text it cannot parse; never quotes the text itself.
func decodingError(_ type: Any.Type) -> PostgresError {
    PostgresError(.decodingFailed, context: "decode \(type)")
}

extension String: PostgresDecodable {
    /// The text value as it is.
    public init(postgresText: String) throws {
        self = postgresText
    }
}

extension Int: PostgresDecodable {
    /// A decimal integer (`int2`, `int4`, `int8`, `oid` …).
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else {
            throw decodingError(Int.self)
        }
        self = value
    }
}

extension Int64: PostgresDecodable {
    /// A decimal 64-bit integer (`int8`).
    public init(postgresText: String) throws {
        guard let value = Int64(postgresText) else {
            throw decodingError(Int64.self)
        }
        self = value
    }
}

extension Int32: PostgresDecodable {
    /// A decimal 32-bit integer (`int4`).
    public init(postgresText: String) throws {
        guard let value = Int32(postgresText) else {
            throw decodingError(Int32.self)
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    /// A `boolean` in text format: `t` or `f`.
    public init(postgresText: String) throws {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(Bool.self)
        }
    }
}

extension Double: PostgresDecodable {
    /// A `float8`/`float4`/`numeric` in text format, including `NaN` and `±Infinity`.
    public init(postgresText: String) throws {
        guard let value = Double(postgresText) else {
            throw decodingError(Double.self)
        }
        self = value
    }
}
