import Foundation
import UnionCardCore

/// A time zone's offset from UTC at the start of a local date, so that a date in an event filter
/// (`from=2026-01-31`, `audit export --from 2026-01-31`) means that day's midnight where the
/// federation is, not in UTC. Shared by the daemon and `unioncardctl`.
public struct TimeZoneOffsets: Sendable {
    private let calendar: Calendar

    /// Offsets of the IANA zone `identifier` (check it with `isKnown` first: an unknown zone
    /// falls back to UTC+7, Vietnam's offset all year).
    public init(timeZone identifier: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        self.calendar = calendar
    }

    /// Whether the system's time zone database knows `identifier`.
    public static func isKnown(_ identifier: String) -> Bool {
        TimeZone(identifier: identifier) != nil
    }

    /// Seconds east of UTC at local midnight starting `date`.
    public func offset(atStartOf date: LocalDate) -> Int {
        let components = DateComponents(year: date.year, month: date.month, day: date.day)
        guard let start = calendar.date(from: components) else {
            return calendar.timeZone.secondsFromGMT()
        }
        return calendar.timeZone.secondsFromGMT(for: start)
    }
}
