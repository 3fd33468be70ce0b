import Foundation

/// The listening socket systemd passes with socket activation (`LISTEN_FDS`/`LISTEN_PID`;
/// the first passed descriptor is 3), per sd_listen_fds(3).
enum SocketActivation {
    /// The first passed socket, or nil when none was passed to this process.
    static func passedSocket(environment: [String: String]) -> Int32? {
        guard let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1,
            environment["LISTEN_PID"] == String(getpid())
        else { return nil }
        let descriptor: Int32 = 3
        // Not inherited by anything we might start.
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }

    /// The address family of a socket (AF_INET or AF_INET6), to tell the server which it is.
    static func family(of descriptor: Int32) -> Int32? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? Int32(storage.ss_family) : nil
    }
}
