import Foundation
import TestSupport
import Testing

/// The daemon's registry plus a partner whose name and agreement title need CSV quoting, keys for
/// auditors of both provinces and of the confederation, and a set of lookups across provinces.
final class EventsFixture: Sendable {
    let base: DaemonFixture
    /// Bearer secrets: the base ones plus quote, auditorHCM, auditorTLD.
    let keys: [String: String]
    /// Verification ids of lookups whose member and agreement both lie outside Hà Nội (HCM only).
    let hcmOnly: [String]
    /// Verification ids of lookups visible only to Hà Nội (and the confederation).
    let hnOnly: [String]
    /// A lookup of an unknown code: no union at all, only the confederation sees it.
    let unknownCode: String

    static let quotePartner = #"Quán "Bốn Mùa", Huế"#
    static let quoteTitle = #"Giảm 5%, thẻ "vàng""#

    init() throws {
        base = try DaemonFixture()
        let owner = base.cluster.conninfo(database: base.database)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let partners = directory.appendingPathComponent("partners.csv")
        try Data("code,name,tax_code\nQUOTE,\"Quán \"\"Bốn Mùa\"\", Huế\",0100000009\n".utf8).write(
            to: partners)
        _ = try AuditTools.ctlOK(owner, ["import", "partners", partners.path])
        let agreements = directory.appendingPathComponent("agreements.csv")
        try Data(
            ("code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to\n"
                + "A-QUOTE,QUOTE,TLD,\"Giảm 5%, thẻ \"\"vàng\"\"\",5,,,any,2020-01-01,2099-12-31\n").utf8
        ).write(to: agreements)
        _ = try AuditTools.ctlOK(owner, ["import", "agreements", agreements.path])
        let client = base.client
        var keys = base.keys
        keys["quote"] = try AuditTools.ctlOK(
            owner, ["key", "issue", "--partner", "QUOTE", "--label", "quầy 1"])
        keys["auditorHCM"] = try AuditTools.ctlOK(
            owner, ["key", "issue", "--auditor", "HCM", "--label", "HCM"])
        keys["auditorTLD"] = try AuditTools.ctlOK(
            owner, ["key", "issue", "--auditor", "TLD", "--label", "TLĐ"])
        self.keys = keys
        // The daemon learns of new keys through a notification: wait until it knows them.
        for name in ["quote", "auditorHCM", "auditorTLD"] {
            var status = 0
            for _ in 0..<100 {
                status = try client.send(
                    "GET", "/v1/events?limit=1", headers: [("Authorization", "Bearer \(keys[name] ?? "")")]
                ).status
                if status == 200 { break }
                usleep(100_000)
            }
            guard status == 200 else {
                throw DaemonFixture.FixtureError(description: "key \(name) not accepted")
            }
        }
        func lookup(_ key: String, _ query: String) throws -> String {
            let response = try client.send(
                "GET", "/v1/lookup?\(query)", headers: [("Authorization", "Bearer \(keys[key] ?? key)")])
            guard response.status == 200, let id = response.json?["verification_id"] as? String else {
                throw DaemonFixture.FixtureError(description: "lookup \(query) failed: \(response.status)")
            }
            return id
        }
        var hcmOnly: [String] = []
        var hnOnly: [String] = []
        var unknown = ""
        for round in 0..<2 {
            // HN member, TLD agreement; then HCM member, TLD agreement.
            hnOnly.append(try lookup("coop", "code=100000000001&amount=\(250_000 + round)"))
            hcmOnly.append(try lookup("coop", "code=VPNGOC02&amount=\(500_000 + round)"))
            hnOnly.append(try lookup("pho", "code=100000000001&amount=80000"))  // HN member, HN agreement
            hcmOnly.append(try lookup("pho", "code=100000000002&amount=100000"))  // out_of_scope, HCM member
            unknown = try lookup("coop", "code=999999999999&amount=1000")
            hnOnly.append(try lookup("coop", "code=100000000004"))  // lost card, HN member
            hnOnly.append(try lookup("stale", "code=100000000001&amount=5000"))  // no_agreement
            hcmOnly.append(try lookup("quote", "code=100000000002&amount=\(300_000 + round)"))
            hnOnly.append(try lookup("quote", "code=1000 0000 0001&amount=120000&reference=Q-\(round)"))
            hcmOnly.append(try lookup("coop", "code=100000000002&amount=2000000"))  // linked, A-COOP-LINK
            hnOnly.append(try lookup("kind", "code=100000000001"))  // card_kind_not_covered
        }
        self.hcmOnly = hcmOnly
        self.hnOnly = hnOnly
        unknownCode = unknown
    }

