import Testing
import UnionCardCore

@Suite("Money")
struct MoneyTests {
    @Test(
        "discount = floor(amount × bp / 10000), capped",
        arguments: [
            (Int64(250_000), 1000, Int64?.none, Int64(25_000)),
            (99_999, 1000, nil, 9_999),  // 9,999.9 floors
            (1, 9999, nil, 0),  // 0.9999 floors
            (333, 1250, nil, 41),  // 41.625 floors
            (19_999, 725, nil, 1_449),  // 1,449.9275 floors
            (1_000_000, 1000, 50_000, 50_000),  // capped
            (400_000, 1000, 50_000, 40_000),  // under the cap
            (500_000, 1000, 50_000, 50_000),  // exactly the cap
            (0, 1000, nil, 0),
            (1_000, 0, nil, 0),
            (1_000, 10_000, nil, 1_000),
            (1_000, 1000, 0, 0),  // a cap of 0
        ])
    func discount(amount: Int64, bp: Int, cap: Int64?, expected: Int64) {
        #expect(Money.discount(amountVND: amount, basisPoints: bp, capVND: cap) == expected)
    }

    @Test func maximumAmountTimesFullPercentDoesNotOverflow() {
        #expect(
            Money.discount(amountVND: Money.maxAmountVND, basisPoints: 10_000, capVND: nil)
                == 1_000_000_000_000)
        #expect(
            Money.discount(amountVND: Money.maxAmountVND, basisPoints: 9_999, capVND: nil) == 999_900_000_000)
        #expect(Money.discount(amountVND: Money.maxAmountVND - 1, basisPoints: 1, capVND: nil) == 99_999_999)
    }

    @Test func outOfDomainInputsAreClampedNotTrapping() {
        #expect(Money.discount(amountVND: .max, basisPoints: 10_000, capVND: nil) == .max)
        #expect(Money.discount(amountVND: .max, basisPoints: .max, capVND: nil) == .max)
        #expect(Money.discount(amountVND: -1_000, basisPoints: 1000, capVND: nil) == 0)
        #expect(Money.discount(amountVND: 1_000, basisPoints: -5, capVND: nil) == 0)
        #expect(Money.discount(amountVND: 1_000, basisPoints: 1000, capVND: -1) == 0)
    }

    @Test(
        "percent text → basis points",
        arguments: [
            ("10", 1000), ("12.5", 1250), ("7.25", 725), ("0.01", 1), ("0", 0), ("0.0", 0), ("100", 10_000),
            ("100.00", 10_000), ("5.5", 550), ("5.50", 550), ("05", 500), ("99.99", 9_999),
        ])
    func basisPoints(text: String, expected: Int) {
        #expect(Money.basisPoints(fromPercent: text) == expected)
    }

    @Test(
        "junk percents are rejected",
        arguments: [
            "", " ", "7.255", "0.001", "-1", "-0.5", "+5", "100.01", "101", "1000", "99999999999999999999999",
            "1e1", ".5", "5.", "5..5", "5.5.5", "12,5", " 10", "10 ", "10%", "abc", "１０", "NaN", "0x10",
        ])
    func junk(text: String) {
        #expect(Money.basisPoints(fromPercent: text) == nil)
    }

    @Test(
        "basis points → percent literal",
        arguments: [
            (1000, "10"), (1250, "12.5"), (725, "7.25"), (1, "0.01"), (10, "0.1"), (0, "0"), (10_000, "100"),
            (9_999, "99.99"), (105, "1.05"),
        ])
    func percentLiteral(bp: Int, expected: String) {
        #expect(Money.percentLiteral(basisPoints: bp) == expected)
        #expect(Money.basisPoints(fromPercent: expected) == bp)
    }
}
