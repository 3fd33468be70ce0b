import Foundation
import TestSupport
import Testing

/// A migrated database holding eight sealed audit events (ids 10, 20, … 80, one per day from
/// 2026-01-01 local time), with NULLs, empty texts, commas, quotes, a line break and Vietnamese.
struct ChainDatabase {
    let cluster: TemporaryPostgres
    let database: String
    let owner: String
    /// The head after sealing the eight events: `8:<hex>`.
    let head: String

    init() throws {
        cluster = try TemporaryPostgres.shared()
        database = try cluster.createDatabase(prefix: "chain")
        owner = cluster.conninfo(database: database)
        _ = try AuditTools.ctlOK(owner, ["migrate"])
        _ = try cluster.psql(
            """
            INSERT INTO partners (code, name) VALUES ('PHO', 'Phở Thìn, Hà Nội');
            INSERT INTO api_keys (kind, partner_id, label, secret_hash)
                SELECT 'merchant', id, 'quầy 1', sha256('secret') FROM partners;
            INSERT INTO audit_events (id, verification_id, at, key_id, partner_id, code_given, code_type, card_number,
                member_id, member_unit_path, agreement_code, agreement_unit_path, outcome, reason, amount_vnd,
                discount_vnd, reference, client_addr, response)
            SELECT g * 10, gen_random_uuid(), timestamptz '2026-01-01 10:00:00.123456+07' + (g - 1) * interval '1 day',
                k.id, k.partner_id,
                CASE WHEN g % 2 = 1 THEN '1000 0000 000' || g ELSE 'vp-zz' || g END,
                CASE WHEN g % 2 = 1 THEN 'card' ELSE 'vpoint' END,
                CASE WHEN g % 2 = 1 THEN '10000000000' || g END,
                CASE WHEN g % 2 = 1 THEN 'DV' || g END,
                CASE WHEN g % 2 = 1 THEN '/1/2/' END,
                CASE WHEN g % 2 = 1 THEN 'A-HN' END,
                CASE WHEN g % 2 = 1 THEN '/1/' END,
                CASE WHEN g % 2 = 1 THEN 'approved' ELSE 'denied' END,
                CASE WHEN g % 2 = 0 THEN 'unknown_code' END,
                CASE WHEN g % 4 <> 0 THEN g * 100000 END,
                CASE WHEN g % 2 = 1 THEN g * 10000 END,
                CASE WHEN g % 2 = 1 THEN 'POS,"' || g || '"' || CASE WHEN g = 1 THEN E'\\r\\nline 2' ELSE '' END END,
                CASE WHEN g % 2 = 1 THEN '127.0.0.1' ELSE '' END,
                '{"message":"Thẻ hợp lệ, giảm \\"' || g || '%\\"\n"}'
            FROM generate_series(1, 8) g, api_keys k;
            """, database: database)
        let sealed = try AuditTools.ctlOK(owner, ["audit", "seal"])
        guard sealed.hasPrefix("head 8:") else {
            throw DaemonFixture.FixtureError(description: "unexpected seal output \(sealed)")
        }
        head = String(sealed.dropFirst(5))
    }

    /// Runs SQL as the superuser with triggers and foreign keys off, as an attacker would.
    func tamper(_ sql: String) throws {
        _ = try cluster.psql("SET session_replication_role = replica;\n" + sql, database: database)
    }

    /// `unioncardctl audit verify …`.
    func verify(_ arguments: [String] = []) throws -> ProcessOutput {
        try AuditTools.ctl(owner, ["audit", "verify"] + arguments)
    }

    /// `unioncardctl audit export …` (stdout).
    func export(_ arguments: [String]) throws -> ProcessOutput {
        try AuditTools.ctl(owner, ["audit", "export"] + arguments)
    }

    /// The auditors' script on a fresh export in `format`.
    func script(_ format: String, _ arguments: [String] = []) throws -> ProcessOutput {
        let exported = try export(["--format", format])
        guard exported.status == 0 else {
            throw DaemonFixture.FixtureError(description: "export failed: \(exported.stderr)")
        }
        return try AuditTools.verifyExport(exported.stdout, arguments: arguments)
    }
}

