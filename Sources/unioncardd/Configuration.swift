import Foundation
import UnionCardCore

/// The daemon's settings: defaults, then the config file, then `UNIONCARD_*` variables, then flags.
struct Configuration: Sendable, Equatable {
    /// Address to bind, "HOST:PORT" or "[IPv6]:PORT".
    var listen = "127.0.0.1:8080"
    /// libpq connection string or URI; empty means libpq's own defaults (PGHOST, PGUSER, …).
    var database = ""
    /// Time zone of agreement validity dates.
    var timeZone = "Asia/Ho_Chi_Minh"
    /// libmicrohttpd worker threads, each serving many connections from its own epoll loop: a
    /// lookup suspends its connection while its batch commits, and event queries run on their
    /// own threads, so a few threads serve thousands of terminals.
    var threads = 4
    /// Threads that run lookup batches, each on its own database connection.
    var lookupWorkers = 2
    /// PostgreSQL connections held open (lookup workers plus readiness and other requests).
    var databasePoolSize = 6
    /// Seconds an idle or slow client keeps its connection.
    var connectionTimeoutSeconds = 30
    /// Simultaneous client connections.
    var connectionLimit = 1000
    /// Simultaneous client connections from one address (0 = no limit).
    var perIPConnectionLimit = 0
    /// "debug", "info", "warning" or "error".
    var logLevel = LogLevel.info
    /// HTTPS: PEM certificate chain and key files (both or neither), and the CAs of terminals'
    /// client certificates (optional mutual TLS). See Configuration+TLS.swift.
    var tlsCertificate: String?
    var tlsKey: String?
    var tlsClientCA: String?
    /// Plain HTTP on a non-loopback address only when this is true.
    var allowPlainHTTP = false
    /// Lookups per minute per key (0 = no limit); a partner may have its own.
    var rateLimitPerMinute = 60
    /// Lookups a key may make in a burst.
    var rateLimitBurst = 20
    /// `unknown_code` answers within the window that lock a key (0 = no lockout).
    var lockoutThreshold = 20
    /// The window of the lockout count, in minutes.
    var lockoutWindowMinutes = 10
    /// How long a lock lasts, in minutes.
    var lockoutMinutes = 15

    /// Where the settings file is looked for when `--config` is not given.
    static let defaultConfigPath = "/etc/unioncard/unioncardd.conf"

    /// A bad setting, naming where it came from.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Each settable key with the environment variable and flag that override it.
    private static let keys: [(key: String, environment: String, flag: String?)] = [
        ("listen", "UNIONCARD_LISTEN", "--listen"),
        ("database", "UNIONCARD_DATABASE", "--database"),
        ("timezone", "UNIONCARD_TIMEZONE", nil),
        ("threads", "UNIONCARD_THREADS", nil),
        ("lookup_workers", "UNIONCARD_LOOKUP_WORKERS", nil),
        ("database_pool_size", "UNIONCARD_DATABASE_POOL_SIZE", nil),
        ("connection_timeout", "UNIONCARD_CONNECTION_TIMEOUT", nil),
        ("connection_limit", "UNIONCARD_CONNECTION_LIMIT", nil),
        ("per_ip_connection_limit", "UNIONCARD_PER_IP_CONNECTION_LIMIT", nil),
        ("log_level", "UNIONCARD_LOG_LEVEL", nil),
        ("tls_cert", "UNIONCARD_TLS_CERT", nil),
        ("tls_key", "UNIONCARD_TLS_KEY", nil),
        ("tls_client_ca", "UNIONCARD_TLS_CLIENT_CA", nil),
        ("allow_plain_http", "UNIONCARD_ALLOW_PLAIN_HTTP", nil),
        ("rate_limit_per_minute", "UNIONCARD_RATE_LIMIT_PER_MINUTE", nil),
        ("rate_limit_burst", "UNIONCARD_RATE_LIMIT_BURST", nil),
        ("lockout_threshold", "UNIONCARD_LOCKOUT_THRESHOLD", nil),
        ("lockout_window_minutes", "UNIONCARD_LOCKOUT_WINDOW_MINUTES", nil),
        ("lockout_minutes", "UNIONCARD_LOCKOUT_MINUTES", nil),
    ]

