import Foundation
import TestSupport
import Testing

/// The daemon keeps keys and agreements in memory; changes must reach it within a second.
@Suite("Registry changes reach a running daemon", .serialized)
struct RegistryChangeTests {
    /// Polls `condition` every 50 ms for up to `seconds`; returns the elapsed time when it held.
    private func within(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Double? {
        let started = Date()
        while Date().timeIntervalSince(started) < seconds {
            if try condition() { return Date().timeIntervalSince(started) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    @Test("a revoked key is refused within 1 s; a new key works within 1 s")
    func revocationAndIssue() throws {
        let fixture = try DaemonFixture()
        let owner = fixture.cluster.conninfo(database: fixture.database)
        let ctl = BuildProducts.path(of: "unioncardctl")
        let issued = try runProcess(
            ctl, ["--database", owner, "key", "issue", "--partner", "COOP", "--label", "new"])
        let key = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let accepted = try within(1.0) { try fixture.lookup(key, "code=100000000001").status == 200 }
        #expect(accepted != nil, "a newly issued key should work within 1 s")

        let id = String(key.split(separator: "_")[1])
        #expect(try runProcess(ctl, ["--database", owner, "key", "revoke", id]).status == 0)
        let refused = try within(1.0) { try fixture.lookup(key, "code=100000000001").status == 401 }
        #expect(refused != nil, "a revoked key should be refused within 1 s")
    }

    @Test("key list: id, kind, owner, label, created, last used, revoked — never a secret")
    func keyList() throws {
        let fixture = try DaemonFixture()
        let owner = fixture.cluster.conninfo(database: fixture.database)
        let ctl = BuildProducts.path(of: "unioncardctl")
        func line(of key: String) throws -> [String] {
            let id = String(key.split(separator: "_")[1])
            let listing = try runProcess(ctl, ["--database", owner, "key", "list"])
            #expect(listing.status == 0)
            for secret in fixture.keys.values { #expect(!listing.stdout.contains(secret.suffix(64))) }
            let row = listing.stdout.split(separator: "\n").first { $0.hasPrefix("\(id)\t") } ?? ""
            return row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let unused = try line(of: fixture.keys["kind"] ?? "")
        #expect(unused.count == 7)
        #expect(unused.dropFirst(1).first == "merchant")
        #expect(unused.dropFirst(2).first == "KIND")
        #expect(unused.dropFirst(5).first == "-", "never used")
        _ = try fixture.lookup("kind", "code=100000000002")
        let used = try line(of: fixture.keys["kind"] ?? "")
        #expect(used.dropFirst(5).first?.hasSuffix("Z") == true, "last used: \(used)")
        let revoked = try line(of: fixture.keys["revoked"] ?? "")
        #expect(revoked.last?.hasSuffix("Z") == true)
        let auditor = try line(of: fixture.keys["auditor"] ?? "")
        #expect(auditor.dropFirst(1).first == "auditor")
        #expect(auditor.dropFirst(2).first == "HN")
    }

    @Test("a changed agreement applies within 1 s")
    func agreementChange() throws {
        let fixture = try DaemonFixture()
        let before = try fixture.lookup("coop", "code=100000000001&amount=100000")
        #expect((before.json?["discount"] as? [String: Any])?["amount_vnd"] as? Int == 10_000)
        _ = try fixture.cluster.psql(
            "UPDATE agreements SET basis_points = 2000 WHERE code = 'A-COOP-ALL'", database: fixture.database)
        let changed = try within(1.0) {
            let json = try fixture.lookup("coop", "code=100000000001&amount=100000").json
            return (json?["discount"] as? [String: Any])?["amount_vnd"] as? Int == 20_000
        }
        #expect(changed != nil, "the new percent should apply within 1 s")
        _ = try fixture.cluster.psql(
            "UPDATE agreements SET valid_to = '2021-01-01', valid_from = '2020-01-01' WHERE partner_id = "
                + "(SELECT id FROM partners WHERE code = 'COOP')", database: fixture.database)
        let ended = try within(1.0) {
            try fixture.lookup("coop", "code=100000000001").json?["reason"] as? String == "no_agreement"
        }
        #expect(ended != nil, "ended agreements should stop applying within 1 s")
    }

    @Test("200 lookups at once: every one answered and recorded exactly once")
    func concurrentLookupsAreAllRecorded() throws {
        let fixture = try DaemonFixture()
        let before = try fixture.auditCount()
        let ids = SendableBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            let code = ["100000000001", "100000000002", "999999999999", "VPNGOC02"][index % 4]
            let response = try? fixture.lookup("coop", "code=\(code)&amount=\(1000 + index)")
            ids.mutate {
                $0.append(response?.json?["verification_id"] as? String ?? "failed \(response?.status ?? 0)")
            }
        }
        #expect(ids.value.filter { $0.hasPrefix("failed") }.isEmpty)
        #expect(Set(ids.value).count == 200)
        #expect(try fixture.auditCount() == before + 200)
        let recorded = try fixture.cluster.psql(
            "SELECT count(DISTINCT verification_id) FROM audit_events WHERE verification_id::text = ANY('{"
                + ids.value.joined(separator: ",") + "}')", database: fixture.database)
        #expect(recorded == "200")
    }
}
