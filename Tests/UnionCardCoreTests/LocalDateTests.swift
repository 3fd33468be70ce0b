import Testing
import UnionCardCore

@Suite("LocalDate")
struct LocalDateTests {
    @Test(
        "valid ISO dates round-trip",
        arguments: ["2025-01-01", "2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01", "9999-12-31"])
    func valid(iso: String) {
        #expect(LocalDate(iso: iso)?.iso == iso)
        #expect(LocalDate(iso: iso)?.description == iso)
    }

    @Test(
        "invalid ISO dates",
        arguments: [
            "", "2025-1-01", "2025-01-1", "20250101", "2025/01/01", "2025-13-01", "2025-00-10", "2025-01-00",
            "2025-04-31", "2023-02-29", "1900-02-29", "0000-01-01", " 2025-01-01", "2025-01-01T00:00",
            "+025-01-01", "２０２５-01-01",
        ])
    func invalid(iso: String) {
        #expect(LocalDate(iso: iso) == nil)
    }

    @Test func ordering() {
        #expect(Fixtures.date("2024-12-31") < Fixtures.date("2025-01-01"))
        #expect(Fixtures.date("2025-01-31") < Fixtures.date("2025-02-01"))
        #expect(!(Fixtures.date("2025-02-01") < Fixtures.date("2025-02-01")))
    }

    @Test func epochDays() {
        #expect(LocalDate(daysSinceEpoch: 0)?.iso == "1970-01-01")
        #expect(Fixtures.date("2000-03-01").daysSinceEpoch == 11_017)
        #expect(Fixtures.date("1969-12-31").daysSinceEpoch == -1)
        #expect(Fixtures.date("2024-02-28").adding(days: 1)?.iso == "2024-02-29")
        #expect(Fixtures.date("2024-12-31").adding(days: 1)?.iso == "2025-01-01")
        #expect(Fixtures.date("9999-12-31").adding(days: 1) == nil)
    }

    @Test func localDayFromUnixTime() {
        // 2025-06-14T17:00:00Z is midnight 2025-06-15 in Asia/Ho_Chi_Minh (UTC+7).
        #expect(LocalDate(unixSeconds: 1_749_920_400, utcOffsetSeconds: 25_200)?.iso == "2025-06-15")
        #expect(LocalDate(unixSeconds: 1_749_920_399, utcOffsetSeconds: 25_200)?.iso == "2025-06-14")
        #expect(LocalDate(unixSeconds: -1, utcOffsetSeconds: 0)?.iso == "1969-12-31")
    }
}
