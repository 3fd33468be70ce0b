import Testing
import UnionCardCore

/// Ho Chi Minh City time: UTC+7 all year.
func vietnam(_ date: LocalDate) -> Int { 7 * 3600 }

func items(_ query: String) -> [(name: String, value: String)] {
    query.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
}

func eventsRequest(_ query: String, format: EventFormat = .json) -> Result<EventPageRequest, ParameterError> {
    EventQueryParser.events(items(query), defaultFormat: format, utcOffset: vietnam)
}

@Suite("Event query parameters")
struct EventQueryParserTests {
    @Test("defaults: JSON, 100 per page, from the start; CSV without a limit streams everything")
    func defaults() throws {
        let json = try eventsRequest("").get()
        #expect(json == EventPageRequest(filter: EventFilter(), limit: 100, after: 0, format: .json))
        let csv = try eventsRequest("", format: .csv).get()
        #expect(csv.limit == nil)
        #expect(csv.format == .csv)
        #expect(try eventsRequest("format=json", format: .csv).get().format == .json)
        #expect(try eventsRequest("format=csv&limit=5").get().limit == 5)
    }

    @Test("every filter parsed")
    func filters() throws {
        let request = try eventsRequest(
            "from=2026-01-01&to=2026-01-31T10:00:00Z&partner=COOP&outcome=denied&reason=card_lost"
                + "&code=1000-0000-0001&limit=1000&after=42"
        ).get()
        #expect(request.filter.from?.rfc3339 == "2025-12-31T17:00:00.000000Z")
        #expect(request.filter.to?.rfc3339 == "2026-01-31T10:00:00.000000Z")
        #expect(request.filter.partner == "COOP")
        #expect(request.filter.outcome == "denied")
        #expect(request.filter.reason == .cardLost)
        #expect(request.filter.code == .barcode("100000000001"))
        #expect(request.limit == 1000)
        #expect(request.after == 42)
    }

    @Test("a date as to includes the whole local day; from equal to to is allowed")
    func wholeDay() throws {
        let request = try eventsRequest("from=2026-01-31&to=2026-01-31").get()
        #expect(request.filter.from?.rfc3339 == "2026-01-30T17:00:00.000000Z")
        #expect(request.filter.to?.rfc3339 == "2026-01-31T17:00:00.000000Z")
    }

    @Test(
        "bad parameters are named",
        arguments: [
            ("from=2026-13-01", "from"), ("from=yesterday", "from"), ("to=2026-01-01T25:00:00Z", "to"),
            ("from=2026-02-01&to=2026-01-31", "from"),
            ("from=2026-01-01T00:00:01Z&to=2026-01-01T00:00:00Z", "from"),
            ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=-5", "limit"), ("limit=ten", "limit"),
            ("after=abc", "after"), ("after=-1", "after"), ("after=99999999999999999999", "after"),
            ("outcome=maybe", "outcome"), ("reason=bored", "reason"), ("code=12345", "code"),
            ("format=xml", "format"), ("partner=" + String(repeating: "P", count: 65), "partner"),
            ("colour=red", "colour"), ("limit=5&limit=6", "limit"), ("group=day", "group"),
        ])
    func badParameters(query: String, parameter: String) {
        guard case .failure(let error) = eventsRequest(query) else {
            Issue.record("\(query) was accepted")
            return
        }
        #expect(error.parameter == parameter)
        #expect(error.message.contains(parameter))
    }

    @Test("bounds must fall within the years 1…9999 in UTC")
    func boundsInRange() throws {
        #expect(
            try eventsRequest("from=0001-01-01T00:00:00Z").get().filter.from?.rfc3339
                == "0001-01-01T00:00:00.000000Z")
        #expect(try eventsRequest("to=9999-12-31T23:59:59.999999Z").get().filter.to != nil)
        #expect(try eventsRequest("to=0001-01-01").get().filter.to?.rfc3339 == "0001-01-01T17:00:00.000000Z")
        for (query, parameter) in [
            ("from=0001-01-01", "from"), ("from=0001-01-01T06:59:59+07:00", "from"),
            ("from=0001-01-01T00:00:00+00:01", "from"), ("to=9999-12-31T23:59:59-00:01", "to"),
            ("to=9999-12-31", "to"),
        ] {
            #expect(throws: ParameterError.self, "\(query)") { try eventsRequest(query).get() }
            if case .failure(let error) = eventsRequest(query) { #expect(error.parameter == parameter) }
        }
    }

    @Test("empty values count as absent")
    func emptyValues() throws {
        #expect(try eventsRequest("from=&partner=&limit=").get() == eventsRequest("").get())
    }

    @Test("summary: group, default partner; bad groups and lookup-only parameters are named")
    func summary() throws {
        let request = try EventQueryParser.summary(items("from=2026-01-01&group=union"), utcOffset: vietnam)
            .get()
        #expect(request.group == .union)
        #expect(request.filter.from != nil)
        #expect(try EventQueryParser.summary([], utcOffset: vietnam).get().group == .partner)
        for (query, parameter) in [
            ("group=week", "group"), ("limit=5", "limit"), ("to=2020-01-01&from=2021-01-01", "from"),
        ] {
            guard case .failure(let error) = EventQueryParser.summary(items(query), utcOffset: vietnam) else {
                Issue.record("\(query) was accepted")
                continue
            }
            #expect(error.parameter == parameter)
        }
    }
}
