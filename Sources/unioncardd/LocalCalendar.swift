import Foundation
import UnionCardCore

/// Today's date where agreements are signed (agreement validity is in local dates).
struct LocalCalendar: Sendable {
    private let calendar: Calendar

    /// A calendar in `timeZone`; the identifier was validated with the configuration.
    init(timeZone identifier: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        self.calendar = calendar
    }

    /// The local date now.
    func today() -> LocalDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        // The Gregorian calendar always yields a valid year, month and day for the current instant.
        guard let year = parts.year, let month = parts.month, let day = parts.day,
            let date = LocalDate(year: year, month: month, day: day)
        else {
            preconditionFailure("Gregorian calendar returned no date")
        }
        return date
    }
}
