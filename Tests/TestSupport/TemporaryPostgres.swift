import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway PostgreSQL cluster for tests.
///
/// `initdb -A trust --nosync -U postgres -E UTF8` into a fresh directory under /tmp, then
/// `pg_ctl -w start` listening on a free TCP port on 127.0.0.1 and on a unix socket in that
/// directory (`host`), with `fsync=off`. As root the server runs as the `postgres` user.
/// Clusters are stopped and deleted by `destroy()`, at process exit (atexit), and — should the
/// test process crash — by a small watchdog process that outlives it.
///
/// The PostgreSQL binaries come from `PG_BINDIR`, /usr/lib/postgresql/15/bin, or
/// `pg_config --bindir`, in that order.
public final class TemporaryPostgres: Sendable {
    /// The TCP port (on 127.0.0.1) and the unix-socket port number.
    public let port: Int
    /// The unix socket directory, usable as libpq's `host`.
    public let host: String
    /// The temporary directory holding the cluster (`data/`, `socket/`, `server.log`).
    public let directory: String
    /// The server log file.
    public let logPath: String
    private let dataDirectory: String
    private let binDirectory: String
    private let state = Mutex(State())

    private struct State {
        var destroyed = false
        var watchdog: pid_t = 0
        var watchdogPipe: Int32 = -1
    }

    private static let sharedCluster = Mutex<TemporaryPostgres?>(nil)
    private static let live = Mutex<[String: TemporaryPostgres]>([:])
    private static let registerAtExit: Void = {
        atexit {
            TemporaryPostgres.destroyAll()
        }
    }()

    /// The cluster shared by every test in this process, started on first use (thread-safe).
    /// Do not stop it; use `start()` for a cluster a test stops or restarts.
    public static func shared() throws -> TemporaryPostgres {
        try sharedCluster.withLock { cluster in
            if let cluster {
                return cluster
            }
            let started = try start()
            cluster = started
            return started
        }
    }

    /// Starts a private cluster (for tests that stop or restart the server). Call `destroy()`
    /// when done; it is destroyed at process exit otherwise.
    public static func start() throws -> TemporaryPostgres {
        _ = registerAtExit
        let binDirectory = try findBinDirectory()
        let directory = try makeDirectory()
        // The watchdog comes first, so a test process killed during initdb/start leaves nothing.
        let watchdog = startWatchdog(binDirectory: binDirectory, directory: directory)
        do {
            let cluster = try TemporaryPostgres(directory: directory, binDirectory: binDirectory)
            cluster.state.withLock { state in
                state.watchdog = watchdog?.pid ?? -1
                state.watchdogPipe = watchdog?.stdin ?? -1
            }
            live.withLock { $0[directory] = cluster }
            return cluster
        } catch {
            _ = try? pgCtl(binDirectory, directory, ["stop", "-m", "immediate", "-D", directory + "/data"])
            try? FileManager.default.removeItem(atPath: directory)
            if let watchdog {
                stopWatchdog(pid: watchdog.pid, pipe: watchdog.stdin)
            }
            throw error
        }
    }

    private init(directory: String, binDirectory: String) throws {
        self.directory = directory
        self.binDirectory = binDirectory
        self.dataDirectory = directory + "/data"
        self.host = directory + "/socket"
        self.logPath = directory + "/server.log"
        try Self.initdb(binDirectory: binDirectory, dataDirectory: dataDirectory, directory: directory)
        // The port is free when probed but another process may take it first: retry.
        var lastError: Error = TestSupportError.other("no port tried")
        for _ in 0..<8 {
            let port = try Self.freePort()
            let settings = """
                listen_addresses = '127.0.0.1'
                port = \(port)
                unix_socket_directories = '\(directory)/socket'
                fsync = off
                full_page_writes = off
                max_connections = 200
                shared_buffers = 32MB
                log_min_messages = warning
                log_line_prefix = '%m [%p] %d '

                """
            try Self.writeAsServerUser(settings, to: dataDirectory + "/unioncard-test.conf")
            do {
                try Self.pgCtl(
                    binDirectory, directory,
                    ["start", "-w", "-t", "60", "-D", dataDirectory, "-l", directory + "/server.log"])
                self.port = port
                return
            } catch {
                lastError = error
                let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
                guard log.contains("could not bind") || log.contains("already in use") else {
                    break
                }
            }
        }
        throw lastError
    }

