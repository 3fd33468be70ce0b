import Foundation
import Testing
import UnionCardCore

@Suite("NameMasking")
struct NameMaskingTests {
    @Test(
        "display names",
        arguments: [
            ("Nguyễn Văn An", "N. V. An"),
            ("Lê Thị Ánh Tuyết", "L. T. Á. Tuyết"),
            ("Đặng Ổn", "Đ. Ổn"),
            ("Ánh", "Ánh"),
            ("  Nguyễn   Văn \t An \n", "N. V. An"),
            ("Trần\u{3000}Hưng", "T. Hưng"),  // ideographic space is whitespace too
            ("", ""),
            ("   ", ""),
        ])
    func displayName(full: String, expected: String) {
        let masked = NameMasking.displayName(full)
        #expect(masked == expected)
        #expect(Array(masked.utf8) == Array(expected.precomposedStringWithCanonicalMapping.utf8))
    }

    @Test func decomposedInputGivesNFCOutput() {
        let nfd = "Lê Thị Ánh Tuyết".decomposedStringWithCanonicalMapping
        #expect(Array(nfd.utf8) != Array("Lê Thị Ánh Tuyết".utf8))
        let masked = NameMasking.displayName(nfd)
        // Byte comparison: String == would treat NFD and NFC as equal.
        #expect(Array(masked.utf8) == Array("L. T. Á. Tuyết".utf8))
        // The initial is the whole grapheme, not a bare "A" without its accent.
        #expect(masked.hasPrefix("L. T. Á."))
    }

    @Test func initialIsOneGrapheme() {
        // "Ỗ" decomposed is O + circumflex + tilde; the initial keeps both marks.
        let masked = NameMasking.displayName("O\u{302}\u{303}ng Ba")
        #expect(Array(masked.utf8) == Array("Ỗ. Ba".utf8))
    }
}