    /// `GET` with a key.
    func get(_ key: String, _ target: String, headers: [(String, String)] = []) throws
        -> HTTPTestClient.Response
    {
        try base.client.send(
            "GET", target, headers: [("Authorization", "Bearer \(keys[key] ?? key)")] + headers)
    }

    /// Every event a key sees, following `next` with pages of `limit`.
    func allEvents(_ key: String, query: String = "", limit: Int = 1000) throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        var after: String?
        for _ in 0..<10_000 {
            let cursor = after.map { "&after=\($0)" } ?? ""
            let response = try get(
                key, "/v1/events?limit=\(limit)\(query.isEmpty ? "" : "&" + query)\(cursor)")
            guard response.status == 200, let json = response.json,
                let page = json["events"] as? [[String: Any]]
            else {
                throw DaemonFixture.FixtureError(description: "events: \(response.status) \(response.text)")
            }
            events += page
            guard let next = json["next"] as? String else { return events }
            after = next
        }
        throw DaemonFixture.FixtureError(description: "pagination did not end")
    }

    /// Raw rows read as the owner: verification id, partner code, agreement, member union code,
    /// agreement union code, outcome, reason, amount, discount, local (UTC+7) date.
    struct RawEvent {
        var verificationID: String
        var partner: String
        var agreement: String?
        var memberUnion: String?
        var memberPath: String?
        var agreementPath: String?
        var outcome: String
        var reason: String?
        var amount: Int64
        var discount: Int64
        var day: String
    }

    func rawEvents() throws -> [RawEvent] {
        let units = try base.cluster.psql("SELECT id || '|' || code FROM units", database: base.database)
        var unitCodes: [String: String] = [:]
        for line in units.split(separator: "\n") {
            let parts = line.split(separator: "|")
            unitCodes[String(parts[0])] = String(parts[1])
        }
        let text = try base.cluster.psql(
            """
            SELECT e.verification_id, p.code, coalesce(e.agreement_code, '~'), coalesce(e.member_unit_path, '~'),
                   coalesce(e.agreement_unit_path, '~'), e.outcome, coalesce(e.reason, '~'),
                   coalesce(e.amount_vnd, 0), coalesce(e.discount_vnd, 0), extract(epoch FROM e.at)::bigint
            FROM audit_events e JOIN partners p ON p.id = e.partner_id ORDER BY e.id
            """, database: base.database)
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            func optional(_ value: String) -> String? { value == "~" ? nil : value }
            let memberPath = optional(f[3])
            let lastID = memberPath?.split(separator: "/").last.map(String.init)
            let seconds = (Int(f[9]) ?? 0) + 7 * 3600
            let day = ISO8601DateFormatter.string(
                from: Date(timeIntervalSince1970: Double(seconds)),
                timeZone: TimeZone(identifier: "UTC") ?? .current,
                formatOptions: [.withFullDate])
            return RawEvent(
                verificationID: f[0], partner: f[1], agreement: optional(f[2]),
                memberUnion: lastID.flatMap { unitCodes[$0] }, memberPath: memberPath,
                agreementPath: optional(f[4]),
                outcome: f[5], reason: optional(f[6]), amount: Int64(f[7]) ?? -1, discount: Int64(f[8]) ?? -1,
                day: day)
        }
    }

    /// The materialized path of a union.
    func unitPath(_ code: String) throws -> String {
        try base.cluster.psql("SELECT path FROM units WHERE code = '\(code)'", database: base.database)
    }
}

