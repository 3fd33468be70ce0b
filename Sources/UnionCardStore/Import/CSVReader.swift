/// An RFC 4180 CSV reader over bytes: `,` separator, `"` quoting with `""` escapes, CRLF or LF
/// line ends, fields that span lines, and an optional UTF-8 byte-order mark.
///
/// It calls back once per record with the line number the record starts on, so import errors
/// can name the line an operator sees in an editor.
struct CSVReader {
    /// A malformed record: an unterminated quote or a stray quote inside an unquoted field.
    struct SyntaxError: Error, Equatable {
        var line: Int
        var message: String
    }

    private let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads every record in order; `body` gets the fields (decoded UTF-8) and the start line.
    /// Blank lines are skipped. Invalid UTF-8 is reported as a syntax error.
    func forEachRecord(_ body: (_ fields: [String], _ line: Int) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        let end = bytes.count
        var fields: [String] = []
        var field: [UInt8] = []

        func finishField(_ line: Int) throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw SyntaxError(line: line, message: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }

        while index < end {
            let recordLine = line
            // A blank line (LF or CRLF) separates nothing.
            if bytes[index] == newline {
                index += 1
                line += 1
                continue
            }
            if bytes[index] == carriageReturn, index + 1 < end, bytes[index + 1] == newline {
                index += 2
                line += 1
                continue
            }
            fields.removeAll(keepingCapacity: true)
            recordLoop: while true {
                if index < end, bytes[index] == quote {
                    index += 1
                    while true {
                        guard index < end else {
                            throw SyntaxError(line: recordLine, message: "unterminated quoted field")
                        }
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < end, bytes[index + 1] == quote {
                                field.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        if byte == newline { line += 1 }
                        field.append(byte)
                        index += 1
                    }
                    guard
                        index >= end || bytes[index] == comma || bytes[index] == newline
                            || bytes[index] == carriageReturn
                    else {
                        throw SyntaxError(line: line, message: "unexpected text after a closing quote")
                    }
                } else {
                    while index < end {
                        let byte = bytes[index]
                        if byte == comma || byte == newline || byte == carriageReturn { break }
                        if byte == quote {
                            throw SyntaxError(line: line, message: "quote inside an unquoted field")
                        }
                        field.append(byte)
                        index += 1
                    }
                }
                try finishField(recordLine)
                guard index < end else { break recordLoop }
                switch bytes[index] {
                case comma:
                    index += 1
                    if index >= end {
                        try finishField(recordLine)
                        break recordLoop
                    }
                case carriageReturn:
                    index += 1
                    if index < end, bytes[index] == newline { index += 1 }
                    line += 1
                    break recordLoop
                default:  // newline
                    index += 1
                    line += 1
                    break recordLoop
                }
            }
            try body(fields, recordLine)
        }
    }
}