    /// Builds the configuration from the command line and environment.
    static func load(arguments: [String], environment: [String: String]) throws -> Configuration {
        var configuration = Configuration()
        var flags: [String: String] = [:]
        var configPath: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let known = ["--config"] + keys.compactMap(\.flag)
            guard known.contains(argument) else {
                throw Problem(
                    description: "unknown argument \(argument) (usage: unioncardd [--config FILE] "
                        + "[--listen HOST:PORT] [--database CONNINFO])")
            }
            guard index + 1 < arguments.count else { throw Problem(description: "\(argument) needs a value") }
            if argument == "--config" {
                configPath = arguments[index + 1]
            } else {
                flags[argument] = arguments[index + 1]
            }
            index += 2
        }
        let path = configPath ?? environment["UNIONCARD_CONFIG"]
        if let path {
            try configuration.applyFile(path, required: true)
        } else if FileManager.default.fileExists(atPath: defaultConfigPath) {
            try configuration.applyFile(defaultConfigPath, required: false)
        }
        for entry in keys {
            if let value = environment[entry.environment] {
                try configuration.set(entry.key, value, source: entry.environment)
            }
        }
        for entry in keys {
            if let flag = entry.flag, let value = flags[flag] {
                try configuration.set(entry.key, value, source: flag)
            }
        }
        _ = try configuration.listenAddress()
        try configuration.checkTransportSecurity()
        return configuration
    }

    /// Reads `key = value` lines; `#` starts a comment; unknown keys are errors.
    private mutating func applyFile(_ path: String, required: Bool) throws {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            if required { throw Problem(description: "cannot read config file \(path)") }
            return
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2 else {
                throw Problem(description: "\(path):\(number + 1): expected key = value")
            }
            try set(parts[0], parts[1], source: "\(path):\(number + 1)")
        }
    }

    private mutating func set(_ key: String, _ value: String, source: String) throws {
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw Problem(
                    description:
                        "\(source): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                )
            }
            return number
        }
        switch key {
        case "listen": listen = value
        case "database": database = value
        case "timezone":
            guard TimeZone(identifier: value) != nil else {
                throw Problem(description: "\(source): timezone \(value) is not a known time zone")
            }
            timeZone = value
        case "threads": threads = try integer(1...256)
        case "lookup_workers": lookupWorkers = try integer(1...32)
        case "database_pool_size": databasePoolSize = try integer(2...90)
        case "connection_timeout": connectionTimeoutSeconds = try integer(1...3600)
        case "connection_limit": connectionLimit = try integer(1...100_000)
        case "per_ip_connection_limit": perIPConnectionLimit = try integer(0...100_000)
        case "rate_limit_per_minute": rateLimitPerMinute = try integer(0...1_000_000)
        case "rate_limit_burst": rateLimitBurst = try integer(1...1_000_000)
        case "lockout_threshold": lockoutThreshold = try integer(0...1_000_000)
        case "lockout_window_minutes": lockoutWindowMinutes = try integer(1...10_080)
        case "lockout_minutes": lockoutMinutes = try integer(1...10_080)
        case "log_level":
            guard let level = LogLevel(rawValue: value) else {
                throw Problem(description: "\(source): log_level must be debug, info, warning or error")
            }
            logLevel = level
        case "tls_cert": tlsCertificate = try Self.readableFile(value, key: key, source: source)
        case "tls_key": tlsKey = try Self.readableFile(value, key: key, source: source)
        case "tls_client_ca": tlsClientCA = try Self.readableFile(value, key: key, source: source)
        case "allow_plain_http":
            guard value == "true" || value == "false" else {
                throw Problem(description: "\(source): allow_plain_http must be true or false")
            }
            allowPlainHTTP = value == "true"
        default:
            throw Problem(description: "\(source): unknown key \(key)")
        }
    }

    /// The abuse guard's part of the configuration.
    var abuseSettings: AbuseGuard.Settings {
        AbuseGuard.Settings(
            perMinute: rateLimitPerMinute, burst: rateLimitBurst,
            lockout: EnumerationLockout.Policy(
                threshold: lockoutThreshold, windowSeconds: Double(lockoutWindowMinutes) * 60,
                lockSeconds: Double(lockoutMinutes) * 60))
    }

    /// Splits `listen` into host and port.
    func listenAddress() throws -> (host: String, port: Int) {
        var text = Substring(listen)
        var host: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            text = text[text.index(after: close)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            text = text[colon...]
        } else {
            throw Problem(description: "listen must be HOST:PORT, got \(listen)")
        }
        guard text.hasPrefix(":"), let port = Int(text.dropFirst()), (0...65535).contains(port) else {
            throw Problem(description: "listen must be HOST:PORT, got \(listen)")
        }
        if host.isEmpty { host = "0.0.0.0" }
        return (String(host), port)
    }
}
