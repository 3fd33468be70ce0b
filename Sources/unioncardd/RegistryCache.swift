import CMallocTuning
import Foundation
import PostgresClient
import Synchronization
import UnionCardStore

/// Keys and agreements in memory, kept fresh by `LISTEN unioncard_registry` (triggers in
/// `sql/010_registry_notify.sql` notify on every change) and by a full reload every
/// `fullRefreshSeconds` as a safety net against a lost notification.
///
/// A dedicated thread owns the listening connection (libpq blocks; never the Swift pool). After
/// the connection is lost it reconnects and reloads everything, since notifications sent
/// meanwhile are gone.
final class RegistryCache: Sendable {
    private let snapshot = Mutex<RegistrySnapshot?>(nil)
    private let stopped = Atomic<Bool>(false)
    /// Set by `reloadSoon()` (SIGHUP); the listener thread reloads everything within half a second.
    private let fullReloadRequested = Atomic<Bool>(false)
    private let metrics: Metrics
    private let conninfo: String
    private let log: Log
    private let fullRefreshSeconds: Double

    init(conninfo: String, log: Log, metrics: Metrics, fullRefreshSeconds: Double = 30) {
        self.metrics = metrics
        self.conninfo = conninfo
        self.log = log
        self.fullRefreshSeconds = fullRefreshSeconds
    }

    /// The current snapshot, nil until the first load succeeded.
    var current: RegistrySnapshot? {
        snapshot.withLock { $0 }
    }

    /// Loads the registry once (so that a daemon whose database is up answers from its first
    /// request), then starts the listener thread, which keeps retrying if this load failed.
    func start() {
        do {
            let connection = try PostgresConnection(conninfo: conninfo)
            defer { connection.close() }
            try reload(tables: nil, on: connection)
        } catch {
            log.write(
                .warning, "registry not loaded at start; lookups answer 503 until it is",
                ["error": "\(error)"])
        }
        let thread = Thread { [self] in run() }
        thread.name = "registry-cache"
        thread.start()
    }

    /// Asks the listener thread to reload everything (configuration reload).
    func reloadSoon() {
        fullReloadRequested.store(true, ordering: .relaxed)
    }

    /// Asks the listener thread to end (it notices within a second).
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func run() {
        var connection: PostgresConnection?
        var lastFullLoad = ContinuousClock.now
        while !stopped.load(ordering: .relaxed) {
            do {
                if connection == nil || connection?.isBroken == true {
                    let fresh = try PostgresConnection(conninfo: conninfo)
                    try fresh.simpleQuery("LISTEN \(RegistrySnapshot.notificationChannel)")
                    // Changes made before LISTEN took effect would otherwise be missed.
                    try reload(tables: nil, on: fresh)
                    metrics.increment("unioncard_registry_reloads_total", ["trigger": "connect"])
                    connection = fresh
                    lastFullLoad = .now
                }
                guard let connection else { continue }
                let notifications = try connection.waitForNotifications(timeoutSeconds: 0.5)
                if fullReloadRequested.exchange(false, ordering: .relaxed) {
                    try reload(tables: nil, on: connection)
                    metrics.increment("unioncard_registry_reloads_total", ["trigger": "sighup"])
                    lastFullLoad = .now
                } else if ContinuousClock.now - lastFullLoad > .seconds(fullRefreshSeconds) {
                    try reload(tables: nil, on: connection)
                    metrics.increment("unioncard_registry_reloads_total", ["trigger": "periodic"])
                    lastFullLoad = .now
                } else if !notifications.isEmpty {
                    try reload(tables: Set(notifications.map(\.payload)), on: connection)
                    metrics.increment("unioncard_registry_reloads_total", ["trigger": "notify"])
                }
            } catch {
                log.write(.warning, "registry cache cannot refresh; retrying", ["error": "\(error)"])
                connection?.close()
                connection = nil
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        connection?.close()
    }

    /// Reloads what the changed tables affect (everything when `tables` is nil).
    private func reload(tables: Set<String>?, on connection: PostgresConnection) throws {
        let all = tables == nil || self.current == nil
        let keysChanged = all || !(tables ?? []).isDisjoint(with: ["api_keys", "partners", "units"])
        let agreementsChanged = all || !(tables ?? []).isDisjoint(with: ["agreements", "units"])
        let keys = keysChanged ? try RegistrySnapshot.loadKeys(on: connection) : nil
        let limits = keysChanged ? try RegistrySnapshot.loadPartnerRateLimits(on: connection) : nil
        let agreements = agreementsChanged ? try RegistrySnapshot.loadAgreements(on: connection) : nil
        defer {
            // A full load builds and drops tens of MB of rows; give that back instead of keeping
            // it as resident memory until the next load.
            _ = cmalloc_trim()
        }
        snapshot.withLock { current in
            var next = current ?? RegistrySnapshot()
            if let keys { next.keys = keys }
            if let limits { next.partnerRateLimits = limits }
            if let agreements { next.agreementsByPartner = agreements }
            current = next
        }
        log.write(
            .debug, "registry cache loaded",
            [
                "keys": keysChanged ? "reloaded" : "kept",
                "agreements": agreementsChanged ? "reloaded" : "kept",
            ])
    }
}
