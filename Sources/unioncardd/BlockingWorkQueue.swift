import Foundation
import Synchronization

/// A few plain threads for request work that blocks on the database for long (event pages,
/// summaries, readiness): it runs there instead of on an HTTP thread, whose other connections
/// would wait meanwhile. libpq blocks, so never the Swift concurrency pool.
final class BlockingWorkQueue: Sendable {
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Starts `threads` threads named `name-<n>`.
    init(threads: Int, name: String) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `job` on one of the threads, in submission order as threads become free.
    func run(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    /// Jobs not started yet.
    var queued: Int { jobs.withLock { $0.count } }

    private func work() {
        while true {
            available.wait()
            let job = jobs.withLock { jobs in jobs.isEmpty ? nil : jobs.removeFirst() }
            job?()
        }
    }
}
