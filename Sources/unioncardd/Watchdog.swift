import Foundation
import HTTPServer

/// Pings systemd's watchdog (`WATCHDOG=1`) only while the daemon really serves requests: every
/// interval it asks its own `GET /healthz` through the listening socket and the request-serving
/// threads, so a hung server misses its pings and systemd restarts it.
struct Watchdog: Sendable {
    let server: HTTPServer
    let interval: Duration
    let notifier: SystemdNotifier
    let log: Log

    /// Marks the watchdog's own requests, which are logged at debug level only.
    static let userAgent = "unioncardd-watchdog"

    /// Starts the pinging thread.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                if healthCheck() {
                    notifier.notify("WATCHDOG=1")
                } else {
                    log.write(.warning, "watchdog: own health check failed; not pinging systemd")
                }
                Thread.sleep(
                    forTimeInterval: Double(interval.components.seconds)
                        + Double(interval.components.attoseconds) / 1e18)
            }
        }
    }

    /// One `GET /healthz` through the server's own listening socket (HTTPS when it serves
    /// HTTPS), with a short timeout; true on a 200.
    private func healthCheck() -> Bool {
        server.probe(path: "/healthz", userAgent: Self.userAgent, timeoutSeconds: 2) == 200
    }
}
