import Foundation
import HTTPServer
import PostgresClient

// unioncardd: the lookup daemon. Configuration → database pool → HTTP server → wait for a signal.

let environment = ProcessInfo.processInfo.environment
let configuration: Configuration
do {
    configuration = try Configuration.load(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: environment)
} catch {
    Log(minimumLevel: .info).write(.error, "bad configuration", ["problem": "\(error)"])
    exit(2)
}
let log = Log(minimumLevel: configuration.logLevel)

// Threads inherit the signal mask: block the stop signals before libmicrohttpd starts its threads,
// so that only `sigwait` below receives them. SIGPIPE (a client gone mid-answer) is ignored.
signal(SIGPIPE, SIG_IGN)
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
for stopSignal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&stopSignals, stopSignal) }
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

let pool = PostgresPool(conninfo: configuration.database, size: configuration.databasePoolSize)
let cache = RegistryCache(conninfo: configuration.database, log: log)
cache.start()
let batcher = LookupBatcher(
    pool: pool, calendar: LocalCalendar(timeZone: configuration.timeZone),
    workers: configuration.lookupWorkers,
    maxBatch: 128)
batcher.start()
let maxBodyBytes = 16 * 1024
let application = Application(
    lookup: LookupService(
        authenticator: Authenticator(cache: cache), batcher: batcher, maxBodyBytes: maxBodyBytes),
    pool: pool, cache: cache, log: log)

var serverConfiguration = HTTPServerConfiguration()
do {
    let address = try configuration.listenAddress()
    serverConfiguration.host = address.host
    serverConfiguration.port = address.port
} catch {
    log.write(.error, "bad configuration", ["problem": "\(error)"])
    exit(2)
}
serverConfiguration.threadPoolSize = configuration.threads
serverConfiguration.connectionLimit = configuration.connectionLimit
serverConfiguration.perIPConnectionLimit = configuration.perIPConnectionLimit
serverConfiguration.connectionTimeoutSeconds = configuration.connectionTimeoutSeconds
serverConfiguration.maxBodyBytes = maxBodyBytes
do {
    serverConfiguration.tls = try configuration.tlsConfiguration()
} catch {
    log.write(.error, "bad configuration", ["problem": "\(error)"])
    exit(2)
}

let server = HTTPServer(configuration: serverConfiguration) { request in application.handle(request) }
do {
    try server.start()
} catch {
    log.write(.error, "cannot listen", ["listen": configuration.listen, "problem": "\(error)"])
    exit(1)
}
log.write(
    .info, "listening",
    [
        "host": serverConfiguration.host, "port": String(server.boundPort),
        "threads": String(configuration.threads),
        "scheme": serverConfiguration.tls == nil ? "http" : "https",
        "client_certificates": serverConfiguration.tls.map { "\($0.clientCertificates)" } ?? "none",
    ])

var received: Int32 = 0
repeat {
    sigwait(&stopSignals, &received)
    if received == SIGHUP { log.write(.info, "SIGHUP ignored: nothing to reload yet") }
} while received == SIGHUP
log.write(.info, "stopping", ["signal": String(received)])
server.quiesce()
server.stop()
cache.stop()
pool.close()
log.write(.info, "stopped")
exit(0)
