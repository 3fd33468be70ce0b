import Foundation
import Synchronization
import UnionCardCore

/// Today's date where agreements are signed (agreement validity is in local dates).
final class LocalCalendar: Sendable {
    private let calendar: Calendar
    /// Today and the local day's bounds: Foundation's calendar arithmetic is done once a local
    /// day (or when the clock is set outside the day), not once per lookup batch.
    private let cached = Mutex<(date: LocalDate, starts: Date, ends: Date)?>(nil)

    /// A calendar in `timeZone`; the identifier was validated with the configuration.
    init(timeZone identifier: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        self.calendar = calendar
    }

    /// The local date now.
    func today() -> LocalDate {
        let now = Date()
        if let day = cached.withLock({ $0 }), day.starts <= now, now < day.ends {
            return day.date
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        // The Gregorian calendar always yields a valid year, month and day for the current instant.
        guard let year = parts.year, let month = parts.month, let day = parts.day,
            let date = LocalDate(year: year, month: month, day: day)
        else {
            preconditionFailure("Gregorian calendar returned no date")
        }
        // No start of tomorrow (cannot happen in the Gregorian calendar): ask again next time.
        let starts = calendar.startOfDay(for: now)
        if let ends = calendar.date(byAdding: .day, value: 1, to: starts) {
            cached.withLock { $0 = (date, starts, ends) }
        }
        return date
    }
}
