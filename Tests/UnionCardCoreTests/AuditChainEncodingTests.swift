import Testing
import UnionCardCore

/// Two rows whose hashes were computed by `tools/verify-export.py` (an independent implementation
/// of the README's description), so the Swift encoding and the auditors' script must agree.
enum ChainSamples {
    static let approved = AuditChainRow(
        seq: 1, eventID: 7, verificationID: "6f1c0f5e-2b7a-4c1e-9a53-0c1d2e3f4a5b",
        at: UTCTimestamp(microseconds: 1_796_299_445_000_250), keyID: 3, partnerID: 2,
        codeGiven: "1000-0000-0001", codeType: "card", cardNumber: "100000000001", memberID: "DV1",
        memberUnitPath: "/1/2/4/", agreementCode: "A-PHO-HN", agreementUnitPath: "/1/2/", outcome: "approved",
        reason: nil, amountVND: 80000, discountVND: 10000, reference: "POS-A1", clientAddress: "127.0.0.1",
        responseSHA256: AuditChainRow.responseDigest(of: #"{"eligible":true,"message":"Thẻ hợp lệ"}"#))

    static let denied = AuditChainRow(
        seq: 2, eventID: 9, verificationID: "00000000-0000-4000-8000-000000000002",
        at: UTCTimestamp(microseconds: 1_796_299_445_000_250), keyID: 3, partnerID: 2, codeGiven: "VPZZZZZZ",
        codeType: "vpoint", cardNumber: nil, memberID: nil, memberUnitPath: nil, agreementCode: nil,
        agreementUnitPath: nil, outcome: "denied", reason: "unknown_code", amountVND: nil, discountVND: nil,
        reference: nil, clientAddress: "", responseSHA256: AuditChainRow.responseDigest(of: "{}"))

    static let approvedHash = "1e4b7d1095eae114f14fa17d104a62aea51681825e7a6fb074fafd66cc6d8073"
    static let deniedHash = "2e37064dbc1126649674d924e25108c11ae9643dfa9442372da8ab508b586620"
}

@Suite("Audit chain: canonical encoding")
struct AuditChainEncodingTests {
    @Test("the encoding starts with the format tag, then seq and event id, length-prefixed")
    func layout() {
        let bytes = AuditChainEncoding.encode(ChainSamples.approved)
        let tag = Array("unioncard-audit-v1".utf8)
        #expect(Array(bytes[0..<5]) == [1, 0, 0, 0, UInt8(tag.count)])
        #expect(Array(bytes[5..<(5 + tag.count)]) == tag)
        let afterTag = 5 + tag.count
        #expect(Array(bytes[afterTag..<(afterTag + 6)]) == [1, 0, 0, 0, 1, UInt8(ascii: "1")])
        #expect(Array(bytes[(afterTag + 6)..<(afterTag + 12)]) == [1, 0, 0, 0, 1, UInt8(ascii: "7")])
        #expect(bytes.count == 336)
    }

    @Test("hashes match the independent Python implementation")
    func knownHashes() {
        let first = AuditChainEncoding.hash(
            previous: AuditChainEncoding.genesisHash, row: ChainSamples.approved)
        #expect(SHA256.hex(first) == ChainSamples.approvedHash)
        let second = AuditChainEncoding.hash(previous: first, row: ChainSamples.denied)
        #expect(SHA256.hex(second) == ChainSamples.deniedHash)
    }

    @Test("NULL and the empty text encode differently")
    func nullIsNotEmpty() {
        var null: [UInt8] = []
        AuditChainEncoding.appendField(nil, to: &null)
        var empty: [UInt8] = []
        AuditChainEncoding.appendField("", to: &empty)
        #expect(null == [0])
        #expect(empty == [1, 0, 0, 0, 0])
        var withReference = ChainSamples.denied
        withReference.reference = ""
        #expect(AuditChainEncoding.encode(withReference) != AuditChainEncoding.encode(ChainSamples.denied))
    }

    @Test("the length counts UTF-8 bytes, not characters")
    func utf8Length() {
        var bytes: [UInt8] = []
        AuditChainEncoding.appendField("Thẻ", to: &bytes)
        #expect(Array(bytes[0..<5]) == [1, 0, 0, 0, 5])
        #expect(bytes.count == 10)
    }

    @Test("every field changes the hash, and moving a value between fields does too")
    func everyFieldCounts() {
        let base = AuditChainEncoding.hash(
            previous: AuditChainEncoding.genesisHash, row: ChainSamples.approved)
        var variants: [AuditChainRow] = []
        var row = ChainSamples.approved
        row.seq = 2
        variants.append(row)
        row = ChainSamples.approved
        row.discountVND = 10001
        variants.append(row)
        row = ChainSamples.approved
        row.at = UTCTimestamp(microseconds: row.at.microseconds + 1)
        variants.append(row)
        row = ChainSamples.approved
        row.memberUnitPath = nil
        variants.append(row)
        row = ChainSamples.approved
        (row.agreementCode, row.reference) = (row.reference, row.agreementCode)
        variants.append(row)
        for variant in variants {
            #expect(AuditChainEncoding.hash(previous: AuditChainEncoding.genesisHash, row: variant) != base)
        }
        let otherPrevious = [UInt8](repeating: 1, count: 32)
        #expect(AuditChainEncoding.hash(previous: otherPrevious, row: ChainSamples.approved) != base)
    }

    @Test("heads parse from and print as SEQ:HEX")
    func heads() throws {
        let head = try #require(AuditChainHead(parsing: "2:" + ChainSamples.deniedHash.uppercased()))
        #expect(head.seq == 2)
        #expect(head.description == "2:" + ChainSamples.deniedHash)
        for bad in [
            "2", "0:" + ChainSamples.deniedHash, "x:" + ChainSamples.deniedHash, "2:abc", "-1:00", "",
        ] {
            #expect(AuditChainHead(parsing: bad) == nil, "\(bad)")
        }
    }
}
