/// Validates the parameters of `GET /v1/lookup` and `POST /v1/lookup` into a `LookupRequest`.
///
/// Both forms share these rules, checked in this order (the first failure is reported):
/// 1. only `code`, `amount` and `reference` are accepted; any other name is `unknown_field`
///    (a typo such as `ammount` must not silently drop the amount);
/// 2. a parameter given twice is invalid (`invalid_code` / `invalid_amount` / `invalid_reference`);
/// 3. `code`: required (`missing_code` when absent, null or empty), then `CardCode.parse`;
/// 4. `amount`: optional; a non-negative integer 0…10^12 written in plain digits;
/// 5. `reference`: optional; 1–64 characters in 0x21–0x7E. Spaces are rejected: they are
///    ambiguous in query strings (`+` vs `%20`) and easily lost by POS software.
public enum LookupRequestParser {
    /// The maximum length of a reference.
    public static let maxReferenceLength = 64

    private static let allowedNames: Set<String> = ["code", "amount", "reference"]

    /// From percent-decoded query items. Parameter names are case-sensitive. Query strings have
    /// no null, so an empty value (`amount=`) means the parameter is absent. `amount` is ASCII
    /// digits only (no sign, spaces or decimals; leading zeros allowed).
    public static func parse(
        queryItems: [(name: String, value: String)]
    ) -> Result<LookupRequest, InputError> {
        var values: [String: String] = [:]
        for item in queryItems {
            guard allowedNames.contains(item.name) else { return .failure(.unknownField(item.name)) }
            guard values.updateValue(item.value, forKey: item.name) == nil else {
                return .failure(.duplicate(item.name))
            }
        }
        let code = values["code"].flatMap { $0.isEmpty ? nil : $0 }
        let amountText = values["amount"].flatMap { $0.isEmpty ? nil : $0 }
        let reference = values["reference"].flatMap { $0.isEmpty ? nil : $0 }

        var amount: Int64?
        if let amountText {
            guard let value = parseAmount(digits: amountText) else { return .failure(.invalidAmount) }
            amount = value
        }
        return build(rawCode: code, amount: amount, reference: reference)
    }

    /// From a JSON body: an object with `"code"` (string), optional `"amount"` and optional
    /// `"reference"` (string); `null` means absent.
    ///
    /// `amount` must be a JSON integer literal (`250000`): `1.5`, `1.0`, `1e3`, `-0`, `"100"`,
    /// `true` and anything above 10^12 are `invalid_amount`. `"reference": ""` is invalid (send
    /// null or leave it out). Any bytes are safe: invalid JSON, invalid UTF-8, deep nesting and
    /// huge numbers all end as `invalid_json` or `invalid_amount`.
    public static func parse(jsonBody: [UInt8]) -> Result<LookupRequest, InputError> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(jsonBody)
        } catch {
            return .failure(.invalidJSON(error.description))
        }
        guard case .object(let members) = document else {
            return .failure(.invalidJSON("the top-level value is not an object"))
        }
        var values: [String: JSONValue] = [:]
        for member in members {
            guard allowedNames.contains(member.key) else { return .failure(.unknownField(member.key)) }
            guard values.updateValue(member.value, forKey: member.key) == nil else {
                return .failure(.duplicate(member.key))
            }
        }

        var code: String?
        switch values["code"] {
        case nil, .null?: code = nil
        case .string(let text)?: code = text.isEmpty ? nil : text
        default: return .failure(.invalidCode)
        }

        var amount: Int64?
        switch values["amount"] {
        case nil, .null?: amount = nil
        case .number(let literal)?:
            // JSON forbids leading zeros, so plain digits here are exactly an integer literal.
            guard let value = parseAmount(digits: literal) else { return .failure(.invalidAmount) }
            amount = value
        default: return .failure(.invalidAmount)
        }

        var reference: String?
        switch values["reference"] {
        case nil, .null?: reference = nil
        case .string(let text)?: reference = text
        default: return .failure(.invalidReference)
        }
        return build(rawCode: code, amount: amount, reference: reference)
    }

    /// Applies the code and reference rules common to both forms (amount is already checked).
    private static func build(
        rawCode: String?, amount: Int64?, reference: String?
    ) -> Result<LookupRequest, InputError> {
        guard let rawCode else { return .failure(.missingCode) }
        guard let code = CardCode.parse(rawCode) else { return .failure(.invalidCode) }
        if let reference, !isValidReference(reference) { return .failure(.invalidReference) }
        return .success(LookupRequest(rawCode: rawCode, code: code, amountVND: amount, reference: reference))
    }

    /// Whether `reference` is 1–64 bytes, each in 0x21…0x7E.
    public static func isValidReference(_ reference: String) -> Bool {
        let bytes = reference.utf8
        return (1...maxReferenceLength).contains(bytes.count)
            && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// ASCII digits only, 0…`Money.maxAmountVND`; nil otherwise (also for any length of digits
    /// that would overflow).
    public static func parseAmount(digits text: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            // Checked per digit, so the value never exceeds 10^13 and cannot overflow.
            guard value <= Money.maxAmountVND else { return nil }
        }
        return value
    }
}
