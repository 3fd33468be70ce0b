import Foundation
import PostgresClient
import UnionCardStore

/// Refuses to serve with a session that could rewrite the audit trail or lose committed rows
/// (`DurabilityCheck`). When the database is down at start the check runs as soon as it is
/// reachable; a failed check ends the process (exit 1), since every answer would be unsafe.
enum StartupCheck {
    /// Checks now if the database answers; otherwise keeps trying on a background thread.
    static func run(conninfo: String, log: Log) {
        if attempt(conninfo: conninfo, log: log) { return }
        Thread.detachNewThread {
            while !attempt(conninfo: conninfo, log: log) {
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// True once the check ran (and passed); exits when it failed.
    private static func attempt(conninfo: String, log: Log) -> Bool {
        let problems: [String]
        do {
            let connection = try PostgresConnection(conninfo: conninfo)
            defer { connection.close() }
            problems = try DurabilityCheck.problems(on: connection)
        } catch {
            return false
        }
        guard problems.isEmpty else {
            for problem in problems { log.write(.error, "refusing to serve", ["problem": problem]) }
            exit(1)
        }
        return true
    }
}
