import PostgresClient
import Testing

private struct Abort: Error {}

@Suite struct TransactionTests {
    @Test func commitKeepsAndThrownErrorRollsBack() throws {
        let connection = try freshConnection("txn")
        try connection.simpleQuery("CREATE TABLE audit (id int PRIMARY KEY)")
        let value = try connection.transaction { connection in
            _ = try connection.query("INSERT INTO audit VALUES (1)")
            _ = try connection.query("INSERT INTO audit VALUES (2)")
            return "done"
        }
        #expect(value == "done")
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (3)")
                throw Abort()
            }
        }
        #expect(connection.isIdleOutsideTransaction)
        // A failing statement rolls back the statements before it.
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (4)")
                _ = try connection.query("INSERT INTO audit VALUES (1)")
            }
        }
        #expect(error?.sqlState == "23505")
        let ids = try connection.query("SELECT id FROM audit ORDER BY id").rows.map { $0[0] }
        #expect(ids == ["1", "2"])
    }

    @Test func swallowedErrorInsideTheBodyIsNotCommitted() throws {
        let connection = try freshConnection("swallow")
        try connection.simpleQuery("CREATE TABLE audit (id int PRIMARY KEY)")
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (1)")
                _ = try? connection.query("INSERT INTO audit VALUES (1)")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(connection.isIdleOutsideTransaction)
        #expect(try connection.query("SELECT count(*) FROM audit").rows[0][0] == "0")
    }

    @Test func failureAtCommitSurfacesAsAnError() throws {
        let connection = try freshConnection("commitfail")
        try connection.simpleQuery(
            "CREATE TABLE audit (id int, CONSTRAINT audit_unique UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)")
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (1), (1)")
            }
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.context == "commit")
        #expect(try connection.query("SELECT count(*) FROM audit").rows[0][0] == "0")
    }

    @Test func connectionLostBeforeCommitIsAnErrorNotSuccess() throws {
        let (cluster, conninfo) = try freshDatabase("lostcommit")
        let connection = try PostgresConnection(conninfo: conninfo)
        let database = try connection.query("SELECT current_database()").rows[0][0] ?? ""
        try connection.simpleQuery("CREATE TABLE audit (id int)")
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (1)")
                _ = try cluster.psql(
                    "SELECT pg_terminate_backend(\(connection.backendPID), 5000)", database: database)
            }
        }
        #expect(error?.isConnectionProblem == true)
        #expect(error?.context == "commit")
        #expect(connection.isBroken)
        try connection.reconnect()
        #expect(try connection.query("SELECT count(*) FROM audit").rows[0][0] == "0")
    }

    @Test func nestedTransactionsUseSavepoints() throws {
        let connection = try freshConnection("nested")
        try connection.simpleQuery("CREATE TABLE audit (id int PRIMARY KEY)")
        try connection.transaction { connection in
            _ = try connection.query("INSERT INTO audit VALUES (1)")
            #expect(throws: Abort.self) {
                try connection.transaction { connection in
                    _ = try connection.query("INSERT INTO audit VALUES (2)")
                    throw Abort()
                }
            }
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (3)")
            }
        }
        let ids = try connection.query("SELECT id FROM audit ORDER BY id").rows.map { $0[0] }
        #expect(ids == ["1", "3"])
    }

    @Test func bodyThatEndsTheTransactionItselfIsReported() throws {
        let connection = try freshConnection("endsitself")
        try connection.simpleQuery("CREATE TABLE audit (id int)")
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO audit VALUES (1)")
                try connection.simpleQuery("ROLLBACK")
            }
        }
        #expect(error?.code == .unexpectedResult)
        #expect(try connection.query("SELECT count(*) FROM audit").rows[0][0] == "0")
    }
}