    /// `host=<socket dir> port=<port> dbname=<database> user=<user>` (unix socket).
    public func conninfo(database: String, user: String = "postgres") -> String {
        "host=\(host) port=\(port) dbname=\(database) user=\(user)"
    }

    /// `host=127.0.0.1 port=<port> dbname=<database> user=<user>` (TCP).
    public func tcpConninfo(database: String, user: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port) dbname=\(database) user=\(user)"
    }

    /// `postgresql://<user>@127.0.0.1:<port>/<database>` (TCP, URI form).
    public func uri(database: String, user: String = "postgres") -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates a database with a unique name (`prefix_` + random letters; the prefix is
    /// lower-cased and reduced to letters, digits and `_`) owned by `postgres`; returns its name.
    public func createDatabase(prefix: String) throws -> String {
        let cleaned = String(
            prefix.lowercased().unicodeScalars
                .filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                .prefix(40))
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let suffix = String((0..<10).map { _ in letters.randomElement() ?? "x" })
        let name = (cleaned.isEmpty ? "test" : cleaned) + "_" + suffix
        _ = try psql("CREATE DATABASE \"\(name)\"", database: "postgres")
        return name
    }

    /// Runs `sql` through `psql -X -A -t -q -v ON_ERROR_STOP=1` as `postgres` on `database` and
    /// returns its stdout without the trailing newline (one line per row, `|` between columns).
    /// - Throws: `TestSupportError.commandFailed` (with psql's stderr) when a statement fails.
    public func psql(_ sql: String, database: String) throws -> String {
        let output = try runProcess(
            binDirectory + "/psql",
            [
                "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U",
                "postgres", "-d", database,
            ],
            environment: ["PGOPTIONS": "", "PGCONNECT_TIMEOUT": "10"], stdin: Array(sql.utf8),
            timeoutSeconds: 300)
        guard output.status == 0 else {
            throw TestSupportError.commandFailed(
                executable: "psql", status: output.status, stderr: output.stderr)
        }
        var stdout = output.stdout
        while stdout.hasSuffix("\n") {
            stdout.removeLast()
        }
        return stdout
    }

    /// Stops the server (`pg_ctl stop -m immediate|fast`); the cluster is kept for `startServer()`.
    public func stopServer(immediate: Bool) throws {
        try Self.pgCtl(
            binDirectory, directory,
            ["stop", "-w", "-t", "60", "-m", immediate ? "immediate" : "fast", "-D", dataDirectory])
    }

    /// Starts the server again, on the same port and socket directory.
    public func startServer() throws {
        try Self.pgCtl(
            binDirectory, directory, ["start", "-w", "-t", "60", "-D", dataDirectory, "-l", logPath])
    }

    /// Stops the server and deletes the directory. Idempotent.
    public func destroy() {
        let watchdog: (pid: pid_t, pipe: Int32)? = state.withLock { state in
            if state.destroyed {
                return nil
            }
            state.destroyed = true
            return (state.watchdog, state.watchdogPipe)
        }
        guard let watchdog else {
            return
        }
        _ = try? Self.pgCtl(
            binDirectory, directory, ["stop", "-w", "-t", "30", "-m", "immediate", "-D", dataDirectory])
        try? FileManager.default.removeItem(atPath: directory)
        Self.stopWatchdog(pid: watchdog.pid, pipe: watchdog.pipe)
        _ = Self.live.withLock { $0.removeValue(forKey: directory) }
    }

    private static func destroyAll() {
        let clusters = live.withLock { Array($0.values) }
        for cluster in clusters {
            cluster.destroy()
        }
    }

    /// Starts a shell that waits for this process to end, then stops the server and deletes the
    /// directory: the clean-up for a test process that crashed or was killed. It blocks reading
    /// a pipe whose only writer is this process (close-on-exec, so no other child holds it): the
    /// kernel closes it when this process ends, however it ends.
    private static func startWatchdog(binDirectory: String, directory: String) -> SpawnedChild? {
        let stop =
            (runningAsRoot ? "runuser -u postgres -- " : "")
            + "\"$1/pg_ctl\" stop -w -t 30 -m immediate -D \"$2/data\""
        let script = """
            read -r _
            \(stop) >/dev/null 2>&1
            rm -rf "$2"
            """
        return try? spawnChild(
            "/bin/sh", ["-c", script, "unioncard-pg-watchdog", binDirectory, directory],
            environment: [:], pipeStdin: true, pipeOutput: false, directory: "/", newSession: true)
    }

    /// Ends a watchdog that has nothing left to do (it sits in `read`, with no child of its own).
    private static func stopWatchdog(pid: pid_t, pipe: Int32) {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        if pipe >= 0 {
            close(pipe)
        }
    }

    private static func initdb(binDirectory: String, dataDirectory: String, directory: String) throws {
        var failure: Error?
        for locale in ["--locale=C.UTF-8", "--no-locale"] {
            do {
                try asServerUser(
                    binDirectory + "/initdb",
                    ["-A", "trust", "--nosync", "-U", "postgres", "-E", "UTF8", locale, "-D", dataDirectory],
                    directory: directory)
                try writeAsServerUser(
                    "include_if_exists = 'unioncard-test.conf'\n", to: dataDirectory + "/postgresql.conf",
                    append: true)
                return
            } catch {
                failure = error
                try? FileManager.default.removeItem(atPath: dataDirectory)
            }
        }
        throw failure ?? TestSupportError.other("initdb failed")
    }

    private static func pgCtl(_ binDirectory: String, _ directory: String, _ arguments: [String]) throws {
        try asServerUser(binDirectory + "/pg_ctl", arguments, directory: directory)
    }

    /// Runs a PostgreSQL server program, through `runuser -u postgres` when we are root.
    private static func asServerUser(_ executable: String, _ arguments: [String], directory: String) throws {
        let (program, fullArguments) =
            runningAsRoot
            ? ("runuser", ["-u", "postgres", "--", executable] + arguments)
            : (executable, arguments)
        let output = try runProcess(
            program, fullArguments, environment: ["LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"],
            timeoutSeconds: 120,
            directory: directory)
        guard output.status == 0 else {
            throw TestSupportError.commandFailed(
                executable: URL(fileURLWithPath: executable).lastPathComponent, status: output.status,
                stderr: output.stderr + output.stdout)
        }
    }

    /// Writes a file in the data directory; as root it is then handed to `postgres`.
    private static func writeAsServerUser(_ text: String, to path: String, append: Bool = false) throws {
        if append, let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        try giveToServerUser(path)
    }

    /// Makes `path` owned by the `postgres` user when we are root (no-op otherwise).
    private static func giveToServerUser(_ path: String) throws {
        guard runningAsRoot else {
            return
        }
        guard let user = getpwnam("postgres") else {
            throw TestSupportError.other("running as root, but there is no postgres user")
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw TestSupportError.other("chown \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A fresh directory under /tmp with a `socket/` subdirectory, owned by the server user.
    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/unioncard-pg.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw TestSupportError.other("mkdtemp: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: created)
        guard mkdir(directory + "/socket", 0o700) == 0 else {
            throw TestSupportError.other("mkdir: \(String(cString: strerror(errno)))")
        }
        try giveToServerUser(directory)
        try giveToServerUser(directory + "/socket")
        return directory
    }

    private static func findBinDirectory() throws -> String {
        let manager = FileManager.default
        if let directory = ProcessInfo.processInfo.environment["PG_BINDIR"], !directory.isEmpty {
            return directory
        }
        if manager.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/pg_ctl") {
            return "/usr/lib/postgresql/15/bin"
        }
        if let output = try? runProcess("pg_config", ["--bindir"]), output.status == 0 {
            let directory = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if manager.isExecutableFile(atPath: directory + "/pg_ctl") {
                return directory
            }
        }
        throw TestSupportError.other(
            "PostgreSQL server binaries not found: set PG_BINDIR or install postgresql-15")
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw TestSupportError.other("socket: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            throw TestSupportError.other("bind: \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
