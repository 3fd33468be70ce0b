import Foundation
import TestSupport
import Testing

/// The real daemon over real HTTP against a real PostgreSQL.
@Suite("Lookup over HTTP", .serialized)
struct LookupEndToEndTests {
    /// One daemon and database for the whole suite (started on first use; stopped at exit).
    static let shared: Result<DaemonFixture, DaemonFixture.FixtureError> = Result {
        try DaemonFixture()
    }.mapError { DaemonFixture.FixtureError(description: "\($0)") }

    let fixture: DaemonFixture

    init() throws {
        fixture = try Self.shared.get()
    }

    @Test("an eligible card: discount, masked name, nothing else about the member")
    func eligibleByCard() throws {
        let response = try fixture.lookup("coop", "code=1000-0000-0001&amount=250000")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        let json = try #require(response.json)
        #expect(json["eligible"] as? Bool == true)
        #expect(json["reason"] is NSNull)
        #expect(json["code_type"] as? String == "card")
        #expect(json["card_kind"] as? String == "regular")
        #expect((json["member"] as? [String: Any])?.keys.sorted() == ["display_name"])
        #expect((json["member"] as? [String: Any])?["display_name"] as? String == "N. V. An")
        let discount = try #require(json["discount"] as? [String: Any])
        #expect(discount["agreement"] as? String == "A-COOP-ALL")
        #expect(discount["percent"] as? Int == 10)
        #expect(discount["max_vnd"] as? Int == 100_000)
        #expect(discount["amount_vnd"] as? Int == 25_000)
        #expect((json["message"] as? String)?.contains("25.000") == true)
        let id = try #require(json["verification_id"] as? String)
        #expect(UUID(uuidString: id) != nil)
        #expect(!response.text.contains("DV1"))
        #expect(!response.text.contains("Nguyễn"))
    }

    @Test("by Vpoint code, lower-case with spaces; best offer changes with the amount")
    func vpointAndBestOffer() throws {
        let small = try #require(try fixture.lookup("coop", "code=vp%20ngoc02&amount=500000").json)
        #expect(small["code_type"] as? String == "vpoint")
        #expect((small["discount"] as? [String: Any])?["agreement"] as? String == "A-COOP-ALL")
        #expect((small["discount"] as? [String: Any])?["amount_vnd"] as? Int == 50_000)
        // 15 % of 2,000,000 = 300,000 beats 10 % capped at 100,000.
        let large = try #require(try fixture.lookup("coop", "code=VPNGOC02&amount=2000000").json)
        #expect((large["discount"] as? [String: Any])?["agreement"] as? String == "A-COOP-LINK")
        #expect((large["discount"] as? [String: Any])?["amount_vnd"] as? Int == 300_000)
        #expect((large["member"] as? [String: Any])?["display_name"] as? String == "T. T. B. Ngọc")
        // Without an amount: the highest percent.
        let none = try #require(try fixture.lookup("coop", "code=VPNGOC02").json)
        #expect((none["discount"] as? [String: Any])?["agreement"] as? String == "A-COOP-LINK")
        #expect((none["discount"] as? [String: Any])?["amount_vnd"] is NSNull)
    }

    @Test(
        "every denial reason, with a Vietnamese message and no discount",
        arguments: [
            ("coop", "code=999999999999", "unknown_code"),
            ("coop", "code=100000000003", "card_replaced"),
            ("coop", "code=100000000004", "card_lost"),
            ("coop", "code=100000000005", "card_revoked"),
            ("coop", "code=100000000006", "member_suspended"),
            ("coop", "code=100000000007", "member_ceased"),
            ("stale", "code=100000000001", "no_agreement"),
            ("pho", "code=100000000002&amount=100000", "out_of_scope"),
            ("kind", "code=100000000001", "card_kind_not_covered"),
            ("pho", "code=100000000001&amount=10000", "below_min_purchase"),
        ])
    func denial(key: String, query: String, reason: String) throws {
        let before = try fixture.auditCount()
        let response = try fixture.lookup(key, query)
        #expect(response.status == 200)
        let json = try #require(response.json)
        #expect(json["eligible"] as? Bool == false)
        #expect(json["reason"] as? String == reason)
        #expect(json["discount"] is NSNull)
        let message = try #require(json["message"] as? String)
        #expect(message.unicodeScalars.contains { $0.value > 0x7F }, "message should be Vietnamese")
        if reason == "unknown_code" {
            #expect(json["member"] is NSNull)
            #expect(json["card_kind"] is NSNull)
        } else {
            #expect(json["member"] is [String: Any])
        }
        #expect(try fixture.auditCount() == before + 1)
    }

