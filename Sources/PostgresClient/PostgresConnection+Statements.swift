import CLibPQ

extension PostgresConnection {
    /// Runs one statement with text parameters (`PQexecParams`); `nil` parameters are SQL NULL.
    ///
    /// Parameters travel separately from the SQL text, so their content is always data.
    /// - Throws: `PostgresError` (`.queryFailed` with the SQLSTATE, `.connectionLost`, …).
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresResult {
        let context = "query"
        let handle = try liveHandle(context)
        try checkParameters(parameters, context: context)
        let result = withCStringArray(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(
            result, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY], context: context)
        return makeResult(result)
    }

    /// Runs a named statement: prepares it on this connection the first time (`PQprepare`), then
    /// executes it by name (`PQexecPrepared`) with text parameters; `nil` parameters are SQL NULL.
    ///
    /// Errors carry the context `execute <name>` (or `prepare <name>`).
    /// - Throws: `PostgresError`.
    public func execute(_ statement: PostgresStatement, _ parameters: [String?] = []) throws -> PostgresResult
    {
        let context = "execute \(statement.name)"
        let handle = try liveHandle(context)
        try checkParameters(parameters, context: context)
        try prepareIfNeeded(statement, handle)
        do {
            return try executePrepared(statement, parameters, handle, context: context)
        } catch let error as PostgresError
            where error.sqlState == "26000" && PQtransactionStatus(handle) == PQTRANS_IDLE
        {
            // The session lost its prepared statements behind our back (DISCARD ALL,
            // DEALLOCATE): prepare again and retry once; outside a transaction that is safe.
            prepared = [:]
            try prepareIfNeeded(statement, handle)
            return try executePrepared(statement, parameters, handle, context: context)
        }
    }

    /// Runs one or more `;`-separated statements without parameters (`PQexec`), e.g. a migration.
    /// Stops at the first failing statement; outside a transaction block the statements form one
    /// implicit transaction.
    /// - Throws: `PostgresError`.
    public func simpleQuery(_ sql: String) throws {
        let context = "simple query"
        let handle = try liveHandle(context)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(
            result, accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY], context: context)
    }

    private func executePrepared(
        _ statement: PostgresStatement, _ parameters: [String?], _ handle: OpaquePointer, context: String
    ) throws -> PostgresResult {
        let result = withCStringArray(parameters) { values in
            PQexecPrepared(handle, statement.name, Int32(parameters.count), values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK], context: context)
        return makeResult(result)
    }

    private func prepareIfNeeded(_ statement: PostgresStatement, _ handle: OpaquePointer) throws {
        if let sql = prepared[statement.name] {
            if sql == statement.sql {
                return
            }
            // The same name with other SQL: replace the old statement.
            try command(
                "DEALLOCATE \(quoteIdentifier(statement.name))", context: "deallocate \(statement.name)")
            prepared[statement.name] = nil
        }
        let result = PQprepare(handle, statement.name, statement.sql, 0, nil)
        defer { PQclear(result) }
        try check(result, accepting: [PGRES_COMMAND_OK], context: "prepare \(statement.name)")
        prepared[statement.name] = statement.sql
    }

    /// Runs a parameterless utility command (BEGIN, COMMIT …) and returns its command tag.
    @discardableResult
    func command(_ sql: String, context: String) throws -> String {
        let handle = try liveHandle(context)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, accepting: [PGRES_COMMAND_OK], context: context)
        return PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    private func checkParameters(_ parameters: [String?], context: String) throws {
        if let index = firstIndexWithNUL(parameters) {
            throw PostgresError(
                .queryFailed, sqlState: "22021", context: context,
                serverMessage: "parameter $\(index + 1) contains a NUL byte")
        }
    }

    /// Checks a libpq result: returns when its status is one of `accepted`; otherwise cleans up
    /// (an unexpected COPY is ended) and throws the error built by `PostgresError.fromLibPQ`.
    func check(
        _ result: OpaquePointer?, accepting accepted: [ExecStatusType], context: String,
        failure: PostgresError.Code = .queryFailed
    ) throws {
        guard let result else {
            throw PostgresError.fromLibPQ(connection: handle, result: nil, context: context, code: failure)
        }
        let status = PQresultStatus(result)
        if accepted.contains(status) {
            return
        }
        switch status {
        case PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR:
            throw PostgresError.fromLibPQ(connection: handle, result: result, context: context, code: failure)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy()
            fallthrough
        default:
            let name = PQresStatus(status).map { String(cString: $0) } ?? "\(status.rawValue)"
            throw PostgresError(.unexpectedResult, context: "\(context): unexpected \(name)")
        }
    }

    /// Ends a COPY the caller did not ask for and discards what follows, so the session is
    /// usable again; poisons the connection when that fails.
    func abandonCopy() {
        guard let handle else {
            return
        }
        // Bounded: a session that keeps answering COPY results is given up (poisoned).
        for _ in 0..<16 {
            guard let result = PQgetResult(handle) else {
                return
            }
            let status = PQresultStatus(result)
            PQclear(result)
            switch status {
            case PGRES_COPY_IN, PGRES_COPY_BOTH:
                if PQputCopyEnd(handle, "COPY not expected here") != 1 {
                    poisoned = true
                    return
                }
            case PGRES_COPY_OUT:
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 {
                    PQfreemem(buffer)
                    buffer = nil
                }
            default:
                continue
            }
        }
        poisoned = true
    }

    /// Converts a successful result into rows (text values).
    func makeResult(_ result: OpaquePointer?) -> PostgresResult {
        guard let result else {
            return PostgresResult(columns: [], rows: [], affectedRows: 0)
        }
        let fieldCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<fieldCount).map { field in PQfname(result, field).map { String(cString: $0) } ?? ""
        }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            let values: [String?] = (0..<fieldCount).map { field in
                guard PQgetisnull(result, row, field) == 0, let text = PQgetvalue(result, row, field) else {
                    return nil
                }
                let length = Int(PQgetlength(result, row, field))
                return UnsafeRawPointer(text).withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                    String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresResult(columns: columns, rows: rows, affectedRows: affected)
    }
}

/// `name` as a double-quoted SQL identifier.
func quoteIdentifier(_ name: String) -> String {
    "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}
