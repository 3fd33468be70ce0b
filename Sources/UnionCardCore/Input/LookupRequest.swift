/// A validated lookup request, from a query string (GET) or a JSON body (POST).
public struct LookupRequest: Sendable, Equatable {
    /// The code exactly as the client sent it (for the audit log); at most
    /// `CardCode.maxRawLength` bytes of ASCII letters, digits, spaces and dashes.
    public var rawCode: String
    /// The parsed code.
    public var code: CardCode
    /// The purchase amount, 0…`Money.maxAmountVND`, when given.
    public var amountVND: Int64?
    /// The idempotency reference: 1–64 characters in `!`…`~` (0x21–0x7E), when given.
    public var reference: String?

    /// Creates a request from already validated parts.
    public init(rawCode: String, code: CardCode, amountVND: Int64?, reference: String?) {
        self.rawCode = rawCode
        self.code = code
        self.amountVND = amountVND
        self.reference = reference
    }
}

/// Why a lookup request was rejected: answered as a 400 with `{"error": …, "message": …}`.
public struct InputError: Error, Sendable, Equatable {
    /// The machine code: `missing_code`, `invalid_code`, `invalid_amount`,
    /// `invalid_reference`, `invalid_json` or `unknown_field`.
    public var error: String
    /// An English sentence for the developer integrating the POS; it names the parameter.
    public var message: String

    /// Creates an error.
    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }

    /// The `code` parameter is absent, null or empty.
    public static let missingCode = InputError(
        error: "missing_code", message: "The \"code\" parameter is required.")

    /// The `code` parameter is not a card barcode or a Vpoint code.
    public static let invalidCode = InputError(
        error: "invalid_code",
        message:
            "The \"code\" parameter must be a 12-digit card barcode or a 6–32 character Vpoint code "
            + "(ASCII letters and digits; spaces and dashes are ignored).")

    /// The `amount` parameter is not a whole number of VND in range.
    public static let invalidAmount = InputError(
        error: "invalid_amount",
        message: "The \"amount\" parameter must be a whole number of VND from 0 to 1000000000000.")

    /// The `reference` parameter is not 1–64 printable ASCII characters.
    public static let invalidReference = InputError(
        error: "invalid_reference",
        message:
            "The \"reference\" parameter must be 1–64 printable ASCII characters (no spaces).")

    /// The body is not a JSON object; `detail` says why.
    public static func invalidJSON(_ detail: String) -> InputError {
        InputError(error: "invalid_json", message: "The request body must be a JSON object: \(detail).")
    }

    /// A parameter other than `code`, `amount`, `reference` was sent (typos are not ignored).
    public static func unknownField(_ name: String) -> InputError {
        // The name is client input: keep the message short whatever was sent.
        let shown = name.unicodeScalars.count > 40 ? String(name.unicodeScalars.prefix(40)) + "…" : name
        return InputError(
            error: "unknown_field",
            message: "Unknown parameter \"\(shown)\"; the allowed parameters are code, amount and reference.")
    }

    /// `name` was given more than once; reported under that parameter's `invalid_…` code.
    public static func duplicate(_ name: String) -> InputError {
        let code =
            switch name {
            case "amount": "invalid_amount"
            case "reference": "invalid_reference"
            default: "invalid_code"
            }
        return InputError(error: code, message: "The \"\(name)\" parameter is given more than once.")
    }
}