    @Test("the audit row holds the lookup and the answer as sent")
    func auditRow() throws {
        let json = try #require(
            try fixture.lookup("pho", "code=100000000001&amount=80000&reference=POS-A1").json)
        let id = try #require(json["verification_id"] as? String)
        let row = try fixture.cluster.psql(
            """
            SELECT code_given || '|' || card_number || '|' || member_id || '|' || agreement_code || '|'
                   || outcome || '|' || amount_vnd || '|' || discount_vnd || '|' || reference || '|'
                   || client_addr
            FROM audit_events WHERE verification_id = '\(id)'
            """, database: fixture.database)
        #expect(
            row.trimmingCharacters(in: .whitespacesAndNewlines)
                == "100000000001|100000000001|DV1|A-PHO-HN|approved|80000|10000|POS-A1|127.0.0.1")
    }

    @Test("POST with JSON answers like GET")
    func postJSON() throws {
        let body = Array(#"{"code": "100000000001", "amount": 250000, "reference": "POS-POST-1"}"#.utf8)
        let response = try fixture.client.send(
            "POST", "/v1/lookup",
            headers: [
                ("Authorization", "Bearer \(fixture.keys["coop"] ?? "")"),
                ("Content-Type", "application/json"),
            ],
            body: body)
        #expect(response.status == 200)
        #expect((response.json?["discount"] as? [String: Any])?["amount_vnd"] as? Int == 25_000)
    }

    @Test("a retry with the same reference returns the first answer and records nothing new")
    func referenceReplay() throws {
        let first = try fixture.lookup("coop", "code=100000000001&amount=250000&reference=POS-123")
        let before = try fixture.auditCount()
        let second = try fixture.lookup("coop", "code=1000 0000 0001&amount=250000&reference=POS-123")
        #expect(second.status == 200)
        #expect(second.body == first.body)
        #expect(try fixture.auditCount() == before)

        let otherAmount = try fixture.lookup("coop", "code=100000000001&amount=260000&reference=POS-123")
        #expect(otherAmount.status == 422)
        #expect(otherAmount.json?["error"] as? String == "reference_conflict")
        let otherCode = try fixture.lookup("coop", "code=100000000002&amount=250000&reference=POS-123")
        #expect(otherCode.status == 422)
        #expect(try fixture.auditCount() == before)

        // The same reference under another partner's key is a different lookup.
        let otherKey = try fixture.lookup("pho", "code=100000000001&amount=250000&reference=POS-123")
        #expect(otherKey.status == 200)
        #expect(otherKey.json?["verification_id"] as? String != first.json?["verification_id"] as? String)
    }

    @Test("concurrent retries of one reference yield one evaluation")
    func concurrentReplay() throws {
        let before = try fixture.auditCount()
        let answers = SendableBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let id =
                (try? fixture.lookup("coop", "code=100000000002&amount=1000&reference=POS-RACE"))?
                .json?["verification_id"] as? String
            answers.mutate { $0.append(id ?? "failed") }
        }
        #expect(Set(answers.value).count == 1)
        #expect(!answers.value.contains("failed"))
        #expect(try fixture.auditCount() == before + 1)
    }

    @Test(
        "authentication failures are 401 and auditors may not look up cards",
        arguments: [
            ("", 401), ("Basic abc", 401), ("Bearer nonsense", 401),
            ("Bearer uck_1_" + String(repeating: "0", count: 64), 401),
        ])
    func authentication(header: String, status: Int) throws {
        let headers = header.isEmpty ? [] : [("Authorization", header)]
        let response = try fixture.client.send("GET", "/v1/lookup?code=100000000001", headers: headers)
        #expect(response.status == status)
        #expect(response.json?["error"] as? String == "unauthorized")
    }

    @Test("a revoked key is refused; an auditor key is forbidden")
    func revokedAndAuditor() throws {
        #expect(try fixture.lookup("revoked", "code=100000000001").status == 401)
        let auditor = try fixture.lookup("auditor", "code=100000000001")
        #expect(auditor.status == 403)
        #expect(auditor.json?["error"] as? String == "forbidden")
    }

    @Test(
        "malformed lookups are 400 with a JSON error and record nothing",
        arguments: [
            ("code=12345", "invalid_code"),
            ("code=ABC!DEF", "invalid_code"),
            ("code=" + String(repeating: "9", count: 40), "invalid_code"),
            ("code=%E1%BB%87%E1%BB%87%E1%BB%87%E1%BB%87%E1%BB%87%E1%BB%87", "invalid_code"),
            ("amount=1000", "missing_code"),
            ("code=100000000001&amount=-1", "invalid_amount"),
            ("code=100000000001&amount=1.5", "invalid_amount"),
            ("code=100000000001&amount=abc", "invalid_amount"),
            ("code=100000000001&amount=1000000000001", "invalid_amount"),
            ("code=100000000001&reference=" + String(repeating: "R", count: 65), "invalid_reference"),
        ])
    func malformed(query: String, error: String) throws {
        let before = try fixture.auditCount()
        let response = try fixture.lookup("coop", query)
        #expect(response.status == 400)
        #expect(response.json?["error"] as? String == error)
        #expect((response.json?["message"] as? String)?.isEmpty == false)
        #expect(try fixture.auditCount() == before)
    }

    @Test("bad bodies, media types, paths and methods")
    func badRequests() throws {
        let auth = ("Authorization", "Bearer \(fixture.keys["coop"] ?? "")")
        let json = ("Content-Type", "application/json")
        let invalid = try fixture.client.send(
            "POST", "/v1/lookup", headers: [auth, json], body: Array("{\"code\":".utf8))
        #expect(invalid.status == 400)
        #expect(invalid.json?["error"] as? String == "invalid_json")
        let notObject = try fixture.client.send(
            "POST", "/v1/lookup", headers: [auth, json], body: Array("[1]".utf8))
        #expect(notObject.status == 400)
        let text = try fixture.client.send(
            "POST", "/v1/lookup", headers: [auth, ("Content-Type", "text/plain")], body: Array("code=1".utf8))
        #expect(text.status == 415)
        #expect(text.json?["error"] as? String == "unsupported_media_type")
        let big = try fixture.client.send(
            "POST", "/v1/lookup", headers: [auth, json], body: [UInt8](repeating: 0x20, count: 17 * 1024))
        #expect(big.status == 413)
        #expect(big.json?["error"] as? String == "payload_too_large")
        let unknown = try fixture.client.send("GET", "/v2/nothing", headers: [auth])
        #expect(unknown.status == 404)
        #expect(unknown.json?["error"] as? String == "not_found")
        let wrongMethod = try fixture.client.send("DELETE", "/v1/lookup", headers: [auth])
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"]?.contains("GET") == true)
        #expect(try fixture.client.send("GET", "/healthz").status == 200)
        #expect(try fixture.client.send("GET", "/readyz").status == 200)
    }

    @Test(
        "an ambiguous body length (request smuggling) is a 400 and the body is never read",
        arguments: [
            "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}",
            "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        ])
    func ambiguousLength(framing: String) throws {
        let before = try fixture.auditCount()
        let request =
            "POST /v1/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.keys["coop"] ?? "")\r\n"
            + "Content-Type: application/json\r\n" + framing
        let response = try fixture.client.exchange(Array(request.utf8))
        #expect(response.status == 400)
        #expect(response.json?["error"] as? String == "bad_request")
        #expect(response.headers["connection"]?.lowercased() == "close")
        #expect(try fixture.auditCount() == before)
    }

    @Test("the daemon's logs carry no card numbers, names or keys")
    func logsHoldNoPersonalData() throws {
        _ = try fixture.lookup("coop", "code=100000000001&amount=1000")
        _ = try fixture.lookup("coop", "code=VPNGOC02")
        let logs = fixture.daemon.stderrSoFar
        #expect(logs.contains("path=/v1/lookup"))
        #expect(!logs.contains("100000000001"))
        #expect(!logs.contains("VPNGOC02"))
        #expect(!logs.contains("Nguyễn"))
        #expect(!logs.contains(fixture.keys["coop"] ?? "?"))
    }
}

/// A value shared by concurrent closures in a test.
final class SendableBox<Value>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
