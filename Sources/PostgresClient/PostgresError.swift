/// An error from the database layer.
///
/// `description` names only the error code, the SQLSTATE and what we were doing, so it can be
/// logged freely. `serverMessage` holds the server's primary message (never its DETAIL, which can
/// echo row values); even the primary message can quote input values, so log it with care.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A connection could not be opened (or re-opened).
        case connectionFailed
        /// An open connection broke while it was being used.
        case connectionLost
        /// The server rejected a statement.
        case queryFailed
        /// A `COPY … FROM STDIN` failed.
        case copyFailed
        /// No pooled connection became free in time.
        case poolTimeout
        /// A column value could not be decoded into the requested type.
        case decodingFailed
        /// The server answered with something the client did not expect (e.g. rows where a
        /// `COPY` was expected, or `ROLLBACK` where `COMMIT` was sent).
        case unexpectedResult
    }

    /// What kind of failure this is.
    public var code: Code
    /// The five-character SQLSTATE the server reported (e.g. `23505`), nil for client-side errors.
    public var sqlState: String?
    /// What the client was doing, e.g. `execute lookup_card` or `connect`. Never holds values.
    public var context: String
    /// The server's (or libpq's) primary message only, never DETAIL; may quote input values.
    public var serverMessage: String?

    /// Creates an error.
    public init(_ code: Code, sqlState: String? = nil, context: String, serverMessage: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.context = context
        self.serverMessage = serverMessage
    }

    /// Code, SQLSTATE and context: safe to log, holds no personal data and no server message.
    public var description: String {
        var text = "PostgresError(\(code.rawValue)"
        if let sqlState {
            text += ", sqlState: \(sqlState)"
        }
        text += ", context: \(context))"
        return text
    }

    /// True when the failure is about reaching the server rather than about the statement:
    /// `connectionFailed`, `connectionLost`, SQLSTATE class 08 (connection exception) or
    /// 57P01…57P03 (admin/crash shutdown, cannot connect now).
    public var isConnectionProblem: Bool {
        if code == .connectionFailed || code == .connectionLost {
            return true
        }
        guard let sqlState else {
            return false
        }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}
