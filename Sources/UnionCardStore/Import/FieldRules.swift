import Foundation
import UnionCardCore

/// Checks for single CSV fields; each returns the value to stage or a message naming the column.
enum FieldRules {
    /// Longest text accepted in a code-like column.
    static let maximumCodeLength = 64
    /// Longest text accepted in a name or title column.
    static let maximumTextLength = 500

    /// `value` without leading and trailing ASCII spaces and tabs (imports call this a million
    /// times: Foundation's general trimming is several times slower).
    static func trim(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        else { return value }
        let start = utf8.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? utf8.endIndex
        let end = utf8.lastIndex { $0 != 0x20 && $0 != 0x09 }.map { utf8.index(after: $0) } ?? start
        return start < end ? String(value[start..<end]) : ""
    }

    /// A trimmed, non-empty identifier without control characters or spaces.
    static func code(_ value: String, _ column: String) -> Result<String, RowMessage> {
        let trimmed = trim(value)
        guard !trimmed.isEmpty else { return .failure(RowMessage("\(column) is empty")) }
        guard trimmed.count <= maximumCodeLength,
            trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else {
            return .failure(
                RowMessage(
                    "\(column) must be 1–\(maximumCodeLength) characters without spaces or control characters"
                ))
        }
        return .success(trimmed)
    }

    /// A trimmed, non-empty human text in NFC without control characters.
    static func text(_ value: String, _ column: String, allowEmpty: Bool = false) -> Result<
        String, RowMessage
    > {
        let trimmed = UnicodeNFC.normalize(trim(value))
        if trimmed.isEmpty && !allowEmpty { return .failure(RowMessage("\(column) is empty")) }
        guard trimmed.count <= maximumTextLength,
            !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            return .failure(
                RowMessage(
                    "\(column) must be at most \(maximumTextLength) characters without control characters"))
        }
        return .success(trimmed)
    }

    /// One of the allowed words.
    static func oneOf<Value: RawRepresentable & CaseIterable>(
        _ value: String, _ column: String, _ type: Value.Type
    ) -> Result<String, RowMessage> where Value.RawValue == String {
        let trimmed = trim(value)
        guard Value(rawValue: trimmed) != nil else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: "|")
            return .failure(RowMessage("\(column) must be one of \(allowed)"))
        }
        return .success(trimmed)
    }

    /// An ISO date, or nil when empty and `allowEmpty`.
    static func date(_ value: String, _ column: String, allowEmpty: Bool = false) -> Result<
        String?, RowMessage
    > {
        let trimmed = trim(value)
        if trimmed.isEmpty && allowEmpty { return .success(nil) }
        guard let date = LocalDate(iso: trimmed) else {
            return .failure(RowMessage("\(column) must be a date YYYY-MM-DD"))
        }
        return .success(date.iso)
    }

    /// A whole number of VND between 0 and 10^12, or nil when empty.
    static func optionalVND(_ value: String, _ column: String) -> Result<String?, RowMessage> {
        let trimmed = trim(value)
        if trimmed.isEmpty { return .success(nil) }
        guard trimmed.count <= 13, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let amount = Int64(trimmed), amount <= Money.maxAmountVND
        else {
            return .failure(RowMessage("\(column) must be a whole number of VND from 0 to 10^12"))
        }
        return .success(String(amount))
    }
}
