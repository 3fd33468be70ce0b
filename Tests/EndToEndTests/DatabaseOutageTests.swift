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

    @Test(
        "a batch the database does not answer: 503 at the 10 s deadline; its row, once committed, is what a retry gets"
    )
    func hungDatabaseAnswersAtTheDeadline() throws {
        let fixture = try DaemonFixture()
        let locker = try BackgroundProcess(
            "/usr/bin/psql",
            [
                "-X", "-q", "-d", fixture.cluster.conninfo(database: fixture.database), "-c",
                "BEGIN; LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(12); COMMIT;",
            ])
        defer { _ = locker.terminate(signal: SIGTERM, waitSeconds: 5) }
        // Wait until the lock is held, so the lookup's batch certainly hangs on it.
        var locked = false
        for _ in 0..<50 where !locked {
            locked =
                try fixture.cluster.psql(
                    "SELECT count(*) FROM pg_locks WHERE relation = 'audit_events'::regclass AND mode = 'AccessExclusiveLock' AND granted",
                    database: fixture.database
                ).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
            if !locked { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(locked)

        // A client that waits longer than the daemon's deadline (the fixture's gives up at 10 s).
        let patient = HTTPTestClient(port: fixture.client.port, timeoutSeconds: 20)
        let started = Date()
        let hung = try patient.send(
            "GET", "/v1/lookup?code=100000000001&amount=1000&reference=HUNG-1",
            headers: [("Authorization", "Bearer \(fixture.keys["coop"] ?? "")")])
        let waited = Date().timeIntervalSince(started)
        #expect(hung.status == 503)
        #expect(hung.json?["error"] as? String == "unavailable")
        #expect(waited >= 9.5 && waited < 11.5, "answered after \(waited) s")

        // The lock ends, the hung batch commits: the retry replays that recorded answer.
        _ = locker.terminate(signal: SIGTERM, waitSeconds: 5)
        var retry = try fixture.lookup("coop", "code=100000000001&amount=1000&reference=HUNG-1")
        for _ in 0..<30 where retry.status != 200 {
            Thread.sleep(forTimeInterval: 0.2)
            retry = try fixture.lookup("coop", "code=100000000001&amount=1000&reference=HUNG-1")
        }
        #expect(retry.status == 200)
        #expect(retry.json?["eligible"] as? Bool == true)
        let rows = try fixture.cluster.psql(
            "SELECT count(*) FROM audit_events WHERE reference = 'HUNG-1'", database: fixture.database)
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
