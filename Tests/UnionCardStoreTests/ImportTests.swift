import PostgresClient
import Testing
import UnionCardCore

@testable import UnionCardStore

@Suite("Imports")
struct ImportTests {
    @Test("a good registry loads and reports inserted rows; re-importing changes nothing")
    func goodFilesAndIdempotentReimport() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        #expect(try fixture.count("SELECT count(*) FROM units") == 6)
        #expect(try fixture.count("SELECT count(*) FROM cards") == 3)
        #expect(try fixture.count("SELECT count(*) FROM agreements") == 2)
        let path = try fixture.connection.query("SELECT path FROM units WHERE code = 'HN-GD-01'").rows[0][0]
        let root = try fixture.connection.query("SELECT id FROM units WHERE code = 'TLD'").rows[0][0] ?? "?"
        #expect(path?.hasPrefix("/\(root)/") == true)
        #expect(path.flatMap(UnitPath.init(rawValue:))?.depth == 4)

        let again = try fixture.load(
            .partners,
            """
            code,name,tax_code
            COOP,Saigon Co.op,0301175691
            PHO,"Phở Thìn, Hà Nội",0100000001
            """)
        #expect(again.counts == [Importer.Count(label: "partners", inserted: 0, updated: 0)])
        let name = try fixture.connection.query("SELECT name FROM partners WHERE code = 'PHO'").rows[0][0]
        #expect(name == "Phở Thìn, Hà Nội")
    }

    @Test("one bad row: line-numbered error and nothing loaded")
    func badRowLoadsNothing() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        let before = try fixture.count("SELECT count(*) FROM cards")
        let error = #expect(throws: StoreError.self) {
            try fixture.load(
                .members,
                """
                member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on
                DV10,Phạm Văn Mười,HN-GD-01,active,100000000010,VPMUOI10,regular,active,2024-01-10
                DV11,Phạm Văn Mười Một,HN-GD-01,active,10000000001X,VPMUOI11,regular,active,2024-01-10
                DV12,Phạm Văn Mười Hai,HN-GD-01,active,100000000012,VPMUOI12,golden,active,2024-01-10
                """)
        }
        #expect(error?.code == .invalidRows)
        #expect(error?.problems.map(\.line) == [3, 4])
        #expect(error?.problems.first?.message.contains("card_number") == true)
        #expect(error?.problems.last?.message.contains("card_kind") == true)
        #expect(try fixture.count("SELECT count(*) FROM cards") == before)
        #expect(try fixture.count("SELECT count(*) FROM members WHERE member_id = 'DV10'") == 0)
    }

    @Test("cross-row problems: unknown unit, repeated card, two active cards, unknown parent")
    func referenceProblems() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        let header =
            "member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on\n"
        let unknownUnit = #expect(throws: StoreError.self) {
            try fixture.load(
                .members,
                header + """
                    DV20,Đỗ Thị Hai Mươi,NOWHERE,active,100000000020,,regular,active,
                    DV21,Đỗ Văn Hai Mốt,HCM-01,active,100000000021,,regular,active,
                    """)
        }
        #expect(unknownUnit?.problems.map(\.line) == [2])
        #expect(unknownUnit?.problems.first?.message.contains("NOWHERE") == true)
        let repeats = #expect(throws: StoreError.self) {
            try fixture.load(
                .members,
                header + """
                    DV21,Đỗ Văn Hai Mốt,HCM-01,active,100000000021,VP000021,regular,active,
                    DV22,Đỗ Văn Hai Hai,HCM-01,active,100000000021,,regular,active,
                    DV23,Đỗ Văn Hai Ba,HCM-01,active,100000000023,VP000021,regular,active,
                    DV23,Đỗ Văn Hai Ba,HCM-01,active,100000000024,,regular,active,
                    """)
        }
        #expect(repeats?.problems.map(\.line) == [3, 4, 5])
        #expect(repeats?.problems.map(\.message.count).allSatisfy { $0 > 0 } == true)
        #expect(repeats?.problems.last?.message.contains("more than one active card") == true)
        #expect(try fixture.count("SELECT count(*) FROM members WHERE member_id LIKE 'DV2_'") == 0)

        let units = #expect(throws: StoreError.self) {
            try fixture.load(
                .units,
                """
                code,name,level,parent_code
                X1,Công đoàn X,grassroots,MISSING
                """)
        }
        #expect(units?.problems.map(\.line) == [2])

        let badHeader = #expect(throws: StoreError.self) {
            try fixture.load(.partners, "code,name\nA,B\n")
        }
        #expect(badHeader?.problems.first?.line == 1)
    }

    @Test("a parent_code cycle is refused")
    func cycleRefused() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        let error = #expect(throws: StoreError.self) {
            try fixture.load(
                .units,
                """
                code,name,level,parent_code
                C1,Một,upper,C2
                C2,Hai,upper,C1
                """)
        }
        #expect(error?.problems.map(\.line) == [2, 3])
        #expect(try fixture.count("SELECT count(*) FROM units WHERE code IN ('C1', 'C2')") == 0)
    }

    @Test("a card exchange by re-import: the old card becomes replaced, the new one active")
    func cardExchange() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        // The new card is listed first: the importer must still never see two active cards.
        let summary = try fixture.load(
            .members,
            """
            member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on
            DV1,Nguyễn Văn An,HN-GD-01,active,100000000099,VPAN0099,linked,active,2026-06-01
            DV1,Nguyễn Văn An,HN-GD-01,active,100000000001,VPAN0001,regular,replaced,2024-01-10
            """)
        #expect(summary.counts.map(\.inserted) == [0, 0, 1])
        #expect(summary.counts.map(\.updated) == [0, 1, 0])
        let cards = try RegistryReader().cards(
            [.barcode("100000000001"), .vpoint("VPAN0099")], on: fixture.connection)
        let old = cards[.barcode("100000000001")]
        let new = cards[.vpoint("VPAN0099")]
        #expect(old?.status == .replaced)
        #expect(new?.status == .active)
        #expect(new?.kind == .linked)

        // Activating another card without listing the current active one is refused.
        let error = #expect(throws: StoreError.self) {
            try fixture.load(
                .members,
                """
                member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on
                DV1,Nguyễn Văn An,HN-GD-01,active,100000000077,,regular,active,2026-07-01
                """)
        }
        #expect(error?.problems.first?.message.contains("already has another active card") == true)
    }

    @Test("subtree scope through the registry: provincial agreements stop at the province border")
    func subtreeScope() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        let today = LocalDate(year: 2026, month: 12, day: 3)
        guard let today else { Issue.record("bad date"); return }
        let partners = try fixture.connection.query("SELECT code, id FROM partners").rows
        var ids: [String: Int64] = [:]
        for row in partners { ids[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1) }
        let cards = try RegistryReader().cards(
            [.barcode("100000000001"), .vpoint("VPNGOC02"), .barcode("999999999999")], on: fixture.connection)
        #expect(cards.count == 4, "both codes of each found card, nothing for the unknown one")
        let hanoi = cards[.barcode("100000000001")]
        let saigon = cards[.vpoint("VPNGOC02")]
        let agreements = try RegistrySnapshot.loadAgreements(on: fixture.connection)
        let pho = agreements[ids["PHO"] ?? -1] ?? []
        let coop = agreements[ids["COOP"] ?? -1] ?? []
        #expect(pho.map(\.code) == ["A-HN-PHO"])

        func reason(_ card: CardRecord?, _ agreements: [Agreement]) -> String {
            switch Eligibility.decide(
                card: card, partnerAgreements: agreements, today: today, amountVND: 100_000)
            {
            case .eligible(let offer): return "eligible:\(offer.agreement.code):\(offer.discountVND ?? -1)"
            case .denied(let reason): return reason.rawValue
            }
        }
        #expect(reason(hanoi, pho) == "eligible:A-HN-PHO:12500")
        #expect(reason(saigon, pho) == "out_of_scope")
        #expect(reason(hanoi, coop) == "eligible:A-TLD-COOP:10000")
        #expect(reason(saigon, coop) == "eligible:A-TLD-COOP:10000")
    }

    @Test("agreements file: percent with two decimals, bad percent and unknown partner are refused")
    func agreementValidation() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        let error = #expect(throws: StoreError.self) {
            try fixture.load(
                .agreements,
                """
                code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to
                B1,COOP,TLD,Một,7.25,,,linked,2026-01-01,2026-12-31
                B2,COOP,TLD,Hai,7.255,,,any,2026-01-01,2026-12-31
                B3,NOBODY,TLD,Ba,5,,,any,2026-01-01,2026-12-31
                B4,COOP,TLD,Bốn,5,,,any,2026-12-31,2026-01-01
                """)
        }
        #expect(error?.problems.map(\.line) == [3, 5])
        let good = try fixture.load(
            .agreements,
            """
            code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to
            B1,COOP,TLD,Một,7.25,,,linked,2026-01-01,2026-12-31
            """)
        #expect(good.counts.first?.inserted == 1)
        #expect(try fixture.count("SELECT basis_points FROM agreements WHERE code = 'B1'") == 725)
    }
}

@Suite("CSV reader")
struct CSVReaderTests {
    private func records(_ text: String) throws -> [[String]] {
        var result: [[String]] = []
        try CSVReader(bytes: Array(text.utf8)).forEachRecord { fields, _ in result.append(fields) }
        return result
    }

    @Test("quotes, doubled quotes, commas and newlines inside fields, CRLF, BOM")
    func rfc4180() throws {
        let text = "\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\r\n"
        #expect(try records(text) == [["a", "b"], ["x, y", "say \"hi\""], ["two\nlines", ""]])
    }

    @Test("line numbers count physical lines")
    func lineNumbers() throws {
        var lines: [Int] = []
        try CSVReader(bytes: Array("h\n\"a\nb\"\nc\n\nd".utf8)).forEachRecord { _, line in lines.append(line)
        }
        #expect(lines == [1, 2, 4, 6])
    }

    @Test("malformed quoting is an error naming the line")
    func malformed() {
        #expect(throws: CSVReader.SyntaxError.self) { try records("a\n\"open") }
        #expect(throws: CSVReader.SyntaxError.self) { try records("a\nb\"c") }
        #expect(throws: CSVReader.SyntaxError.self) { try records("a\n\"x\"y") }
    }
}
