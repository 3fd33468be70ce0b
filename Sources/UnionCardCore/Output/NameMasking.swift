/// What a merchant may see of a member's name.
public enum NameMasking {
    /// NFC-normalises, collapses whitespace, and reduces every word but the last to its first
    /// character (grapheme) and a dot: `"Nguyễn Văn An"` → `"N. V. An"`,
    /// `"Lê Thị Ánh Tuyết"` → `"L. T. Á. Tuyết"`. A single word is kept whole; an empty or
    /// all-whitespace name gives `""`. Decomposed (NFD) input gives NFC output.
    public static func displayName(_ fullName: String) -> String {
        let normalized = UnicodeNFC.normalize(fullName)
        let words = normalized.split(whereSeparator: \.isWhitespace)
        guard let last = words.last else { return "" }
        let initials = words.dropLast().compactMap { word in word.first.map { "\($0)." } }
        return (initials + [String(last)]).joined(separator: " ")
    }
}
