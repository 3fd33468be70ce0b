import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite struct ServerRestartTests {
    @Test(arguments: [true, false])
    func serverDownFailsFastAndThePoolRecoversAfterARestart(immediate: Bool) throws {
        let cluster = try TemporaryPostgres.start()
        defer { cluster.destroy() }
        let database = try cluster.createDatabase(prefix: "restart")
        for conninfo in [cluster.conninfo(database: database), cluster.tcpConninfo(database: database)] {
            let pool = PostgresPool(conninfo: conninfo, size: 2)
            defer { pool.close() }
            #expect(try pool.withConnection { try $0.query("SELECT 1").rows[0][0] } == "1")

            try cluster.stopServer(immediate: immediate)
            for _ in 0..<3 {
                var failure: PostgresError?
                let elapsed = seconds {
                    failure = postgresError { try pool.withConnection { try $0.query("SELECT 1") } }
                }
                #expect(failure?.isConnectionProblem == true, "\(String(describing: failure))")
                #expect(elapsed < 5)
            }
            let downPool = PostgresPool(conninfo: conninfo, size: 1)
            #expect(postgresError { try downPool.withConnection { _ in 1 } }?.code == .connectionFailed)

            try cluster.startServer()
            // The same pool object works again; at most one failed attempt is tolerated.
            var answer: String?
            do {
                answer = try pool.withConnection { try $0.query("SELECT 2").rows[0][0] }
            } catch let error as PostgresError where error.isConnectionProblem {
                answer = try pool.withConnection { try $0.query("SELECT 2").rows[0][0] }
            }
            #expect(answer == "2")
            #expect(try downPool.withConnection { try $0.query("SELECT 3").rows[0][0] } == "3")
        }
    }
}
