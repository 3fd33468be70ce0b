import CLibPQ

extension PostgresConnection {
    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` when it returns, `ROLLBACK` when it
    /// throws (its error is rethrown).
    ///
    /// Nothing counts as committed unless the server answered `COMMIT`: a connection lost during
    /// `COMMIT` (outcome unknown, SQLSTATE 08007 or no answer) throws `.connectionLost`; a
    /// transaction that an earlier statement had aborted (because `body` caught that error) is
    /// rolled back and throws `.queryFailed` with SQLSTATE 25P02. Called inside a transaction
    /// block, it nests as a savepoint.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let handle = try liveHandle("begin")
        if PQtransactionStatus(handle) != PQTRANS_IDLE {
            return try savepoint(body)
        }
        try command("BEGIN", context: "begin")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        try commit()
        return value
    }

    private func commit() throws {
        let handle = try liveHandle("commit")
        switch PQtransactionStatus(handle) {
        case PQTRANS_INTRANS:
            break
        case PQTRANS_INERROR:
            rollbackQuietly()
            throw PostgresError(
                .queryFailed, sqlState: "25P02", context: "commit",
                serverMessage: "the transaction had failed and was rolled back")
        case PQTRANS_IDLE:
            throw PostgresError(
                .unexpectedResult, context: "commit",
                serverMessage: "the transaction was ended inside the transaction body")
        default:
            // PQTRANS_UNKNOWN: the connection is gone; PQTRANS_ACTIVE cannot happen between calls.
            throw PostgresError.fromLibPQ(
                connection: handle, result: nil, context: "commit", code: .connectionLost)
        }
        let tag = try command("COMMIT", context: "commit")
        guard tag == "COMMIT" else {
            throw PostgresError(.unexpectedResult, context: "commit", serverMessage: "server answered \(tag)")
        }
    }

    private func savepoint<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let name = "unioncard_savepoint_\(savepointDepth)"
        try command("SAVEPOINT \(name)", context: "savepoint")
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let value: T
        do {
            value = try body(self)
        } catch {
            _ = try? command("ROLLBACK TO SAVEPOINT \(name)", context: "rollback to savepoint")
            throw error
        }
        if let handle, PQtransactionStatus(handle) == PQTRANS_INERROR {
            try command("ROLLBACK TO SAVEPOINT \(name)", context: "rollback to savepoint")
            throw PostgresError(
                .queryFailed, sqlState: "25P02", context: "release savepoint",
                serverMessage: "the nested transaction had failed and was rolled back")
        }
        try command("RELEASE SAVEPOINT \(name)", context: "release savepoint")
        return value
    }

    /// Rolls back an open transaction block, if any, ignoring failures (a connection too broken
    /// to roll back has lost its transaction anyway).
    func rollbackQuietly() {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            return
        }
        let status = PQtransactionStatus(handle)
        guard status == PQTRANS_INTRANS || status == PQTRANS_INERROR else {
            return
        }
        _ = try? command("ROLLBACK", context: "rollback")
    }
}
