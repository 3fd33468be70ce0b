import CLibPQ

extension PostgresConnection {
    /// Runs `COPY … FROM STDIN` (`sql`) and streams the data `writeRows` produces.
    ///
    /// `writeRows` is called once with a `send` function; each call of `send` passes one chunk of
    /// COPY data (whole or partial rows, in the format the statement names) to the server
    /// (`PQputCopyData`). When `writeRows` returns, the COPY is ended (`PQputCopyEnd`) and the
    /// server's verdict read (`PQgetResult`). When `writeRows` throws, the COPY is ended with an
    /// error message, so the server loads nothing, and the error is rethrown.
    /// - Returns: the number of rows copied.
    /// - Throws: `PostgresError(.copyFailed)` with the SQLSTATE (e.g. 22P02 for a bad value) when
    ///   the server rejects the data; `.connectionLost`; or whatever `writeRows` threw.
    public func copyIn(
        _ sql: String, _ writeRows: ((_ chunk: [UInt8]) throws -> Void) throws -> Void
    ) throws -> Int {
        let context = "copy in"
        let handle = try liveHandle(context)
        do {
            let start = PQexec(handle, sql)
            defer { PQclear(start) }
            try check(start, accepting: [PGRES_COPY_IN], context: context, failure: .copyFailed)
        }
        // Set when the server ended the COPY while we were still sending (its results are read).
        var endedEarly: PostgresError?
        do {
            try writeRows { chunk in
                if let endedEarly {
                    throw endedEarly
                }
                guard !chunk.isEmpty else {
                    return
                }
                guard chunk.count <= Int(Int32.max) else {
                    throw PostgresError(.copyFailed, context: context, serverMessage: "chunk too large")
                }
                let sent = chunk.withUnsafeBytes { bytes in
                    PQputCopyData(
                        handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
                }
                if sent != 1 {
                    let error = finishCopy(context).failure ?? unexpectedCopyEnd(context)
                    endedEarly = error
                    throw error
                }
            }
        } catch {
            if endedEarly == nil {
                // Tell the server to fail the COPY (nothing is loaded), then read its verdict.
                if PQputCopyEnd(handle, "COPY aborted by the client") == 1 {
                    _ = finishCopy(context)
                } else {
                    poisoned = PQstatus(handle) == CONNECTION_OK
                }
            }
            throw error
        }
        if let endedEarly {
            // `writeRows` swallowed the error `send` threw; the COPY is still over.
            throw endedEarly
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw finishCopy(context).failure ?? unexpectedCopyEnd(context)
        }
        switch finishCopy(context) {
        case .success(let rows): return rows
        case .failure(let error): throw error
        }
    }

    /// Reads every result after a COPY: the row count of its `COMMAND_OK`, or its first error.
    private func finishCopy(_ context: String) -> Result<Int, PostgresError> {
        guard let handle else {
            return .failure(PostgresError(.connectionLost, context: context))
        }
        var outcome: Result<Int, PostgresError>?
        for _ in 0..<16 {
            guard let result = PQgetResult(handle) else {
                return outcome ?? .failure(unexpectedCopyEnd(context))
            }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                let rows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
                outcome = outcome ?? .success(rows)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // Still in COPY although we ended it: the end did not reach the server.
                abandonCopy()
                return outcome ?? .failure(unexpectedCopyEnd(context))
            default:
                do {
                    try check(result, accepting: [], context: context, failure: .copyFailed)
                } catch let error as PostgresError {
                    outcome = outcome ?? .failure(error)
                } catch {
                    outcome = outcome ?? .failure(PostgresError(.copyFailed, context: context))
                }
            }
        }
        poisoned = true
        return outcome ?? .failure(unexpectedCopyEnd(context))
    }

    private func unexpectedCopyEnd(_ context: String) -> PostgresError {
        PostgresError.fromLibPQ(connection: handle, result: nil, context: context, code: .copyFailed)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self {
            return error
        }
        return nil
    }
}
