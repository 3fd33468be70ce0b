import Testing
import UnionCardCore

@Suite("Verification ids")
struct VerificationIDTests {
    @Test("a UUIDv7: the time in the first 48 bits, version 7, variant 0b10, random bits kept")
    func layout() {
        let text = VerificationID.text(
            unixMilliseconds: 0x0194_2F3A_5B6C, randomHigh: 0xFFFF_FFFF_FFFF_FABC,
            randomLow: 0xFFEE_DDCC_BBAA_9988)
        #expect(text == "01942f3a-5b6c-7abc-bfee-ddccbbaa9988")
        let zeros = VerificationID.text(unixMilliseconds: 0, randomHigh: 0, randomLow: 0)
        #expect(zeros == "00000000-0000-7000-8000-000000000000")
    }

    @Test("ids of later milliseconds sort after earlier ones, whatever their random bits")
    func ordered() {
        let earlier = VerificationID.text(
            unixMilliseconds: 1_764_800_000_000, randomHigh: .max, randomLow: .max)
        let later = VerificationID.text(unixMilliseconds: 1_764_800_000_001, randomHigh: 0, randomLow: 0)
        #expect(earlier < later)
    }
}
