// libFuzzer entry point for the request parsing path: every input goes through the JSON parser,
// the POST body parser, the code parser and (split like a query string) the GET parser. Besides
// crashes and address-sanitizer reports, a broken invariant of a successful parse stops the run
// (`precondition`), since a parser that accepts what it documents as invalid is a bug too.
//
// SwiftPM gives the executable a Swift `main` (this file's top-level code), so libFuzzer's own
// `main` is not linked; the top-level code hands the command line to libFuzzer's driver, which
// accepts the usual flags (`-max_total_time=60`, corpus directories, …).
import CLibFuzzer
import UnionCardCore

#if canImport(Glibc)
    import Glibc
#endif

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRequestParsing(data, size) })

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParsing(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes: [UInt8] = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    _ = try? JSONValue.parse(bytes)
    check(LookupRequestParser.parse(jsonBody: bytes))

    let text = String(decoding: bytes, as: UTF8.self)
    if let code = CardCode.parse(text) { checkCode(code) }
    check(LookupRequestParser.parse(queryItems: queryItems(text)))
    return 0
}

/// Splits like a query string that libmicrohttpd already percent-decoded: `&` between items,
/// the first `=` between name and value (an item without `=` has an empty value).
private func queryItems(_ text: String) -> [(name: String, value: String)] {
    text.split(separator: "&", omittingEmptySubsequences: false).map { item in
        let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
}

/// What a successful parse promises (LookupRequest's documentation).
private func check(_ result: Result<LookupRequest, InputError>) {
    switch result {
    case .success(let request):
        checkCode(request.code)
        precondition(CardCode.parse(request.rawCode) == request.code, "rawCode does not parse to code")
        precondition(request.rawCode.utf8.count <= CardCode.maxRawLength, "rawCode too long")
        if let amount = request.amountVND {
            precondition((0...1_000_000_000_000).contains(amount), "amount out of range")
        }
        if let reference = request.reference {
            precondition(LookupRequestParser.isValidReference(reference), "invalid reference accepted")
        }
    case .failure(let error):
        let known = [
            "missing_code", "invalid_code", "invalid_amount", "invalid_reference", "invalid_json",
            "unknown_field",
        ]
        precondition(known.contains(error.error), "undocumented error code \(error.error)")
    }
}

/// A barcode is 12 ASCII digits, a Vpoint code 6–32 upper-case ASCII letters or digits, and
/// parsing the normalised value gives the same code back.
private func checkCode(_ code: CardCode) {
    let value = Array(code.value.utf8)
    switch code {
    case .barcode:
        precondition(value.count == 12 && value.allSatisfy { (0x30...0x39).contains($0) }, "bad barcode")
    case .vpoint:
        precondition((6...32).contains(value.count), "bad Vpoint length")
        precondition(
            value.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) },
            "bad Vpoint character")
    }
    precondition(CardCode.parse(code.value) == code, "parsing the normalised code changes it")
}
