import Foundation
import TestSupport
import Testing

/// Rate limit and enumeration lockout, against the real daemon.
@Suite("Abuse resistance", .serialized)
struct AbuseResistanceTests {
    @Test("over the per-key rate: 429 with Retry-After, nothing recorded; a partner's own limit applies")
    func rateLimit() throws {
        let fixture = try DaemonFixture(environment: [
            "UNIONCARD_RATE_LIMIT_PER_MINUTE": "60", "UNIONCARD_RATE_LIMIT_BURST": "5",
        ])
        for _ in 0..<5 { #expect(try fixture.lookup("coop", "code=100000000001").status == 200) }
        let before = try fixture.auditCount()
        let limited = try fixture.lookup("coop", "code=100000000001")
        #expect(limited.status == 429)
        #expect(limited.json?["error"] as? String == "rate_limited")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(try fixture.auditCount() == before)
        // Another key of the same partner has its own bucket.
        #expect(try fixture.lookup("pho", "code=100000000001").status == 200)

        _ = try fixture.cluster.psql(
            "UPDATE partners SET rate_limit_per_minute = 0 WHERE code = 'COOP'", database: fixture.database)
        var unlimited = false
        for _ in 0..<20 where !unlimited {
            unlimited = try fixture.lookup("coop", "code=100000000001").status == 200
            if !unlimited { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(unlimited, "the partner's own limit (0 = none) should apply within 2 s")
        for _ in 0..<30 { #expect(try fixture.lookup("coop", "code=100000000001").status == 200) }
    }

    @Test("a script guessing 10,000 random card numbers is locked after 20 unknown codes")
    func enumerationLockout() throws {
        let fixture = try DaemonFixture(environment: [
            "UNIONCARD_RATE_LIMIT_PER_MINUTE": "0", "UNIONCARD_LOCKOUT_THRESHOLD": "20",
        ])
        let before = try fixture.auditCount()
        var generator = SystemRandomNumberGenerator()
        var evaluated = 0
        var learned = 0
        var locked = 0
        var lockStatusSeen: String?
        for _ in 0..<10_000 {
            let guess = String(format: "%012llu", UInt64.random(in: 0..<1_000_000_000_000, using: &generator))
            let response = try fixture.lookup("stale", "code=\(guess)")
            switch response.status {
            case 200:
                evaluated += 1
                if response.json?["reason"] as? String != "unknown_code" { learned += 1 }
            case 429:
                locked += 1
                lockStatusSeen = response.json?["error"] as? String
            default:
                Issue.record("unexpected status \(response.status)")
            }
        }
        #expect(evaluated == 20, "evaluated lookups before the lock")
        #expect(learned == 0, "valid codes learned by guessing")
        #expect(locked == 10_000 - 20)
        #expect(lockStatusSeen == "key_locked")
        // 20 evaluated lookups plus one row for the lock itself.
        #expect(try fixture.auditCount() == before + 21)
        let lockRows = try fixture.cluster.psql(
            "SELECT count(*) FROM audit_events WHERE reason = 'key_locked'", database: fixture.database)
        #expect(lockRows == "1")
        #expect(
            fixture.daemon.stderrSoFar.components(separatedBy: "key locked after too many unknown codes")
                .count == 2)
        // Other keys are unaffected.
        #expect(try fixture.lookup("coop", "code=100000000001").status == 200)
        let metrics = try fixture.client.send("GET", "/metrics").text
        #expect(metrics.contains("unioncard_keys_locked_total 1"))
        #expect(metrics.contains("unioncard_keys_locked 1"))
    }
}