/// `GET /v1/events` and `/v1/events/summary` over real HTTP, with the real sealer running.
@Suite("Audit events over HTTP", .serialized)
struct EventsEndToEndTests {
    static let shared: Result<EventsFixture, DaemonFixture.FixtureError> = Result {
        try EventsFixture()
    }.mapError { DaemonFixture.FixtureError(description: "\($0)") }

    let fixture: EventsFixture

    init() throws {
        fixture = try Self.shared.get()
    }

    func ids(_ events: [[String: Any]]) -> [String] {
        events.compactMap { $0["verification_id"] as? String }
    }

    @Test("an auditor sees its province's events (member or agreement), never another province's only")
    func provinceScope() throws {
        let raw = try fixture.rawEvents()
        for (key, code) in [("auditor", "HN"), ("auditorHCM", "HCM")] {
            let path = try fixture.unitPath(code)
            let seen = Set(ids(try fixture.allEvents(key)))
            let expected = Set(
                raw.filter {
                    ($0.memberPath?.hasPrefix(path) ?? false) || ($0.agreementPath?.hasPrefix(path) ?? false)
                }
                .map(\.verificationID))
            #expect(seen == expected, "\(code)")
            #expect(!seen.isEmpty)
            #expect(!seen.contains(fixture.unknownCode))
        }
        let hanoi = Set(ids(try fixture.allEvents("auditor")))
        let saigon = Set(ids(try fixture.allEvents("auditorHCM")))
        #expect(hanoi.isDisjoint(with: fixture.hcmOnly))
        #expect(hanoi.isSuperset(of: fixture.hnOnly))
        #expect(saigon.isDisjoint(with: fixture.hnOnly))
        #expect(saigon.isSuperset(of: fixture.hcmOnly))
    }

    @Test("the confederation's auditor sees every event, unknown codes included")
    func confederationSeesAll() throws {
        let all = ids(try fixture.allEvents("auditorTLD"))
        #expect(all == (try fixture.rawEvents()).map(\.verificationID))
        #expect(all.contains(fixture.unknownCode))
    }

    @Test("a merchant sees only its own events; asking for another partner's gives nothing")
    func merchantScope() throws {
        let raw = try fixture.rawEvents()
        let coop = try fixture.allEvents("coop")
        #expect(ids(coop) == raw.filter { $0.partner == "COOP" }.map(\.verificationID))
        #expect(coop.allSatisfy { $0["partner"] as? String == "COOP" })
        let other = try fixture.get("coop", "/v1/events?partner=PHO")
        #expect(other.status == 200)
        #expect((other.json?["events"] as? [Any])?.isEmpty == true)
        #expect(other.json?["next"] is NSNull)
        let own = try fixture.allEvents("pho", query: "partner=PHO")
        #expect(ids(own) == raw.filter { $0.partner == "PHO" }.map(\.verificationID))
    }

