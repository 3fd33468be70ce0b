import Testing
import UnionCardCore

@Suite("LookupRequestParser: query string")
struct QueryParserTests {
    func parse(_ items: [(String, String)]) -> Result<LookupRequest, InputError> {
        LookupRequestParser.parse(queryItems: items.map { (name: $0.0, value: $0.1) })
    }

    func errorCode(_ items: [(String, String)]) -> String? {
        if case .failure(let error) = parse(items) { return error.error }
        return nil
    }

    @Test func fullRequest() throws {
        let request = try parse([("code", "0123-4567-8901"), ("amount", "250000"), ("reference", "POS-123")])
            .get()
        #expect(request.rawCode == "0123-4567-8901")
        #expect(request.code == .barcode("012345678901"))
        #expect(request.amountVND == 250_000)
        #expect(request.reference == "POS-123")
    }

    @Test func codeOnly() throws {
        let request = try parse([("code", "vp-abc123")]).get()
        #expect(
            request
                == LookupRequest(
                    rawCode: "vp-abc123", code: .vpoint("VPABC123"), amountVND: nil, reference: nil))
    }

    @Test func emptyValuesMeanAbsent() throws {
        let request = try parse([("code", "VPABC123"), ("amount", ""), ("reference", "")]).get()
        #expect(request.amountVND == nil)
        #expect(request.reference == nil)
        #expect(errorCode([("code", "")]) == "missing_code")
    }

    @Test func amountBounds() throws {
        #expect(try parse([("code", "VPABC123"), ("amount", "0")]).get().amountVND == 0)
        #expect(
            try parse([("code", "VPABC123"), ("amount", "1000000000000")]).get().amountVND
                == Money.maxAmountVND)
        #expect(try parse([("code", "VPABC123"), ("amount", "007")]).get().amountVND == 7)
    }

    /// Each malformed query and its error code (typed up front to keep type-checking fast).
    static let malformedQueries: [([(String, String)], String)] = [
        ([("amount", "1")], "missing_code"),
        ([], "missing_code"),
        ([("code", "12")], "invalid_code"),
        ([("code", "VP 12 🙂")], "invalid_code"),
        ([("code", "VPABC123"), ("code", "VPABC123")], "invalid_code"),
        ([("code", "VPABC123"), ("amount", "-1")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "1.5")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "1e3")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "+5")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", " 5")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "1000000000001")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "99999999999999999999999")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "١٠٠")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "true")], "invalid_amount"),
        ([("code", "VPABC123"), ("amount", "1"), ("amount", "1")], "invalid_amount"),
        ([("code", "VPABC123"), ("reference", String(repeating: "x", count: 65))], "invalid_reference"),
        ([("code", "VPABC123"), ("reference", "POS 123")], "invalid_reference"),
        ([("code", "VPABC123"), ("reference", "POS\u{0}123")], "invalid_reference"),
        ([("code", "VPABC123"), ("reference", "POS\t123")], "invalid_reference"),
        ([("code", "VPABC123"), ("reference", "ĐƠN-1")], "invalid_reference"),
        ([("code", "VPABC123"), ("reference", "a"), ("reference", "b")], "invalid_reference"),
        ([("code", "VPABC123"), ("ammount", "1")], "unknown_field"),
        ([("Code", "VPABC123")], "unknown_field"),
    ]

    @Test("malformed requests", arguments: malformedQueries)
    func malformed(items: [(String, String)], expected: String) {
        #expect(errorCode(items) == expected)
    }

    @Test func referenceBounds() throws {
        let longest = String(repeating: "~", count: 64)
        #expect(try parse([("code", "VPABC123"), ("reference", longest)]).get().reference == longest)
        #expect(try parse([("code", "VPABC123"), ("reference", "!")]).get().reference == "!")
    }

    @Test func messagesNameTheParameter() {
        for (items, name) in [
            ([("amount", "x"), ("code", "VPABC123")], "amount"), ([("code", "x")], "code"),
            ([("code", "VPABC123"), ("reference", " ")], "reference"), ([("zz", "1")], "zz"),
        ] {
            guard case .failure(let error) = parse(items) else {
                Issue.record("expected a failure for \(items)")
                continue
            }
            #expect(error.message.contains("\"\(name)\""))
        }
    }
}

@Suite("LookupRequestParser: JSON body")
struct JSONBodyParserTests {
    func parse(_ body: String) -> Result<LookupRequest, InputError> {
        LookupRequestParser.parse(jsonBody: Array(body.utf8))
    }

    func errorCode(_ body: String) -> String? {
        errorCode(bytes: Array(body.utf8))
    }

    func errorCode(bytes: [UInt8]) -> String? {
        if case .failure(let error) = LookupRequestParser.parse(jsonBody: bytes) { return error.error }
        return nil
    }

