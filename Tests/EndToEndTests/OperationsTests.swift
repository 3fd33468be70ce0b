import Foundation
import Synchronization
import TestSupport
import Testing

/// Configuration checks, signals, systemd notifications and metrics of the real daemon.
@Suite("Operations", .serialized)
struct OperationsTests {
    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uc-\(UUID().uuidString).conf"
        ).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("--check-config accepts a good file and names the key and line of a bad one")
    func checkConfig() throws {
        let daemon = BuildProducts.path(of: "unioncardd")
        let good = try temporaryFile("# comment\nlisten = 127.0.0.1:9999\nlog_level = debug\n")
        defer { try? FileManager.default.removeItem(atPath: good) }
        #expect(try runProcess(daemon, ["--config", good, "--check-config"]).status == 0)

        let unknown = try temporaryFile("listen = 127.0.0.1:9999\ncolour = blue\n")
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        let unknownRun = try runProcess(daemon, ["--config", unknown, "--check-config"])
        #expect(unknownRun.status == 2)
        #expect(unknownRun.stderr.contains(":2: unknown key colour"))

        let badValue = try temporaryFile("threads = many\n")
        defer { try? FileManager.default.removeItem(atPath: badValue) }
        let badRun = try runProcess(daemon, ["--config", badValue, "--check-config"])
        #expect(badRun.status == 2)
        #expect(badRun.stderr.contains(":1: threads must be"))
    }

    @Test("systemd: READY after the registry loaded, WATCHDOG pings, RELOADING/READY on SIGHUP, STOPPING")
    func systemdNotifications() throws {
        let listener = try NotifyListener()
        let config = try temporaryFile("log_level = info\n")
        defer { try? FileManager.default.removeItem(atPath: config) }
        let fixture = try DaemonFixture(
            environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"],
            extraArguments: ["--config", config])
        #expect(listener.wait(for: "READY=1", seconds: 10))
        #expect(listener.wait(for: "WATCHDOG=1", seconds: 5))

        // A bad file on reload keeps the running configuration; a good one applies.
        try Data("log_level = loud\n".utf8).write(to: URL(fileURLWithPath: config))
        kill(fixture.daemon.pid, SIGHUP)
        #expect(listener.wait(for: "RELOADING=1", seconds: 5))
        #expect(fixture.daemon.waitForStderr(containing: "keeping the running one", timeoutSeconds: 5) != nil)
        #expect(try fixture.lookup("coop", "code=100000000001").status == 200)
        try Data("log_level = warning\n".utf8).write(to: URL(fileURLWithPath: config))
        kill(fixture.daemon.pid, SIGHUP)
        #expect(
            fixture.daemon.waitForStderr(containing: "msg=reloaded log_level=warning", timeoutSeconds: 5)
                != nil)
        let before = fixture.daemon.stderrSoFar.components(separatedBy: "msg=request").count
        #expect(try fixture.lookup("coop", "code=100000000001").status == 200)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(
            fixture.daemon.stderrSoFar.components(separatedBy: "msg=request").count == before,
            "info request lines are off at level warning")

        let status = fixture.daemon.terminate(signal: SIGTERM, waitSeconds: 20)
        #expect(status == 0, "daemon log:\n\(fixture.daemon.stderrSoFar.suffix(3000))")
        #expect(listener.received.contains("STOPPING=1"))
    }

    @Test("SIGTERM under load: answers in flight are sent, the process exits 0, every 200 has its audit row")
    func gracefulStop() throws {
        let fixture = try DaemonFixture()
        let answered = SendableBox<[String]>([])
        let failures = SendableBox<[String]>([])
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        for worker in 0..<8 {
            DispatchQueue.global().async(group: group) {
                var index = 0
                while !stop.load(ordering: .relaxed) {
                    index += 1
                    do {
                        let response = try fixture.lookup(
                            "coop", "code=100000000001&reference=G-\(worker)-\(index)")
                        if response.status == 200, let id = response.json?["verification_id"] as? String {
                            answered.mutate { $0.append(id) }
                        } else {
                            failures.mutate { $0.append("status \(response.status)") }
                        }
                    } catch {
                        // Refused or reset once the daemon stops accepting: not an answer, fine.
                        failures.mutate { $0.append("transport") }
                    }
                }
            }
        }
        Thread.sleep(forTimeInterval: 1.0)
        let status = fixture.daemon.terminate(signal: SIGTERM, waitSeconds: 20)
        stop.store(true, ordering: .relaxed)
        group.wait()
        #expect(status == 0)
        #expect(fixture.daemon.stderrSoFar.contains("msg=stopped"))
        #expect(!failures.value.contains { $0.hasPrefix("status 5") }, "no 5xx during a graceful stop")
        #expect(answered.value.count > 10)
        let recorded = try fixture.cluster.psql(
            "SELECT count(*) FROM audit_events WHERE verification_id::text = ANY('{"
                + answered.value.joined(separator: ",") + "}')", database: fixture.database)
        #expect(Int(recorded) == answered.value.count)
    }

    @Test(
        "the daemon refuses to start with a role that can rewrite the audit trail, or without durable commits",
        arguments: [
            ("postgres", "", "may DELETE audit_events"),
            ("unioncard_app", "options='-c synchronous_commit=off'", "synchronous_commit is off"),
        ])
    func refusesUnsafeSession(user: String, options: String, problem: String) throws {
        let cluster = try TemporaryPostgres.shared()
        let database = try cluster.createDatabase(prefix: "unsafe")
        let migrate = try runProcess(
            BuildProducts.path(of: "unioncardctl"),
            ["--database", cluster.conninfo(database: database), "migrate"])
        #expect(migrate.status == 0)
        let run = try runProcess(
            BuildProducts.path(of: "unioncardd"),
            [
                "--listen", "127.0.0.1:0", "--database",
                cluster.conninfo(database: database, user: user) + " " + options,
            ], timeoutSeconds: 30)
        #expect(run.status == 1)
        #expect(run.stderr.contains("refusing to serve"))
        #expect(run.stderr.contains(problem))
    }

    @Test("GET /metrics: Prometheus text with requests, lookups, latency, batches and the pool")
    func metrics() throws {
        let fixture = try DaemonFixture()
        _ = try fixture.lookup("coop", "code=100000000001&amount=1000")
        _ = try fixture.lookup("coop", "code=999999999999")
        _ = try fixture.lookup("coop", "code=12")
        let response = try fixture.client.send("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain") == true)
        let families = response.text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map {
            $0.split(separator: " ")[2]
        }
        #expect(families.count == Set(families).count, "each metric family is declared once")
        var samples: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2, "sample line: \(line)")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        #expect(samples[#"unioncard_http_requests_total{route="/v1/lookup",status="200"}"#] == 2)
        #expect(samples[#"unioncard_http_requests_total{route="/v1/lookup",status="400"}"#] == 1)
        #expect(samples[#"unioncard_lookups_total{result="approved"}"#] == 1)
        #expect(samples[#"unioncard_lookups_total{result="unknown_code"}"#] == 1)
        #expect(samples[#"unioncard_lookups_total{result="invalid_code"}"#] == 1)
        #expect(samples["unioncard_http_request_duration_seconds_count"] == 3)
        #expect((samples["unioncard_lookup_batch_size_count"] ?? 0) >= 1)
        #expect(samples["unioncard_registry_loaded"] == 1)
        #expect(samples["unioncard_db_pool_size"] == 4)
        #expect(samples[#"unioncard_build_info{version="0.1.0",schema="sql/001–011"}"#] == 1)
        #expect((samples["unioncard_audit_seal_lag_seconds"] ?? -1) >= 0)
        #expect(!response.text.contains("100000000001"))
    }
}

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifyListener: @unchecked Sendable {
    // @unchecked: `messages` is only touched under `lock`; `descriptor` and `path` never change.
    let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var messages: [String] = []

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard descriptor >= 0, bound == 0 else {
            throw DaemonFixture.FixtureError(description: "bind notify socket")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Every message received so far (one string per datagram, lines joined by "\n").
    var received: [String] {
        drain()
        return lock.withLock { messages }
    }

    /// Waits until a datagram contains `text`.
    func wait(for text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            drain()
            if lock.withLock({ messages.contains { $0.contains(text) } }) { return true }
        }
        return false
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            lock.withLock { messages.append(message) }
        }
    }
}
