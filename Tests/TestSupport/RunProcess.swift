import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished child process printed, and how it ended.
public struct ProcessOutput: Sendable {
    /// The exit status; 128 + the signal number when a signal ended it.
    public var status: Int32
    /// Everything it wrote to stdout (UTF-8, invalid bytes repaired).
    public var stdout: String
    /// Everything it wrote to stderr (UTF-8, invalid bytes repaired).
    public var stderr: String
}

/// Runs a child process to completion with a time limit and captures its stdout and stderr.
///
/// - Parameters:
///   - executable: a path, or a name looked up in `PATH`.
///   - environment: variables added to (or replacing those of) this process's environment.
///   - stdin: bytes fed to its standard input (then closed); /dev/null when nil.
///   - timeoutSeconds: the child is killed (SIGKILL) after this long and `.timedOut` thrown.
/// - Returns: the output whatever the exit status; check `status`.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    stdin: [UInt8]? = nil, timeoutSeconds: Double = 120
) throws -> ProcessOutput {
    try runProcess(
        executable, arguments, environment: environment, stdin: stdin, timeoutSeconds: timeoutSeconds,
        directory: nil)
}

/// `runProcess` with a working directory for the child.
func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    stdin: [UInt8]? = nil, timeoutSeconds: Double = 120, directory: String?
) throws -> ProcessOutput {
    let child = try spawnChild(
        executable, arguments, environment: environment, pipeStdin: stdin != nil, pipeOutput: true,
        directory: directory)
    let deadline = monotonicSeconds() + timeoutSeconds
    let input = stdin ?? []
    var inputOffset = 0
    var inputFD = child.stdin
    var outputFDs = [child.stdout, child.stderr]
    var captured: [[UInt8]] = [[], []]
    var waitStatus: Int32?
    var exitedAt: Double?
    defer {
        for fd in [inputFD] + outputFDs where fd >= 0 {
            close(fd)
        }
    }

    while true {
        let now = monotonicSeconds()
        if waitStatus == nil {
            var status: Int32 = 0
            if waitpid(child.pid, &status, WNOHANG) == child.pid {
                waitStatus = status
                exitedAt = now
            }
        }
        let outputOpen = outputFDs.contains { $0 >= 0 }
        // Done when the child has exited and its output is drained, or when a grandchild keeps
        // the pipes open for more than a second after the child exited.
        if let exitedAt, !outputOpen || now - exitedAt > 1 {
            break
        }
        if now > deadline {
            kill(child.pid, SIGKILL)
            var status: Int32 = 0
            if waitStatus == nil {
                _ = waitpid(child.pid, &status, 0)
            }
            throw TestSupportError.timedOut(
                executable: executable, seconds: timeoutSeconds,
                stderr: String(decoding: captured[1], as: UTF8.self))
        }

        var polls: [pollfd] = []
        for fd in outputFDs where fd >= 0 {
            polls.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        if inputFD >= 0 {
            polls.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0))
        }
        if polls.isEmpty {
            // Only waiting for the exit now.
            usleep(5_000)
            continue
        }
        _ = poll(&polls, nfds_t(polls.count), 50)
        for (index, fd) in outputFDs.enumerated() where fd >= 0 {
            if readAvailable(fd, into: &captured[index]) {
                close(fd)
                outputFDs[index] = -1
            }
        }
        if inputFD >= 0 {
            if inputOffset == input.count {
                close(inputFD)
                inputFD = -1
            } else {
                let written = input.withUnsafeBytes { bytes in
                    write(inputFD, bytes.baseAddress.map { $0 + inputOffset }, bytes.count - inputOffset)
                }
                if written > 0 {
                    inputOffset += written
                } else if written < 0 && errno != EAGAIN && errno != EINTR {
                    // EPIPE: the child stopped reading; it keeps the rest.
                    close(inputFD)
                    inputFD = -1
                }
            }
        }
    }
    return ProcessOutput(
        status: exitCode(fromWaitStatus: waitStatus ?? 0),
        stdout: String(decoding: captured[0], as: UTF8.self),
        stderr: String(decoding: captured[1], as: UTF8.self))
}

/// Reads what is available on a non-blocking fd into `buffer`; true at end of file (or error).
func readAvailable(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
        } else if count == 0 {
            return true
        } else {
            return errno != EAGAIN && errno != EINTR
        }
    }
}