    @Test("pages of any size return every event exactly once, in id order, filters included")
    func pagination() throws {
        let everything = ids(try fixture.allEvents("auditorTLD"))
        for limit in [1, 3, 7] {
            let paged = ids(try fixture.allEvents("auditorTLD", limit: limit))
            #expect(paged == everything, "limit \(limit)")
            #expect(Set(paged).count == paged.count)
        }
        let approved = ids(try fixture.allEvents("auditorTLD", query: "outcome=approved"))
        #expect(ids(try fixture.allEvents("auditorTLD", query: "outcome=approved", limit: 2)) == approved)
        let raw = try fixture.rawEvents()
        #expect(approved == raw.filter { $0.outcome == "approved" }.map(\.verificationID))
        let lost = ids(try fixture.allEvents("auditorTLD", query: "reason=card_lost"))
        #expect(lost == raw.filter { $0.reason == "card_lost" }.map(\.verificationID))
        // The code filter normalises like a lookup and also finds lookups by Vpoint code of that card.
        let byCard = try fixture.allEvents("auditorTLD", query: "code=1000-0000-0002")
        #expect(byCard.count == raw.filter { $0.memberUnion == "HCM-01" }.count)
        let first = try fixture.get("auditorTLD", "/v1/events?limit=2")
        #expect((first.json?["events"] as? [Any])?.count == 2)
        #expect(first.json?["next"] is String)
    }

    @Test("events carry the fields DESIGN.md lists")
    func fields() throws {
        let events = try fixture.allEvents("auditorTLD", query: "partner=QUOTE")
        let event = try #require(events.first { $0["reference"] as? String == "Q-0" })
        for field in [
            "verification_id", "seq", "at", "partner", "code", "code_type", "card_number", "agreement",
            "outcome",
            "reason", "amount_vnd", "discount_vnd", "reference", "hash",
        ] {
            #expect(event.keys.contains(field), "\(field)")
        }
        #expect(event["code"] as? String == "1000 0000 0001")
        #expect(event["code_type"] as? String == "card")
        #expect(event["card_number"] as? String == "100000000001")
        #expect(event["agreement"] as? String == "A-QUOTE")
        #expect(event["agreement_title"] as? String == EventsFixture.quoteTitle)
        #expect(event["partner_name"] as? String == EventsFixture.quotePartner)
        #expect(event["amount_vnd"] as? Int == 120_000)
        #expect(event["discount_vnd"] as? Int == 6000)
        #expect(event["outcome"] as? String == "approved")
        #expect(event["reason"] is NSNull)
        let at = try #require(event["at"] as? String)
        #expect(at.hasSuffix("Z") && at.count == 27)
    }

