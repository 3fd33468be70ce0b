import Foundation
import HTTPServer
import PostgresClient

/// The daemon's version, reported by `/metrics` (`unioncard_build_info`).
let buildVersion = "0.1.0"

/// Seconds a graceful stop waits for answers in flight before closing connections anyway.
let shutdownDrainSeconds = 15.0

/// Graceful stop: stop accepting, let every request in flight get its answer (each waits for its
/// audit batch to commit, so nothing approved is lost), then close connections and the pool.
func shutDown(server: HTTPServer, cache: RegistryCache, pool: PostgresPool, log: Log) {
    server.quiesce()
    let drained = server.drain(timeoutSeconds: shutdownDrainSeconds)
    if !drained {
        log.write(
            .warning, "requests still in flight at the stop deadline",
            ["seconds": String(shutdownDrainSeconds)])
    }
    server.stop()
    cache.stop()
    pool.close()
    log.write(.info, "stopped")
}

/// Re-reads the configuration (SIGHUP) and applies what can change while running: the log level
/// and a full registry reload. An invalid file keeps the running configuration.
func reload(
    from current: Configuration, arguments: [String], environment: [String: String], log: Log,
    cache: RegistryCache
) -> Configuration {
    let next: Configuration
    do {
        next = try Configuration.load(
            arguments: arguments.filter { $0 != "--check-config" }, environment: environment)
    } catch {
        log.write(.warning, "reload: invalid configuration, keeping the running one", ["problem": "\(error)"])
        return current
    }
    // Said before the new level applies, so that it is written whatever the new level is.
    log.write(.info, "reloaded", ["log_level": next.logLevel.rawValue])
    log.minimumLevel = next.logLevel
    cache.reloadSoon()
    for (name, changed) in [
        ("listen", next.listen != current.listen), ("database", next.database != current.database),
        ("threads", next.threads != current.threads),
        ("lookup_workers", next.lookupWorkers != current.lookupWorkers),
        ("database_pool_size", next.databasePoolSize != current.databasePoolSize),
        ("timezone", next.timeZone != current.timeZone),
    ] where changed {
        log.write(.warning, "reload: this setting takes effect at the next restart", ["key": name])
    }
    return next
}

/// Scrape-time gauges: pool, batch queue, registry state, build.
func registerGauges(metrics: Metrics, pool: PostgresPool, cache: RegistryCache, batcher: LookupBatcher) {
    metrics.gauge("unioncard_db_pool_in_use", help: "Database connections lent out now.") {
        Double(pool.statistics.inUse)
    }
    metrics.gauge("unioncard_db_pool_size", help: "Database connections the pool may open.") {
        Double(pool.size)
    }
    metrics.gauge("unioncard_db_pool_waits", help: "Acquires that had to wait for a connection (total).") {
        Double(pool.statistics.waits)
    }
    metrics.gauge("unioncard_db_pool_timeouts", help: "Acquires that gave up waiting (total).") {
        Double(pool.statistics.timeouts)
    }
    metrics.gauge("unioncard_db_reconnects", help: "Broken connections re-opened (total).") {
        Double(pool.statistics.reconnects)
    }
    metrics.gauge("unioncard_audit_pending", help: "Lookups waiting for their audit batch.") {
        Double(batcher.queued)
    }
    metrics.gauge("unioncard_registry_loaded", help: "1 when keys and agreements are in memory.") {
        cache.current == nil ? 0 : 1
    }
    metrics.gauge(
        "unioncard_build_info", labels: ["version": buildVersion, "schema": "sql/001–011"],
        help: "Always 1; the labels name the build."
    ) { 1 }
    metrics.gauge(
        "unioncard_audit_seal_lag_seconds",
        help:
            "Age of the oldest audit row not yet in the hash chain (0 when all are sealed; -1 when unknown)."
    ) {
        let lag = try? pool.withConnection { connection in
            // The first unsealed row by id (the sealer goes in id order), found through the
            // primary key: `min(at)` over the unsealed rows walked the whole `at` index instead
            // (130 ms per scrape at a million rows).
            try connection.query(
                """
                SELECT coalesce((SELECT extract(epoch FROM now() - e.at) FROM audit_events e
                    WHERE e.id > (SELECT coalesce(max(event_id), 0) FROM audit_chain) ORDER BY e.id LIMIT 1),
                    0)::float8
                """
            ).rows.first?.decode(Double.self, at: 0)
        }
        return (lag ?? nil) ?? -1
    }
}
