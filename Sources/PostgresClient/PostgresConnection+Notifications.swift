import CLibPQ
import Glibc

/// An asynchronous notification (`NOTIFY channel, 'payload'`) received on a listening session.
public struct PostgresNotification: Sendable, Equatable {
    /// The channel name.
    public var channel: String
    /// The payload text (may be empty).
    public var payload: String
}

extension PostgresConnection {
    /// Waits up to `timeoutSeconds` for notifications on channels this session `LISTEN`s to and
    /// returns those that arrived (empty after a timeout).
    ///
    /// Blocks the calling thread in `poll(2)` on the connection's socket; call it from a thread of
    /// its own, never from the Swift concurrency pool.
    /// - Throws: `PostgresError(.connectionLost)` when the session ended.
    public func waitForNotifications(timeoutSeconds: Double) throws -> [PostgresNotification] {
        let handle = try liveHandle("wait for notifications")
        var received = drainNotifications(handle)
        if !received.isEmpty { return received }
        let socket = PQsocket(handle)
        guard socket >= 0 else {
            throw PostgresError.fromLibPQ(
                connection: handle, result: nil, context: "wait for notifications", code: .connectionLost)
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeoutSeconds) * 1000))
        if ready < 0, errno != EINTR {
            throw PostgresError(
                .connectionLost, context: "wait for notifications", serverMessage: "poll failed")
        }
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError.fromLibPQ(
                    connection: handle, result: nil, context: "wait for notifications", code: .connectionLost)
            }
            received = drainNotifications(handle)
        }
        return received
    }

    private func drainNotifications(_ handle: OpaquePointer) -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notification = PQnotifies(handle) {
            defer { PQfreemem(notification) }
            received.append(
                PostgresNotification(
                    channel: String(cString: notification.pointee.relname),
                    payload: notification.pointee.extra.map { String(cString: $0) } ?? ""))
        }
        return received
    }
}