    @Test("CSV: BOM, header, RFC 4180 quoting, Vietnamese intact, streamed chunked; Accept works too")
    func csv() throws {
        let response = try fixture.get("auditorTLD", "/v1/events?format=csv")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(response.headers["transfer-encoding"]?.lowercased() == "chunked")
        #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: response.body.dropFirst(3), as: UTF8.self)
        #expect(
            text.hasPrefix(
                "verification_id,seq,at,partner,partner_name,code,code_type,card_number,agreement,agreement_title,"
                    + "outcome,reason,amount_vnd,discount_vnd,reference,hash\r\n"))
        #expect(text.contains(#","Quán ""Bốn Mùa"", Huế","#))
        #expect(text.contains(#","Giảm 5%, thẻ ""vàng""","#))
        #expect(text.contains(#","Phở Thìn, Hà Nội","#))
        let rows = AuditTools.parseCSV(text)
        let header = try #require(rows.first).map { $0 ?? "" }
        let json = try fixture.allEvents("auditorTLD")
        #expect(rows.count - 1 == json.count)
        for (row, event) in zip(rows.dropFirst(), json) {
            let record = Dictionary(uniqueKeysWithValues: zip(header, row))
            #expect(record["verification_id"] ?? nil == event["verification_id"] as? String)
            #expect(record["partner_name"] ?? nil == event["partner_name"] as? String)
            #expect(record["agreement_title"] ?? nil == event["agreement_title"] as? String)
            #expect(record["code"] ?? nil == event["code"] as? String)
            #expect(record["amount_vnd"] ?? nil == (event["amount_vnd"] as? Int).map { String($0) })
        }
        let accepted = try fixture.get("auditorTLD", "/v1/events?limit=3", headers: [("Accept", "text/csv")])
        #expect(accepted.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(AuditTools.parseCSV(String(decoding: accepted.body.dropFirst(3), as: UTF8.self)).count == 4)
        let merchant = try fixture.get("pho", "/v1/events?format=csv")
        let merchantRows = AuditTools.parseCSV(String(decoding: merchant.body.dropFirst(3), as: UTF8.self))
        #expect(merchantRows.dropFirst().allSatisfy { $0[3] == "PHO" })
        #expect(merchantRows.count - 1 == (try fixture.rawEvents()).filter { $0.partner == "PHO" }.count)
    }

    @Test(
        "summary figures equal sums computed from the raw events",
        arguments: ["partner", "agreement", "union", "day"])
    func summary(group: String) throws {
        for (key, scopePath) in [("auditorTLD", nil), ("auditor", try fixture.unitPath("HN")), ("coop", nil)]
            as [(String, String?)]
        {
            var raw = try fixture.rawEvents()
            if let scopePath {
                raw = raw.filter {
                    ($0.memberPath?.hasPrefix(scopePath) ?? false)
                        || ($0.agreementPath?.hasPrefix(scopePath) ?? false)
                }
            }
            if key == "coop" { raw = raw.filter { $0.partner == "COOP" } }
            let response = try fixture.get(key, "/v1/events/summary?group=\(group)")
            #expect(response.status == 200)
            let json = try #require(response.json)
            let groups = try #require(json["groups"] as? [[String: Any]])
            func keyOf(_ event: EventsFixture.RawEvent) -> String? {
                switch group {
                case "partner": event.partner
                case "agreement": event.agreement
                case "union": event.memberUnion
                default: event.day
                }
            }
            let expectedKeys = Set(raw.map { keyOf($0) ?? "∅" })
            #expect(Set(groups.map { ($0["key"] as? String) ?? "∅" }) == expectedKeys, "\(key) \(group)")
            for entry in groups {
                let members = raw.filter { (keyOf($0) ?? "∅") == ((entry["key"] as? String) ?? "∅") }
                let approved = members.filter { $0.outcome == "approved" }
                let denied = members.filter { $0.outcome == "denied" }
                #expect(entry["approved"] as? Int == approved.count)
                #expect(entry["denied"] as? Int == denied.count)
                #expect(entry["amount_vnd"] as? Int == Int(approved.reduce(0) { $0 + $1.amount }))
                #expect(entry["denied_amount_vnd"] as? Int == Int(denied.reduce(0) { $0 + $1.amount }))
                #expect(entry["discount_vnd"] as? Int == Int(members.reduce(0) { $0 + $1.discount }))
                let denials = entry["denials"] as? [String: Int] ?? [:]
                var expectedDenials: [String: Int] = [:]
                for event in denied { expectedDenials[event.reason ?? "", default: 0] += 1 }
                #expect(denials == expectedDenials)
            }
            let total = try #require(json["total"] as? [String: Any])
            #expect(total["approved"] as? Int == raw.filter { $0.outcome == "approved" }.count)
            #expect(total["discount_vnd"] as? Int == Int(raw.reduce(0) { $0 + $1.discount }))
        }
    }

    @Test(
        "bad filters are 400 naming the parameter",
        arguments: [
            ("/v1/events/summary?group=week", "group"), ("/v1/events?from=2026-02-01&to=2026-01-01", "from"),
            ("/v1/events?from=01/02/2026", "from"), ("/v1/events?to=2026-01-01T25:00:00Z", "to"),
            ("/v1/events?limit=0", "limit"), ("/v1/events?limit=1001", "limit"),
            ("/v1/events?after=xyz", "after"),
            ("/v1/events?outcome=ok", "outcome"), ("/v1/events?reason=late", "reason"),
            ("/v1/events?colour=red", "colour"),
            ("/v1/events/summary?from=2026-13-01", "from"), ("/v1/events?format=pdf", "format"),
        ])
    func badFilters(target: String, parameter: String) throws {
        let response = try fixture.get("auditorTLD", target)
        #expect(response.status == 400)
        #expect(response.json?["error"] as? String == "invalid_parameter")
        #expect(response.json?["parameter"] as? String == parameter)
        #expect((response.json?["message"] as? String)?.contains(parameter) == true)
    }

    @Test(
        "a well-formed bound outside the years 1…9999 (UTC) is a 400 naming it, not a 503",
        arguments: [
            ("/v1/events?from=0001-01-01", "from"), ("/v1/events?format=csv&from=0001-01-01", "from"),
            ("/v1/events?from=0001-01-01T00:00:00%2B00:01", "from"),
            ("/v1/events?to=9999-12-31T23:59:59-23:59", "to"), ("/v1/events/summary?from=0001-01-01", "from"),
            ("/v1/events/summary?group=day&to=0001-01-01T00:00:00%2B01:00", "to"),
        ])
    func boundsOutOfRange(target: String, parameter: String) throws {
        let response = try fixture.get("auditorTLD", target)
        #expect(response.status == 400)
        #expect(response.json?["error"] as? String == "invalid_parameter")
        #expect(response.json?["parameter"] as? String == parameter)
        // The extremes that can be written are still accepted.
        #expect(try fixture.get("auditorTLD", "/v1/events?from=0001-01-01T00:00:00Z&limit=1").status == 200)
        #expect(
            try fixture.get("auditorTLD", "/v1/events?to=9999-12-31T23:59:59.999999Z&limit=1").status == 200)
    }

    @Test("no key, a revoked key: 401; an auditor still may not look up cards")
    func authentication() throws {
        #expect(try fixture.base.client.send("GET", "/v1/events").status == 401)
        #expect(try fixture.get("revoked", "/v1/events").status == 401)
        #expect(try fixture.get("auditorTLD", "/v1/events/summary").status == 200)
        #expect(try fixture.get("auditorTLD", "/v1/lookup?code=100000000001").status == 403)
    }

    @Test("dates select whole local days; a window in the past is empty")
    func timeWindow() throws {
        let all = ids(try fixture.allEvents("auditorTLD"))
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.formatOptions = [.withFullDate]
        let today = formatter.string(from: Date())
        #expect(ids(try fixture.allEvents("auditorTLD", query: "from=\(today)&to=\(today)")) == all)
        #expect(try fixture.allEvents("auditorTLD", query: "to=2020-01-01").isEmpty)
        #expect(
            try fixture.allEvents("auditorTLD", query: "from=2020-01-01T00:00:00%2B07:00").count == all.count)
    }

    @Test("a new event is sealed within a few seconds, and the chain verifies")
    func sealedQuickly() throws {
        let started = Date()
        let response = try fixture.base.lookup("coop", "code=VPCUONG33&amount=10000")
        let id = try #require(response.json?["verification_id"] as? String)
        var sealed: [String: Any]?
        while sealed == nil && Date().timeIntervalSince(started) < 10 {
            let events = try fixture.allEvents("auditorTLD", query: "code=VPCUONG33")
            sealed = events.first { $0["verification_id"] as? String == id && $0["seq"] is Int }
            if sealed == nil { usleep(100_000) }
        }
        let elapsed = Date().timeIntervalSince(started)
        let event = try #require(sealed, "not sealed after \(elapsed) s")
        #expect(elapsed < 3, "sealed after \(elapsed) s")
        #expect((event["hash"] as? String)?.count == 64)
        let owner = fixture.base.cluster.conninfo(database: fixture.base.database)
        let verified = try AuditTools.ctl(owner, ["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ok "))
        let seq = try #require(event["seq"] as? Int)
        let hash = try #require(event["hash"] as? String)
        let prefix = try AuditTools.ctl(owner, ["audit", "verify", "--expect-head", "\(seq):\(hash)"])
        #expect(prefix.status == 0, "\(prefix.stderr)")
    }
}
