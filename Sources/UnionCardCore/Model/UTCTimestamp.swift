/// An instant with microsecond precision: microseconds since 1970-01-01T00:00:00Z (PostgreSQL's
/// `timestamptz` resolution), written `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
///
/// The written form is fixed (always UTC, always six fraction digits), so that the same instant
/// always gives the same text: the audit chain hashes it.
public struct UTCTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since the Unix epoch (negative before it).
    public let microseconds: Int64

    /// The instant `microseconds` after the epoch.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Local midnight starting `date` in a zone `utcOffsetSeconds` east of UTC.
    public init(startOf date: LocalDate, utcOffsetSeconds: Int) {
        let seconds = Int64(date.daysSinceEpoch) * 86_400 - Int64(utcOffsetSeconds)
        microseconds = seconds * 1_000_000
    }

    /// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1–6 digits,
    /// then `Z` or `±HH:MM`. `T` and `Z` may be lower-case. Leap seconds (`:60`), more than six
    /// fraction digits and anything before or after are rejected (nil).
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let date = LocalDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = DecimalDigits.number(bytes[11..<13]), hour < 24,
            let minute = DecimalDigits.number(bytes[14..<16]), minute < 60,
            let second = DecimalDigits.number(bytes[17..<19]), second < 60
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                index += 1
            }
            let digits = index - start
            guard (1...6).contains(digits), let value = DecimalDigits.number(bytes[start..<index]) else {
                return nil
            }
            fraction = Int64(value)
            for _ in digits..<6 { fraction *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let hours = DecimalDigits.number(bytes[(index + 1)..<(index + 3)]), hours < 24,
                let minutes = DecimalDigits.number(bytes[(index + 4)..<(index + 6)]), minutes < 60
            else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let seconds =
            Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            - Int64(offsetSeconds)
        microseconds = seconds * 1_000_000 + fraction
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, e.g. `2026-12-03T12:04:05.000250Z`.
    public var rfc3339: String {
        let perDay: Int64 = 86_400 * 1_000_000
        // Floor division, so that instants before 1970 land on the right day.
        let days = microseconds >= 0 ? microseconds / perDay : (microseconds - perDay + 1) / perDay
        let ofDay = microseconds - days * perDay
        let date = LocalDate(daysSinceEpoch: Int(days))?.iso ?? "0000-00-00"
        let seconds = Int(ofDay / 1_000_000)
        let fraction = Int(ofDay % 1_000_000)
        return date + "T" + DecimalDigits.pad(seconds / 3600, 2) + ":"
            + DecimalDigits.pad(seconds / 60 % 60, 2) + ":"
            + DecimalDigits.pad(seconds % 60, 2) + "." + DecimalDigits.pad(fraction, 6) + "Z"
    }

    /// Same as `rfc3339`.
    public var description: String { rfc3339 }

    /// Chronological order.
    public static func < (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}
