import Foundation
import PostgresClient
import Synchronization
import Testing

@Suite struct PoolTests {
    @Test func sixteenThreadsShareFourConnections() throws {
        let (_, conninfo) = try freshDatabase("pool")
        let pool = PostgresPool(conninfo: conninfo, size: 4, acquireTimeoutSeconds: 30)
        defer { pool.close() }
        try pool.withConnection { try $0.simpleQuery("CREATE TABLE hits (thread int, n int)") }
        let failures = Collector<String>()
        let backends = Collector<Int32>()
        let inUse = Mutex((current: 0, peak: 0))
        let statement = PostgresStatement(name: "insert_hit", sql: "INSERT INTO hits VALUES ($1, $2)")
        onThreads(16) { thread in
            for n in 0..<25 {
                do {
                    try pool.withConnection { connection in
                        inUse.withLock {
                            $0.current += 1; $0.peak = max($0.peak, $0.current)
                        }
                        defer { inUse.withLock { $0.current -= 1 } }
                        backends.append(connection.backendPID)
                        _ = try connection.execute(statement, [String(thread), String(n)])
                        _ = try connection.query("SELECT pg_sleep(0.001)")
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(inUse.withLock { $0.peak } <= 4)
        #expect(Set(backends.all).count <= 4)
        let count = try pool.withConnection {
            try $0.query("SELECT count(*), count(DISTINCT thread) FROM hits")
        }
        #expect(count.rows[0][0] == "400")
        #expect(count.rows[0][1] == "16")
    }

    @Test func acquireTimesOutWhenAllConnectionsAreBusy() throws {
        let (_, conninfo) = try freshDatabase("timeout")
        let pool = PostgresPool(conninfo: conninfo, size: 1, acquireTimeoutSeconds: 0.5)
        defer { pool.close() }
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            _ = try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holder.start()
        holding.wait()
        var failure: PostgresError?
        let elapsed = seconds { failure = postgresError { try pool.withConnection { _ in 1 } } }
        release.signal()
        #expect(failure?.code == .poolTimeout)
        #expect(failure?.isConnectionProblem == false)
        #expect(elapsed >= 0.4)
        #expect(elapsed < 3)
        // Once the holder is done, the pool serves again (the holder may still be returning).
        let value = try retryingPoolTimeouts {
            try pool.withConnection { try $0.query("SELECT 7").rows[0][0] }
        }
        #expect(value == "7")
    }

    @Test func openTransactionIsRolledBackWhenTheConnectionComesBack() throws {
        let (_, conninfo) = try freshDatabase("leftopen")
        let pool = PostgresPool(conninfo: conninfo, size: 1)
        defer { pool.close() }
        try pool.withConnection { try $0.simpleQuery("CREATE TABLE t (x int)") }
        try pool.withConnection { connection in
            try connection.simpleQuery("BEGIN; INSERT INTO t VALUES (1)")
        }
        try pool.withConnection { (connection: PostgresConnection) throws in
            #expect(connection.isIdleOutsideTransaction)
            #expect(try connection.query("SELECT count(*) FROM t").rows[0][0] == "0")
        }
        let committed = try pool.withTransaction { connection in
            try connection.query("INSERT INTO t VALUES (2)").affectedRows
        }
        #expect(committed == 1)
    }

    @Test func poolCreatedWhileTheServerIsUnreachableFailsFastThenClosedPoolRefuses() throws {
        let pool = PostgresPool(conninfo: "host=127.0.0.1 port=1 dbname=x user=postgres", size: 2)
        var failure: PostgresError?
        let elapsed = seconds { failure = postgresError { try pool.withConnection { _ in 1 } } }
        #expect(failure?.code == .connectionFailed)
        #expect(elapsed < 5)
        // Failed connects give their slot back: a second try fails the same way, not by timeout.
        for _ in 0..<3 {
            #expect(postgresError { try pool.withConnection { _ in 1 } }?.code == .connectionFailed)
        }
        pool.close()
        #expect(postgresError { try pool.withConnection { _ in 1 } }?.code == .connectionFailed)
    }

    @Test func closingThePoolClosesItsConnections() throws {
        let (cluster, conninfo) = try freshDatabase("close")
        let pool = PostgresPool(conninfo: conninfo, size: 2)
        let database = try pool.withConnection { try $0.query("SELECT current_database()").rows[0][0] ?? "" }
        pool.close()
        let deadline = Date().addingTimeInterval(5)
        var remaining = ""
        repeat {
            remaining = try cluster.psql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()",
                database: "postgres")
        } while remaining != "0" && Date() < deadline
        #expect(remaining == "0")
    }
}

/// Retries `body` for up to 5 s while it throws `.poolTimeout`.
private func retryingPoolTimeouts<T>(_ body: () throws -> T) throws -> T {
    let deadline = Date().addingTimeInterval(5)
    while true {
        do {
            return try body()
        } catch let error as PostgresError where error.code == .poolTimeout && Date() < deadline {
            continue
        }
    }
}
