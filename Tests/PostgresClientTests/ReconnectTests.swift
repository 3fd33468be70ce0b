import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite struct ReconnectTests {
    @Test func terminatedBackendsAreReplacedOnTheNextUse() throws {
        let (cluster, conninfo) = try freshDatabase("terminate")
        let pool = PostgresPool(conninfo: conninfo, size: 4, acquireTimeoutSeconds: 10)
        defer { pool.close() }
        let database = try pool.withConnection { try $0.query("SELECT current_database()").rows[0][0] ?? "" }
        // Open all four connections at once.
        let backends = Collector<Int32>()
        onThreads(4) { _ in
            _ = try? pool.withConnection { connection in
                backends.append(connection.backendPID)
                _ = try connection.query("SELECT pg_sleep(0.3)")
            }
        }
        #expect(Set(backends.all).count == 4)
        let terminated = try cluster.psql(
            """
            SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
            WHERE datname = '\(database)' AND pid <> pg_backend_pid()
            """,
            database: "postgres")
        #expect(terminated == "4")

        // The first use may fail (with a connection problem); the one after must succeed.
        let statement = PostgresStatement(name: "answer", sql: "SELECT $1::int + 1")
        for _ in 0..<2 {
            do {
                let first = try pool.withConnection { try $0.execute(statement, ["41"]).rows[0][0] }
                #expect(first == "42")
            } catch let error as PostgresError {
                #expect(error.isConnectionProblem, "\(error)")
                let second = try pool.withConnection { try $0.execute(statement, ["41"]).rows[0][0] }
                #expect(second == "42")
            }
        }
        // All of them work again, on new backends.
        let after = Collector<Int32>()
        let failures = Collector<String>()
        onThreads(8) { _ in
            do {
                try pool.withConnection { connection in
                    after.append(connection.backendPID)
                    _ = try connection.execute(statement, ["1"])
                }
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(Set(after.all).isDisjoint(with: Set(backends.all)))
    }

    @Test func aSingleConnectionReportsTheLossAndReconnects() throws {
        let (cluster, conninfo) = try freshDatabase("lost")
        let connection = try PostgresConnection(conninfo: conninfo)
        let statement = PostgresStatement(name: "one", sql: "SELECT 1")
        _ = try connection.execute(statement)
        let database = try connection.query("SELECT current_database()").rows[0][0] ?? ""
        _ = try cluster.psql(
            "SELECT pg_terminate_backend(\(connection.backendPID), 5000)", database: database)
        let error = postgresError { try connection.execute(statement) }
        #expect(error?.code == .connectionLost)
        #expect(error?.isConnectionProblem == true)
        #expect(connection.isBroken)
        try connection.reconnect()
        #expect(!connection.isBroken)
        #expect(try connection.execute(statement).rows[0][0] == "1")
    }
}
