import Foundation
import TestSupport
import Testing

/// The 503 path: no discount without a committed audit row, and recovery without a restart.
@Suite("Database outage", .serialized)
struct DatabaseOutageTests {
    @Test("database stopped: lookups 503 (bad input still 400), readyz 503; restarted: back to 200")
    func outageAndRecovery() throws {
        let cluster = try TemporaryPostgres.start()
        defer { cluster.destroy() }
        let fixture = try DaemonFixture(cluster: cluster)
        #expect(try fixture.lookup("coop", "code=100000000001").status == 200)

        try cluster.stopServer(immediate: true)
        let started = Date()
        let down = try fixture.lookup("coop", "code=100000000001&amount=1000")
        #expect(down.status == 503)
        #expect(down.json?["error"] as? String == "unavailable")
        #expect(down.headers["retry-after"] != nil)
        #expect(Date().timeIntervalSince(started) < 8, "a dead database must not hang the answer")
        // Malformed input never reaches the database, so it is still a 400, not a 503.
        #expect(try fixture.lookup("coop", "code=12").status == 400)
        #expect(try fixture.client.send("GET", "/readyz").status == 503)
        #expect(try fixture.client.send("GET", "/healthz").status == 200)

        try cluster.startServer()
        var ready = false
        for _ in 0..<50 where !ready {
            ready = try fixture.client.send("GET", "/readyz").status == 200
            if !ready { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(ready)
        let back = try fixture.lookup("coop", "code=100000000001&amount=1000")
        #expect(back.status == 200)
        #expect(back.json?["eligible"] as? Bool == true)
    }
}
