import Foundation
import Synchronization

/// A few plain threads for request work that blocks on the database for long (event pages and
/// summaries): it runs there instead of on an HTTP thread, whose other connections would wait
/// meanwhile. libpq blocks, so never the Swift concurrency pool.
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

    private func work() {
        while true {
            available.wait()
            // Swapped out and rebuilt rather than edited in place under the Mutex (see
            // `LookupBatcher.work` for the leak that in-place editing caused).
            let job = jobs.withLock { jobs -> (@Sendable () -> Void)? in
                var all: [@Sendable () -> Void] = []
                swap(&all, &jobs)
                guard let first = all.first else { return nil }
                jobs = Array(all.dropFirst())
                return first
            }
            job?()
        }
    }
}
