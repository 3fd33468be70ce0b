import Testing
import UnionCardCore

@Suite("CardCode.parse")
struct CardCodeTests {
    @Test(
        "12 digits are a barcode, spaces and dashes stripped",
        arguments: [
            ("012345678901", "012345678901"),
            ("0123 4567 8901", "012345678901"),
            ("0123-4567-8901", "012345678901"),
            (" 0123 - 4567 - 8901 ", "012345678901"),
            ("--012345678901--", "012345678901"),
        ])
    func barcode(raw: String, expected: String) {
        #expect(CardCode.parse(raw) == .barcode(expected))
        #expect(CardCode.parse(raw)?.codeType == "card")
        #expect(CardCode.parse(raw)?.value == expected)
    }

    @Test(
        "6–32 ASCII letters/digits are a Vpoint code, upper-cased",
        arguments: [
            ("vp1234", "VP1234"),
            ("VP-ab-12-cd", "VPAB12CD"),
            ("abcdef", "ABCDEF"),
            ("123456", "123456"),  // 6 digits: not a barcode, a valid Vpoint code
            ("12345678901", "12345678901"),  // 11 digits → Vpoint by the rule
            ("1234567890123", "1234567890123"),  // 13 digits → Vpoint by the rule (note: not a barcode)
            ("01234567890A", "01234567890A"),  // 12 characters with a letter → Vpoint
            (String(repeating: "z", count: 32), String(repeating: "Z", count: 32)),
        ])
    func vpoint(raw: String, expected: String) {
        #expect(CardCode.parse(raw) == .vpoint(expected))
        #expect(CardCode.parse(raw)?.codeType == "vpoint")
        #expect(CardCode.parse(raw)?.value == expected)
    }

    @Test(
        "malformed codes are rejected",
        arguments: [
            "",
            "   ",
            "- -",
            "ABCDE",  // 5 characters
            "AB-CDE",  // 5 after stripping
            String(repeating: "A", count: 33),
            "١٢٣٤٥٦٧٨٩٠١٢",  // Arabic-Indic digits
            "０１２３４５６７８９０１",  // full-width digits
            "VP_12345",
            "VP.12345",
            "VP12345!",
            "VP12🙂345",
            "ĐOÀNVIÊN1",  // letters outside ASCII
            "VP12\t345",  // tab is not a stripped space
            "VP12\u{00A0}345",  // neither is a no-break space
            "VP12\u{2013}345",  // nor an en dash
            "VP12\u{0}345",
            "0123456789012\u{301}",  // combining mark
            String(repeating: " ", count: 200) + "012345678901",  // over the raw length bound
        ])
    func malformed(raw: String) {
        #expect(CardCode.parse(raw) == nil)
    }
}
