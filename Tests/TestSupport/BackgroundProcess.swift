import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long-running child process (e.g. the daemon in end-to-end tests).
///
/// Its stdout and stderr are collected by a background thread and can be read while it runs;
/// stdin is /dev/null. A process still running when this object goes away is killed.
public final class BackgroundProcess: Sendable {
    /// The child's process id.
    public let pid: Int32
    private let executable: String
    private let output = OutputBox()
    private let exitState = Mutex<Int32?>(nil)

    private struct Output {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var finished = false
    }

    /// Shared with the reader thread, which must not keep the process object alive.
    private final class OutputBox: Sendable {
        let state = Mutex(Output())
    }

    /// Starts `executable` (a path, or a name looked up in `PATH`) with `environment` added to
    /// this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let child = try spawnChild(
            executable, arguments, environment: environment, pipeStdin: false, pipeOutput: true)
        self.pid = child.pid
        self.executable = executable
        let thread = Thread { [output] in
            Self.collect(stdout: child.stdout, stderr: child.stderr, into: output)
        }
        thread.name = "BackgroundProcess \(child.pid)"
        thread.start()
    }

    deinit {
        if exitStatus == nil {
            _ = terminate(signal: SIGKILL, waitSeconds: 5)
        }
    }

    /// Everything the process wrote to stderr so far.
    public var stderrSoFar: String {
        output.state.withLock { String(decoding: $0.stderr, as: UTF8.self) }
    }

    /// Everything the process wrote to stdout so far.
    public var stdoutSoFar: String {
        output.state.withLock { String(decoding: $0.stdout, as: UTF8.self) }
    }

    /// The exit status once the process has ended (128 + signal number when a signal ended it),
    /// nil while it runs. Does not block.
    public var exitStatus: Int32? {
        exitState.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    status = exitCode(fromWaitStatus: raw)
                }
            }
            return status
        }
    }

    /// Waits until a complete stderr line contains `containing` (lines written before the call
    /// count too) and returns the first such line; nil on timeout, or once the process has ended
    /// and its stderr is drained without such a line.
    public func waitForStderr(containing text: String, timeoutSeconds: Double) -> String? {
        let deadline = monotonicSeconds() + timeoutSeconds
        while true {
            let (stderr, finished) = output.state.withLock {
                (String(decoding: $0.stderr, as: UTF8.self), $0.finished)
            }
            var lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
            if !finished {
                lines.removeLast()  // the line being written (split always yields one element)
            }
            if let line = lines.first(where: { $0.contains(text) }) {
                return String(line)
            }
            if finished || monotonicSeconds() > deadline {
                return nil
            }
            usleep(10_000)
        }
    }

    /// Sends `signal` and waits up to `waitSeconds` for the process to end; a process still
    /// running then is killed (SIGKILL) and nil returned.
    /// - Returns: the exit status (128 + signal number when a signal ended it).
    public func terminate(signal: Int32 = SIGTERM, waitSeconds: Double = 10) -> Int32? {
        if let status = exitStatus {
            return status
        }
        kill(pid, signal)
        let deadline = monotonicSeconds() + waitSeconds
        while monotonicSeconds() < deadline {
            if let status = exitStatus {
                return status
            }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        while exitStatus == nil {
            usleep(5_000)
        }
        return nil
    }

    private static func collect(stdout: Int32, stderr: Int32, into output: OutputBox) {
        var fds = [stdout, stderr]
        while fds.contains(where: { $0 >= 0 }) {
            var polls = fds.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&polls, nfds_t(polls.count), 200)
            for index in fds.indices where fds[index] >= 0 {
                var chunk: [UInt8] = []
                let ended = readAvailable(fds[index], into: &chunk)
                if !chunk.isEmpty {
                    output.state.withLock { output in
                        if index == 0 {
                            output.stdout += chunk
                        } else {
                            output.stderr += chunk
                        }
                    }
                }
                if ended {
                    close(fds[index])
                    fds[index] = -1
                }
            }
        }
        output.state.withLock { $0.finished = true }
    }
}
