import CMallocTuning
import Foundation
import HTTPServer
import PostgresClient

// unioncardd: configuration → registry cache, batcher, HTTP server → READY → signals.

let environment = ProcessInfo.processInfo.environment
let arguments = Array(CommandLine.arguments.dropFirst())
let checkOnly = arguments.contains("--check-config")
let configuration: Configuration
do {
    configuration = try Configuration.load(
        arguments: arguments.filter { $0 != "--check-config" }, environment: environment)
} catch {
    Log(minimumLevel: .info).write(.error, "bad configuration", ["problem": "\(error)"])
    exit(2)
}
if checkOnly {
    Log(minimumLevel: .info).write(.info, "configuration is valid", ["listen": configuration.listen])
    exit(0)
}
let log = Log(minimumLevel: configuration.logLevel)
// glibc gives each thread that allocates its own malloc arena; with dozens of HTTP threads
// that multiplies freed-but-kept memory (RSS) for no speed gain here. Two arenas are plenty.
_ = cmalloc_limit_arenas(2)
let notifier = SystemdNotifier(environment: environment)

// Threads inherit the signal mask: block the signals we handle before any thread starts, so that
// only `sigwait` below receives them. SIGPIPE (a client gone mid-answer) is ignored.
signal(SIGPIPE, SIG_IGN)
var handledSignals = sigset_t()
sigemptyset(&handledSignals)
for handled in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&handledSignals, handled) }
pthread_sigmask(SIG_BLOCK, &handledSignals, nil)

StartupCheck.run(conninfo: configuration.database, log: log)
let metrics = Metrics()
// The lookup statements take arrays of codes: a generic plan suits every batch size, while the
// default (a custom plan for each execution) re-plans a three-table join per batch, which cost
// more than running it.
let pool = PostgresPool(
    conninfo: configuration.database, size: configuration.databasePoolSize,
    settings: ["plan_cache_mode": "force_generic_plan"])
let cache = RegistryCache(conninfo: configuration.database, log: log, metrics: metrics)
cache.start()
let abuseGuard = AbuseGuard(settings: configuration.abuseSettings)
let batcher = LookupBatcher(
    pool: pool, calendar: LocalCalendar(timeZone: configuration.timeZone),
    workers: configuration.lookupWorkers,
    maxBatch: 128, metrics: metrics, abuseGuard: abuseGuard, log: log)
batcher.start()
registerGauges(metrics: metrics, pool: pool, cache: cache, batcher: batcher)
metrics.gauge("unioncard_keys_locked", help: "Keys locked for enumeration right now.") {
    Double(abuseGuard.lockedKeys)
}

let maxBodyBytes = 16 * 1024
let application = Application(
    lookup: LookupService(
        authenticator: Authenticator(cache: cache), batcher: batcher, abuseGuard: abuseGuard,
        maxBodyBytes: maxBodyBytes),
    events: EventsService(
        authenticator: Authenticator(cache: cache), pool: pool, timeZone: configuration.timeZone, log: log),
    pool: pool, cache: cache, blockingWork: BlockingWorkQueue(threads: 2, name: "blocking-request"),
    metrics: metrics, log: log)
let auditSealer = AuditSealerThread(conninfo: configuration.database, log: log)
auditSealer.start()

var serverConfiguration = HTTPServerConfiguration()
do {
    let address = try configuration.listenAddress()
    serverConfiguration.host = address.host
    serverConfiguration.port = address.port
} catch {
    log.write(.error, "bad configuration", ["problem": "\(error)"])
    exit(2)
}
if let passed = SocketActivation.passedSocket(environment: environment) {
    serverConfiguration.listenSocket = passed
    serverConfiguration.host = SocketActivation.family(of: passed) == AF_INET6 ? "::" : "0.0.0.0"
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
serverConfiguration.errorHandler = { error in log.write(.warning, "http", ["error": "\(error)"]) }

let server = HTTPServer(
    configuration: serverConfiguration, replying: { request in application.handle(request) })
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
        "socket_activated": serverConfiguration.listenSocket == nil ? "no" : "yes",
    ])

// READY=1 only once the registry is loaded (the database answered) and the socket listens.
Thread.detachNewThread {
    while cache.current == nil { Thread.sleep(forTimeInterval: 0.1) }
    notifier.notify("READY=1")
    log.write(.info, "ready")
}
if let interval = SystemdNotifier.watchdogInterval(environment: environment) {
    Watchdog(server: server, interval: interval, notifier: notifier, log: log).start()
}

var current = configuration
var stopping = false
while true {
    var received: Int32 = 0
    sigwait(&handledSignals, &received)
    if received == SIGHUP {
        guard !stopping else { continue }
        notifier.notifyReloading()
        current = reload(
            from: current, arguments: arguments, environment: environment, log: log, cache: cache)
        reloadCertificates(
            server: server, servingTLS: serverConfiguration.tls != nil, configuration: current, log: log)
        notifier.notify("READY=1")
        continue
    }
    if stopping {
        // A second stop signal while the first is being honoured ends the process at once.
        log.write(.warning, "second stop signal: exiting now", ["signal": String(received)])
        _exit(1)
    }
    stopping = true
    log.write(.info, "stopping", ["signal": String(received)])
    notifier.notify("STOPPING=1")
    Thread.detachNewThread {
        shutDown(server: server, cache: cache, pool: pool, log: log)
        auditSealer.stop()
        exit(0)
    }
}
