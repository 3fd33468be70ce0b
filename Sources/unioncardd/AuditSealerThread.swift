import Dispatch
import Foundation
import PostgresClient
import Synchronization
import UnionCardStore

/// Keeps the audit hash chain sealed: a dedicated thread (libpq blocks; never the Swift pool)
/// with its own connection, which becomes the database's only sealer by taking the sealer's
/// advisory lock, then seals new events every `pollSeconds`. Daemons that do not get the lock
/// retry now and then, so when the sealing daemon stops another one takes over within seconds.
final class AuditSealerThread: Sendable {
    private let conninfo: String
    private let log: Log
    private let pollSeconds: Double
    private let retrySeconds: Double
    private let stopped = Atomic<Bool>(false)
    /// Signalled by `stop()` to cut a pause short.
    private let wakeUp = DispatchSemaphore(value: 0)
    /// Signalled by the thread when it has ended.
    private let ended = DispatchSemaphore(value: 0)

    init(conninfo: String, log: Log, pollSeconds: Double = 0.3, retrySeconds: Double = 2) {
        self.conninfo = conninfo
        self.log = log
        self.pollSeconds = pollSeconds
        self.retrySeconds = retrySeconds
    }

    /// Starts the thread.
    func start() {
        let thread = Thread { [self] in
            run()
            ended.signal()
        }
        thread.name = "audit-sealer"
        thread.start()
    }

    /// Asks the thread to end and waits (at most `timeoutSeconds`) until it has: it finishes the
    /// chunk in progress, gives up the sealer lock and closes its connection.
    func stop(timeoutSeconds: Double = 5) {
        stopped.store(true, ordering: .relaxed)
        wakeUp.signal()
        _ = ended.wait(timeout: .now() + timeoutSeconds)
    }

    private func pause(_ seconds: Double) {
        _ = wakeUp.wait(timeout: .now() + seconds)
    }

    private func run() {
        // Chunks of 1000: the rows of a chunk are held in memory at once, and at thousands of
        // lookups a second a round's backlog would otherwise be one chunk of several thousand.
        let sealer = AuditSealer(chunkSize: 1000)
        var connection: PostgresConnection?
        var isSealer = false
        while !stopped.load(ordering: .relaxed) {
            do {
                if connection?.isBroken ?? true {
                    connection?.close()
                    connection = try PostgresConnection(conninfo: conninfo)
                    isSealer = false
                }
                guard let live = connection else { continue }
                if !isSealer {
                    isSealer = try sealer.becomeSealer(on: live)
                    guard isSealer else {
                        pause(retrySeconds)
                        continue
                    }
                    log.write(.info, "audit sealer active")
                    let behind = try sealer.unsealedBehindHead(on: live)
                    if behind > 0 {
                        log.write(
                            .warning,
                            "audit events below the chain head are not sealed; run unioncardctl audit verify",
                            ["events": String(behind)])
                    }
                }
                let outcome = try sealer.sealPending(on: live)
                if outcome.sealed > 0 {
                    log.write(
                        .debug, "audit events sealed",
                        ["events": String(outcome.sealed), "head": String(outcome.head.seq)])
                }
                pause(pollSeconds)
            } catch {
                log.write(.warning, "audit sealing failed; retrying", ["error": "\(error)"])
                connection?.close()
                connection = nil
                isSealer = false
                pause(retrySeconds)
            }
        }
        if isSealer, let connection { try? sealer.resign(on: connection) }
        connection?.close()
    }
}
