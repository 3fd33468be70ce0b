import CLibPQ

/// The one place that turns libpq failure state into a `PostgresError`.
extension PostgresError {
    /// Builds the error for a failed libpq call.
    ///
    /// - `result`: the failed result, if libpq produced one; its SQLSTATE and primary message are
    ///   taken (never DETAIL or the full error text, which can echo row values).
    /// - `code`: the code to report when the connection is still fine; a connection that is no
    ///   longer `CONNECTION_OK` turns any code but `.connectionFailed` into `.connectionLost`.
    static func fromLibPQ(
        connection: OpaquePointer?, result: OpaquePointer?, context: String, code: Code
    ) -> PostgresError {
        var sqlState: String?
        var message: String?
        if let result {
            sqlState = PQresultErrorField(result, CLIBPQ_DIAG_SQLSTATE).map { String(cString: $0) }
            message = PQresultErrorField(result, CLIBPQ_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) }
        }
        if sqlState == nil, message == nil {
            // A client-side failure (libpq's own text, no server fields): its first line names the
            // cause, e.g. "server closed the connection unexpectedly"; it never holds row values.
            let text =
                result.flatMap { PQresultErrorMessage($0) } ?? connection.flatMap { PQerrorMessage($0) }
            message = text.map { String(cString: $0) }.flatMap(firstLine)
        }
        var finalCode = code
        if code != .connectionFailed, connection.map({ PQstatus($0) != CONNECTION_OK }) ?? true {
            finalCode = .connectionLost
        }
        return PostgresError(finalCode, sqlState: sqlState, context: context, serverMessage: message)
    }
}

/// The first non-empty line of `text`, trimmed; nil when there is none.
private func firstLine(_ text: String) -> String? {
    let line = text.split(whereSeparator: \.isNewline).lazy
        .map { $0.trimmingCharacters(in: [" ", "\t"]) }
        .first { !$0.isEmpty }
    return line
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: set.contains).reversed().drop(while: set.contains).reversed())
    }
}
