import Testing
import UnionCardCore

@Suite("UTC timestamps")
struct UTCTimestampTests {
    @Test(
        "RFC 3339 input, any offset, to the fixed UTC form",
        arguments: [
            ("2026-12-03T12:04:05Z", "2026-12-03T12:04:05.000000Z"),
            ("2026-12-03t12:04:05.25z", "2026-12-03T12:04:05.250000Z"),
            ("2026-12-03T19:04:05.000250+07:00", "2026-12-03T12:04:05.000250Z"),
            ("2026-01-01T00:30:00-01:00", "2026-01-01T01:30:00.000000Z"),
            ("2026-01-01T03:00:00+07:00", "2025-12-31T20:00:00.000000Z"),
            ("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"),
            ("2024-02-29T23:59:59.123456Z", "2024-02-29T23:59:59.123456Z"),
        ])
    func parsesAndFormats(input: String, output: String) throws {
        let instant = try #require(UTCTimestamp(rfc3339: input))
        #expect(instant.rfc3339 == output)
        #expect(UTCTimestamp(rfc3339: output) == instant)
    }

    @Test(
        "malformed date-times are rejected",
        arguments: [
            "2026-12-03", "2026-12-03T12:04:05", "2026-12-03 12:04:05Z", "2026-12-03T24:00:00Z",
            "2026-12-03T12:60:00Z", "2026-12-03T12:04:60Z", "2026-02-30T00:00:00Z", "2026-12-03T12:04:05.Z",
            "2026-12-03T12:04:05.1234567Z", "2026-12-03T12:04:05+7:00", "2026-12-03T12:04:05+07:00x",
            "2026-12-03T12:04:05Zz", "２026-12-03T12:04:05Z", "",
        ])
    func rejects(input: String) {
        #expect(UTCTimestamp(rfc3339: input) == nil)
    }

    @Test("the start of a local day in a zone east of UTC")
    func startOfDay() throws {
        let date = try #require(LocalDate(iso: "2026-01-01"))
        #expect(
            UTCTimestamp(startOf: date, utcOffsetSeconds: 7 * 3600).rfc3339 == "2025-12-31T17:00:00.000000Z")
        #expect(UTCTimestamp(startOf: date, utcOffsetSeconds: 0).microseconds == 1_767_225_600_000_000)
    }

    @Test("the epoch and order")
    func order() {
        #expect(UTCTimestamp(microseconds: 0).rfc3339 == "1970-01-01T00:00:00.000000Z")
        #expect(UTCTimestamp(microseconds: -1) < UTCTimestamp(microseconds: 0))
    }
}
