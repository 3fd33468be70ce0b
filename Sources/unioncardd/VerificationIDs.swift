import Foundation
import UnionCardCore

/// Fresh verification ids (UUIDv7) from the clock and the operating system's CSPRNG.
///
/// Not Foundation's `UUID()`: on Linux it opens and reads `/dev/urandom` for every id, a file
/// open per lookup on the batch path. `SystemRandomNumberGenerator` is `getrandom(2)`.
enum VerificationIDs {
    /// A new id.
    static func next() -> String {
        var random = SystemRandomNumberGenerator()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = UInt64(max(0, now.tv_sec)) * 1000 + UInt64(max(0, now.tv_nsec)) / 1_000_000
        return VerificationID.text(
            unixMilliseconds: milliseconds, randomHigh: random.next(), randomLow: random.next())
    }
}
