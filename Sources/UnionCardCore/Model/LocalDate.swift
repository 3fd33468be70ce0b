/// A calendar date without time zone, in the proleptic Gregorian calendar, years 1…9999.
///
/// Agreement validity is expressed in inclusive local dates; the daemon decides which local
/// date "today" is (by default in `Asia/Ho_Chi_Minh`) and hands it to the domain.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…28/29/30/31.
    public let day: Int

    /// Validates the date, including leap years (2024-02-29 exists, 2023-02-29 and 1900-02-29 do not).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `"YYYY-MM-DD"` (ASCII digits, zero-padded, nothing before or after).
    public init?(iso: String) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = DecimalDigits.number(bytes[0..<4]), let month = DecimalDigits.number(bytes[5..<7]),
            let day = DecimalDigits.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `days` days after 1970-01-01 (negative: before); nil outside years 1…9999.
    public init?(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: year, month: month, day: day)
    }

    /// The local date at `unixSeconds` in a zone `utcOffsetSeconds` east of UTC
    /// (Asia/Ho_Chi_Minh: 25200, no daylight saving); nil outside years 1…9999.
    public init?(unixSeconds: Int64, utcOffsetSeconds: Int) {
        let (local, overflow) = unixSeconds.addingReportingOverflow(Int64(utcOffsetSeconds))
        guard !overflow else { return nil }
        // Floor division so that instants before 1970 land on the right day.
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        guard let days = Int(exactly: days) else { return nil }
        self.init(daysSinceEpoch: days)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `count` days later (earlier when negative); nil outside years 1…9999.
    public func adding(days count: Int) -> LocalDate? {
        LocalDate(daysSinceEpoch: daysSinceEpoch + count)
    }

    /// `"YYYY-MM-DD"`.
    public var iso: String {
        DecimalDigits.pad(year, 4) + "-" + DecimalDigits.pad(month, 2) + "-" + DecimalDigits.pad(day, 2)
    }

    /// Same as `iso`.
    public var description: String { iso }

    /// Chronological order.
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` (1…12) of `year`; 0 for an invalid month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }
}
