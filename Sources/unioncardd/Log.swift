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
    func write(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level.rank >= minimumRank.load(ordering: .relaxed) else { return }
        var line = "ts=\(Self.timestamp()) level=\(level.rawValue) msg=\(Self.quoted(message))"
        for (key, value) in fields {
            line += " \(key)=\(Self.quoted(value))"
        }
        line += "\n"
        // Glibc's `stderr` global is not concurrency-safe in Swift 6; a single write(2) keeps lines whole.
        _ = line.utf8CString.withUnsafeBufferPointer { buffer in
            Foundation.write(2, buffer.baseAddress, buffer.count - 1)
        }
    }

    private static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" }
        guard needsQuotes else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }

    /// UTC with milliseconds, e.g. 2026-12-03T19:04:05.123Z.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