    @Test func fullRequest() throws {
        let request = try parse(#"{"code": "0123 4567 8901", "amount": 250000, "reference": "POS-123"}"#)
            .get()
        #expect(request.rawCode == "0123 4567 8901")
        #expect(request.code == .barcode("012345678901"))
        #expect(request.amountVND == 250_000)
        #expect(request.reference == "POS-123")
    }

    @Test func nullMeansAbsent() throws {
        let request = try parse(#"{"code":"vpabc123","amount":null,"reference":null}"#).get()
        #expect(
            request
                == LookupRequest(
                    rawCode: "vpabc123", code: .vpoint("VPABC123"), amountVND: nil, reference: nil))
    }

    @Test func amountBounds() throws {
        #expect(try parse(#"{"code":"VPABC123","amount":0}"#).get().amountVND == 0)
        #expect(
            try parse(#"{"code":"VPABC123","amount":1000000000000}"#).get().amountVND == 1_000_000_000_000)
    }

    /// Each malformed body and its error code.
    static let malformedBodies: [(String, String)] = [
        (#"{}"#, "missing_code"),
        (#"{"code": null}"#, "missing_code"),
        (#"{"code": ""}"#, "missing_code"),
        (#"{"amount": 5}"#, "missing_code"),
        (#"{"code": 12345678901}"#, "invalid_code"),
        (#"{"code": ["VPABC123"]}"#, "invalid_code"),
        (#"{"code": "ABC"}"#, "invalid_code"),
        (#"{"code": "VPABC123\u0000"}"#, "invalid_code"),
        (#"{"code": "VPABC123", "code": "VPABC123"}"#, "invalid_code"),
        (#"{"code": "VPABC123", "amount": -1}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": -0}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 1.5}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 1.0}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 1e3}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": "100"}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": true}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": {}}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 1000000000001}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 99999999999999999999999}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "amount": 1, "amount": 1}"#, "invalid_amount"),
        (#"{"code": "VPABC123", "reference": ""}"#, "invalid_reference"),
        (#"{"code": "VPABC123", "reference": 123}"#, "invalid_reference"),
        (#"{"code": "VPABC123", "reference": "POS 1"}"#, "invalid_reference"),
        (#"{"code": "VPABC123", "reference": "POS\n1"}"#, "invalid_reference"),
        (#"{"code": "VPABC123", "reference": "POS\u00001"}"#, "invalid_reference"),
        (
            #"{"code": "VPABC123", "reference": "\#(String(repeating: "r", count: 65))"}"#,
            "invalid_reference"
        ),
        (#"{"code": "VPABC123", "extra": 1}"#, "unknown_field"),
        (#"{"code": "VPABC123",}"#, "invalid_json"),
        (#"{"code": "VPABC123""#, "invalid_json"),
        (#"{"code": "VPABC123"} x"#, "invalid_json"),
        (#"{'code': 'VPABC123'}"#, "invalid_json"),
        ("", "invalid_json"),
        ("   ", "invalid_json"),
        (#"["VPABC123"]"#, "invalid_json"),
        (#""VPABC123""#, "invalid_json"),
        ("null", "invalid_json"),
        ("42", "invalid_json"),
    ]

    @Test("malformed bodies", arguments: malformedBodies)
    func malformed(body: String, expected: String) {
        #expect(errorCode(body) == expected)
    }

    @Test func hostileBytesNeverCrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(errorCode(#"{"code": \#(deep)}"#) == "invalid_json")
        #expect(
            errorCode(bytes: [0x7B, 0x22, 0x63, 0x6F, 0x64, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
                == "invalid_json")
        #expect(errorCode(bytes: [0x00]) == "invalid_json")
        #expect(
            errorCode(bytes: Array(#"{"code":"VP"#.utf8) + [0x00] + Array(#"ABC123"}"#.utf8))
                == "invalid_json")
        let huge = String(repeating: "9", count: 100_000)
        #expect(errorCode(#"{"code": "VPABC123", "amount": \#(huge)}"#) == "invalid_amount")
        // Seeded, so a failure reproduces.
        var random = SplitMix64(seed: 0x756E_696F_6E63_6172)
        let alphabet = Array(#"{}[]":,-0123456789.eE\u"tfnrl "#.utf8) + [0x00, 0xC3, 0xFF, 0xED, 0xA0]
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<48, using: &random)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
            }
            _ = LookupRequestParser.parse(jsonBody: bytes)
        }
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            _ = LookupRequestParser.parse(jsonBody: bytes)
        }
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"code":"VPABC123"}"#.utf8)
        #expect(try LookupRequestParser.parse(jsonBody: body).get().code == .vpoint("VPABC123"))
    }
}

/// A small deterministic generator for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
