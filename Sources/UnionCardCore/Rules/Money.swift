/// Whole-VND arithmetic and percent ↔ basis-point conversion. Integers only, never floats.
public enum Money {
    /// The largest purchase amount accepted: 10^12 VND.
    public static let maxAmountVND: Int64 = 1_000_000_000_000

    /// `floor(amountVND × basisPoints / 10000)`, capped by `capVND` when set.
    ///
    /// Exact for every input: the product is formed in 128 bits, so even amounts above
    /// `maxAmountVND` cannot overflow. Out-of-domain inputs are clamped rather than trapping
    /// (the parsers and the schema never produce them): a negative amount, basis points or cap
    /// count as 0, basis points above 10000 as 10000. The discount never exceeds the amount.
    public static func discount(amountVND: Int64, basisPoints: Int, capVND: Int64?) -> Int64 {
        let amount = max(amountVND, 0)
        let bp = Int64(min(max(basisPoints, 0), 10_000))
        let product = amount.multipliedFullWidth(by: bp)
        // The quotient is at most `amount`, so it fits in Int64.
        let (quotient, _) = Int64(10_000).dividingFullWidth(product)
        guard let capVND else { return quotient }
        return min(quotient, max(capVND, 0))
    }

    /// Parses a percent with at most two decimals into basis points:
    /// `"10"` → 1000, `"12.5"` → 1250, `"7.25"` → 725, `"0.01"` → 1, `"100"` → 10000.
    ///
    /// Accepts ASCII `digits[.digit[digit]]`, 0…100. Nil for more than two decimals, a sign,
    /// values above 100, exponents, `","` as decimal separator, surrounding spaces, `".5"`,
    /// `"5."` and any other junk.
    public static func basisPoints(fromPercent text: String) -> Int? {
        let bytes = Array(text.utf8)
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let integerPart = bytes[..<(dot ?? bytes.endIndex)]
        let fractionPart = dot.map { bytes[($0 + 1)...] } ?? []
        guard !integerPart.isEmpty, dot == nil || (1...2).contains(fractionPart.count) else { return nil }

        var whole = 0
        for byte in integerPart {
            guard let digit = digitValue(byte) else { return nil }
            whole = whole * 10 + digit
            // Early exit keeps long digit strings from overflowing.
            guard whole <= 100 else { return nil }
        }
        var hundredths = 0
        for (index, byte) in fractionPart.enumerated() {
            guard let digit = digitValue(byte) else { return nil }
            hundredths += digit * (index == 0 ? 10 : 1)
        }
        let result = whole * 100 + hundredths
        return result <= 10_000 ? result : nil
    }

    /// Formats basis points as a JSON number literal of the percent, without trailing zeros:
    /// 1000 → `"10"`, 1250 → `"12.5"`, 725 → `"7.25"`, 1 → `"0.01"`, 0 → `"0"`.
    public static func percentLiteral(basisPoints: Int) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + "\(whole).\(fraction / 10)" }
        return sign + "\(whole)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
