import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child started by `spawnChild`: its pid and the parent's ends of its pipes (-1 when none).
struct SpawnedChild {
    var pid: pid_t
    var stdin: Int32
    var stdout: Int32
    var stderr: Int32
}

/// Why a helper in this library failed.
public enum TestSupportError: Error, CustomStringConvertible {
    /// The executable could not be started.
    case spawnFailed(executable: String, errno: Int32)
    /// The process did not finish within its time limit (it was killed).
    case timedOut(executable: String, seconds: Double, stderr: String)
    /// The process finished with a non-zero status.
    case commandFailed(executable: String, status: Int32, stderr: String)
    /// Something else, described.
    case other(String)

    /// A one-line description, including the child's stderr.
    public var description: String {
        switch self {
        case .spawnFailed(let executable, let code):
            return "could not start \(executable): \(String(cString: strerror(code)))"
        case .timedOut(let executable, let seconds, let stderr):
            return "\(executable) did not finish within \(seconds) s; stderr: \(stderr)"
        case .commandFailed(let executable, let status, let stderr):
            return "\(executable) exited with status \(status); stderr: \(stderr)"
        case .other(let text):
            return text
        }
    }
}

/// Whether this process runs as root (PostgreSQL then has to run as the `postgres` user).
var runningAsRoot: Bool { geteuid() == 0 }

private let ignoreSIGPIPE: Void = {
    // Writing to a child that already exited must give EPIPE, not kill the test process.
    _ = signal(SIGPIPE, SIG_IGN)
}()

/// Starts `executable` (looked up in PATH when it has no `/`) with pipes for the requested
/// streams; the others are connected to /dev/null. All pipe ends are close-on-exec in the parent,
/// so children started concurrently by other threads do not inherit them.
func spawnChild(
    _ executable: String, _ arguments: [String], environment: [String: String],
    pipeStdin: Bool, pipeOutput: Bool, directory: String? = nil, newSession: Bool = false
) throws -> SpawnedChild {
    _ = ignoreSIGPIPE
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }

    var parentEnds: [Int32] = []
    var childEnds: [Int32] = []
    defer {
        for fd in childEnds {
            close(fd)
        }
    }
    func makePipe(childReads: Bool) throws -> (parent: Int32, child: Int32) {
        var fds: [Int32] = [-1, -1]
        guard closeOnExecPipe(&fds) else {
            throw TestSupportError.spawnFailed(executable: executable, errno: errno)
        }
        let (parent, child) = childReads ? (fds[1], fds[0]) : (fds[0], fds[1])
        _ = fcntl(parent, F_SETFL, fcntl(parent, F_GETFL) | O_NONBLOCK)
        parentEnds.append(parent)
        childEnds.append(child)
        return (parent, child)
    }

    var child = SpawnedChild(pid: 0, stdin: -1, stdout: -1, stderr: -1)
    do {
        if pipeStdin {
            let ends = try makePipe(childReads: true)
            child.stdin = ends.parent
            posix_spawn_file_actions_adddup2(&actions, ends.child, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if pipeOutput {
            let out = try makePipe(childReads: false)
            let err = try makePipe(childReads: false)
            child.stdout = out.parent
            child.stderr = err.parent
            posix_spawn_file_actions_adddup2(&actions, out.child, 1)
            posix_spawn_file_actions_adddup2(&actions, err.child, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
    } catch {
        for fd in parentEnds {
            close(fd)
        }
        throw error
    }
    if let directory {
        guard addChdir(&actions, directory) else {
            throw TestSupportError.other("posix_spawn_file_actions_addchdir_np is not available")
        }
    }

    // Children start with no blocked signals and default handlers, whatever this process uses.
    var emptySet = sigset_t()
    sigemptyset(&emptySet)
    posix_spawnattr_setsigmask(&attributes, &emptySet)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
        sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    if newSession {
        flags |= spawnSetSID
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    var merged = ProcessInfo.processInfo.environment
    merged.merge(environment) { _, new in new }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in argv + envp {
            free(pointer)
        }
    }
    var pid: pid_t = 0
    let status =
        executable.contains("/")
        ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
    guard status == 0 else {
        for fd in parentEnds {
            close(fd)
        }
        throw TestSupportError.spawnFailed(executable: executable, errno: status)
    }
    child.pid = pid
    return child
}

/// `POSIX_SPAWN_SETSID` (glibc hides it behind _GNU_SOURCE, which Swift's Glibc module lacks).
#if os(Linux)
    private let spawnSetSID: Int32 = 0x80
#else
    private let spawnSetSID = Int32(POSIX_SPAWN_SETSID)
#endif

/// `posix_spawn_file_actions_addchdir_np`, looked up at run time for the same reason.
private func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) -> Bool {
    typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else {
        return false
    }
    let function = unsafeBitCast(symbol, to: AddChdir.self)
    return function(&actions, directory) == 0
}

/// `pipe2(fds, O_CLOEXEC)` (hidden behind _GNU_SOURCE too): both ends close-on-exec from the
/// start, so a child another thread spawns at the same moment cannot inherit them.
private func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    if let symbol = dlsym(dlopen(nil, RTLD_NOW), "pipe2") {
        let pipe2 = unsafeBitCast(symbol, to: Pipe2.self)
        return fds.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { pipe2($0, O_CLOEXEC) == 0 } ?? false
        }
    }
    guard pipe(&fds) == 0 else {
        return false
    }
    for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return true
}

/// Converts a `waitpid` status to an exit code; 128 + signal number for a killed process.
func exitCode(fromWaitStatus status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
