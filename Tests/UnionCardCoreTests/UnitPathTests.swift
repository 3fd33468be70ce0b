import Testing
import UnionCardCore

@Suite("UnitPath")
struct UnitPathTests {
    @Test("valid paths", arguments: ["/1/", "/1/7/", "/1/7/42/", "/0/", "/9223372036854775807/"])
    func valid(raw: String) {
        #expect(UnitPath(rawValue: raw)?.rawValue == raw)
    }

    @Test(
        "invalid paths",
        arguments: [
            "", "/", "//", "1/", "/1", "/1//", "/a/", "/01/", "/1/-2/", "/ 1/", "/9223372036854775808/",
            "/١/",
        ])
    func invalid(raw: String) {
        #expect(UnitPath(rawValue: raw) == nil)
    }

    @Test func fromIDs() {
        let path = UnitPath(ids: [1, 7, 42])
        #expect(path.rawValue == "/1/7/42/")
        #expect(path.ids == [1, 7, 42])
        #expect(path.depth == 3)
        #expect(UnitPath(ids: [1]).depth == 1)
        #expect(UnitPath(rawValue: "/1/7/42/") == path)
    }

    @Test func subtree() {
        let hanoi = Fixtures.hanoi
        #expect(hanoi.contains(hanoi))
        #expect(hanoi.contains(Fixtures.hanoiGrassroots))
        #expect(Fixtures.national.contains(Fixtures.hcmcGrassroots))
        #expect(!hanoi.contains(Fixtures.hcmcGrassroots))
        #expect(!Fixtures.hanoiGrassroots.contains(hanoi))
        // "/1/7/" is a string prefix of "/1/70/" only without the trailing slash.
        #expect(!hanoi.contains(Fixtures.path("/1/70/")))
    }
}
