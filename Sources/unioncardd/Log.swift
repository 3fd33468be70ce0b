import Foundation
import Synchronization

/// Severity of a log line.
enum LogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    fileprivate init(rank: Int) {
        switch rank {
        case ...0: self = .debug
        case 1: self = .info
        case 2: self = .warning
        default: self = .error
        }
    }

    fileprivate var rank: Int {
        switch self {
        case .debug: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }

    static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// logfmt lines on standard error, one per request and per lifecycle event (journald keeps them).
///
/// Callers pass no personal data: no card numbers, codes, names or keys.
final class Log: Sendable {
    private let minimumRank: Atomic<Int>

    init(minimumLevel: LogLevel) {
        minimumRank = Atomic(minimumLevel.rank)
    }

    /// The least severe level written; changed by a configuration reload.
    var minimumLevel: LogLevel {
        get { LogLevel(rank: minimumRank.load(ordering: .relaxed)) }
        set { minimumRank.store(newValue.rank, ordering: .relaxed) }
    }

    /// Writes `ts=… level=… msg=… key=value…`; values with spaces or quotes are quoted.
    ///
    /// Built as bytes: this runs once per request, and Character-wise String work was a
    /// measurable share of the daemon's CPU.
    func write(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level.rank >= minimumRank.load(ordering: .relaxed) else { return }
        var line: [UInt8] = []
        line.reserveCapacity(192)
        line.append(contentsOf: "ts=".utf8)
        Self.appendTimestamp(to: &line)
        line.append(contentsOf: " level=".utf8)
        line.append(contentsOf: level.rawValue.utf8)
        line.append(contentsOf: " msg=".utf8)
        Self.appendValue(message, to: &line)
        for (key, value) in fields {
            line.append(0x20)
            line.append(contentsOf: key.utf8)
            line.append(UInt8(ascii: "="))
            Self.appendValue(value, to: &line)
        }
        line.append(0x0A)
        // Glibc's `stderr` global is not concurrency-safe in Swift 6; a single write(2) keeps lines whole.
        _ = line.withUnsafeBytes { Foundation.write(2, $0.baseAddress, $0.count) }
    }

    /// The value as is, or in double quotes with `"`, backslash and line break escaped when it is
    /// empty or holds a space, `"`, `=`, a backslash or a line break (a line stays one line).
    private static func appendValue(_ value: String, to line: inout [UInt8]) {
        let bytes = value.utf8
        let special: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D || $0 == 0x5C || $0 == 0x0A }
        guard bytes.isEmpty || bytes.contains(where: special) else {
            line.append(contentsOf: bytes)
            return
        }
        line.append(0x22)
        for byte in bytes {
            switch byte {
            case 0x22: line.append(contentsOf: "\\\"".utf8)
            case 0x5C: line.append(contentsOf: "\\\\".utf8)
            case 0x0A: line.append(contentsOf: "\\n".utf8)
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }

    /// UTC with milliseconds, e.g. 2026-12-03T19:04:05.123Z.
    private static func appendTimestamp(to line: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            while divisor > 0 {
                line.append(0x30 + UInt8(truncatingIfNeeded: rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        line.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        line.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        line.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        line.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        line.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        line.append(UInt8(ascii: "."))
        digits(Int32(now.tv_nsec / 1_000_000), 3)
        line.append(UInt8(ascii: "Z"))
    }
}