@Suite("Audit chain: tampering is found, by unioncardctl and by the auditors' script")
struct AuditChainTamperTests {
    @Test("an untouched chain verifies, and the script agrees on the head for both formats")
    func intact() throws {
        let chain = try ChainDatabase()
        let verified = try chain.verify()
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout == "ok 8 rows; head \(chain.head)\n")
        // A quoted field spanning lines (the script must not split the row there).
        #expect(try chain.export([]).stdout.contains("\"POS,\"\"1\"\"\r\nline 2\""))
        for format in ["csv", "jsonl"] {
            let script = try chain.script(format)
            #expect(script.status == 0, "\(format): \(script.stderr)")
            #expect(script.stdout == "ok 8 rows; head \(chain.head)\n", "\(format)")
        }
    }

    @Test(
        "a change, a deletion, a swap or a forged insert is named by its first bad seq",
        arguments: [
            (
                "discount changed",
                "UPDATE audit_events SET discount_vnd = discount_vnd + 1000 WHERE id = 30;", 3
            ),
            ("address blanked", "UPDATE audit_events SET client_addr = '' WHERE id = 50;", 5),
            ("NULL made an empty text", "UPDATE audit_events SET reference = '' WHERE id = 40;", 4),
            (
                "row deleted",
                "DELETE FROM audit_chain WHERE seq = 4; DELETE FROM audit_events WHERE id = 40;", 4
            ),
            (
                "rows swapped",
                """
                CREATE TEMP TABLE original AS SELECT * FROM audit_events WHERE id IN (20, 60);
                UPDATE audit_events SET verification_id = gen_random_uuid() WHERE id IN (20, 60);
                UPDATE audit_events e SET (verification_id, at, key_id, partner_id, code_given, code_type, card_number,
                    member_id, member_unit_path, agreement_code, agreement_unit_path, outcome, reason, amount_vnd,
                    discount_vnd, reference, client_addr, response) =
                    (SELECT verification_id, at, key_id, partner_id, code_given, code_type, card_number, member_id,
                        member_unit_path, agreement_code, agreement_unit_path, outcome, reason, amount_vnd,
                        discount_vnd, reference, client_addr, response
                     FROM original o WHERE o.id = CASE e.id WHEN 20 THEN 60 ELSE 20 END)
                WHERE e.id IN (20, 60);
                """, 2
            ),
            (
                "forged row inserted into the chain",
                """
                UPDATE audit_chain SET seq = seq + 1000 WHERE seq >= 5;
                UPDATE audit_chain SET seq = seq - 999 WHERE seq >= 1000;
                INSERT INTO audit_events (id, verification_id, at, key_id, partner_id, code_given, code_type, outcome,
                    reason, amount_vnd, discount_vnd, client_addr, response)
                SELECT 45, gen_random_uuid(), at, key_id, partner_id, code_given, code_type, 'approved', NULL,
                    900000, 90000, client_addr, response
                FROM audit_events WHERE id = 40;
                INSERT INTO audit_chain (seq, event_id, hash) SELECT 5, 45, hash FROM audit_chain WHERE seq = 4;
                """, 5
            ),
        ])
    func tampered(name: String, sql: String, badSeq: Int) throws {
        let chain = try ChainDatabase()
        try chain.tamper(sql)
        let verified = try chain.verify()
        #expect(verified.status == 1, "\(name): \(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout == "bad seq \(badSeq)\n", "\(name): \(verified.stderr)")
        #expect(verified.stderr.contains("seq \(badSeq):"), "\(name)")
        for format in ["csv", "jsonl"] {
            let script = try chain.script(format)
            #expect(script.status == 1, "\(name) \(format): \(script.stdout) \(script.stderr)")
            #expect(script.stdout == "bad seq \(badSeq)\n", "\(name) \(format): \(script.stderr)")
        }
    }

    @Test("a row inserted behind the chain's back (no chain row) is named where it would sit")
    func insertedBehind() throws {
        let chain = try ChainDatabase()
        try chain.tamper(
            """
            INSERT INTO audit_events (id, verification_id, key_id, partner_id, code_given, code_type, outcome, reason,
                response)
            SELECT 45, gen_random_uuid(), key_id, partner_id, 'FORGED', 'vpoint', 'denied', 'unknown_code', '{}'
            FROM audit_events WHERE id = 40;
            """)
        // The sealer refuses to seal it at the end (it is older than the head)…
        #expect(try AuditTools.ctlOK(chain.owner, ["audit", "seal"]) == "head \(chain.head)")
        // …and verify names the chain position it was slipped in front of.
        let verified = try chain.verify()
        #expect(verified.status == 1)
        #expect(verified.stdout == "bad seq 5\n")
        #expect(verified.stderr.contains("inserted_event"))
    }

    @Test("an event deleted under its chain row: verify names it, and export refuses to skip it")
    func eventDeleted() throws {
        let chain = try ChainDatabase()
        try chain.tamper("DELETE FROM audit_events WHERE id = 70;")
        let verified = try chain.verify()
        #expect(verified.stdout == "bad seq 7\n")
        #expect(verified.stderr.contains("missing_event"))
        let exported = try chain.export(["--format", "csv"])
        #expect(exported.status == 1)
        #expect(exported.stderr.contains("seq 7"))
    }

    @Test("a published head proves the chain still extends it; a cut tail or another hash is caught")
    func publishedHead() throws {
        let chain = try ChainDatabase()
        let published = chain.head
        _ = try chain.cluster.psql(
            """
            INSERT INTO audit_events (id, verification_id, key_id, partner_id, code_given, code_type, outcome, reason,
                response)
            SELECT g, gen_random_uuid(), key_id, partner_id, 'VP' || g, 'vpoint', 'denied', 'unknown_code', '{}'
            FROM audit_events, generate_series(90, 100, 10) g WHERE id = 10;
            """, database: chain.database)
        let newHead = try AuditTools.ctlOK(chain.owner, ["audit", "seal"])
        #expect(newHead.hasPrefix("head 10:"))
        #expect(try chain.verify(["--expect-head", published]).status == 0)
        #expect(try chain.script("csv", ["--expect-head", published]).status == 0)
        let otherHash = "8:" + String(repeating: "ab", count: 32)
        let mismatch = try chain.verify(["--expect-head", otherHash])
        #expect(mismatch.status == 1)
        #expect(mismatch.stdout == "bad seq 8\n")
        #expect(try chain.script("jsonl", ["--expect-head", otherHash]).stdout == "bad seq 8\n")
        // Cutting the tail leaves a chain that is consistent in itself; only the published head shows it.
        try chain.tamper("DELETE FROM audit_chain WHERE seq > 6; DELETE FROM audit_events WHERE id > 60;")
        #expect(try chain.verify().status == 0)
        let cut = try chain.verify(["--expect-head", published])
        #expect(cut.status == 1)
        #expect(cut.stdout == "bad seq 7\n")
        #expect(cut.stderr.contains("head_missing"))
        #expect(try chain.script("csv", ["--expect-head", published]).stdout == "bad seq 7\n")
    }

    @Test("an export of a time window is a contiguous stretch that checks from its anchor")
    func window() throws {
        let chain = try ChainDatabase()
        let exported = try chain.export(["--from", "2026-01-03", "--to", "2026-01-05", "--format", "csv"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let rows = AuditTools.parseCSV(String(exported.stdout.unicodeScalars.dropFirst()))
        #expect(rows.count == 4)
        #expect(rows.dropFirst().map { $0[0] } == ["3", "4", "5"])
        let header = rows[0].map { $0 ?? "" }
        let record = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
        #expect(record["reference"] ?? nil == #"POS,"3""#)
        #expect(record["client_addr"] ?? nil == "127.0.0.1")
        #expect(record["reason"] ?? "x" == nil)
        let even = Dictionary(uniqueKeysWithValues: zip(header, rows[2]))
        #expect(even["client_addr"] ?? nil == "")
        #expect(even["amount_vnd"] ?? "x" == nil)
        #expect(even["partner"] ?? nil == "PHO")
        let script = try AuditTools.verifyExport(exported.stdout)
        #expect(script.status == 0, "\(script.stderr)")
        let headOfWindow = try #require(script.stdout.split(separator: " ").last).trimmingCharacters(
            in: .newlines)
        #expect(headOfWindow.hasPrefix("5:"))
        #expect(try chain.verify(["--expect-head", headOfWindow]).status == 0)
        let jsonl = try chain.export(["--from", "2026-01-08T03:00:00Z", "--format", "jsonl"])
        #expect(jsonl.stdout.split(separator: "\n").count == 1)
        let line = try #require(
            try JSONSerialization.jsonObject(with: Data(jsonl.stdout.utf8)) as? [String: Any])
        #expect(line["seq"] as? Int == 8)
        #expect(line["at"] as? String == "2026-01-08T03:00:00.123456Z")
        #expect(line["member_unit_path"] is NSNull)
        let empty = try chain.export(["--from", "2027-01-01"])
        #expect(empty.status == 0)
        #expect(AuditTools.parseCSV(String(empty.stdout.unicodeScalars.dropFirst())).count == 1)
        let bad = try chain.export(["--from", "tomorrow"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--from"))
    }
}
