import HTTPServer
import PostgresClient
import Synchronization
import UnionCardCore
import UnionCardStore

/// The body of a CSV event export, produced page by page while it is sent: the byte order mark
/// and header with the first page (fetched before the 200 is sent, so a database failure is still
/// a 503), then one keyset page per call, each on a pool connection borrowed for that query only.
/// Memory stays at one page whatever the export's size.
final class EventCSVStream: Sendable {
    private struct State {
        var firstPage: [EventRecord]?
        var after: Int64
        /// Rows still allowed by `limit`; nil for no limit.
        var remaining: Int?
        var done = false
    }

    /// Rows per query.
    static let pageSize = 1000

    private let state: Mutex<State>
    private let filter: EventFilter
    private let scope: EventScope
    private let pool: PostgresPool
    private let log: Log
    private let search = EventSearch()

    /// Fetches the first page (throws `PostgresError` when the database cannot answer).
    init(request: EventPageRequest, scope: EventScope, pool: PostgresPool, log: Log) throws {
        filter = request.filter
        self.scope = scope
        self.pool = pool
        self.log = log
        var state = State(after: request.after, remaining: request.limit)
        let first = try Self.fetch(&state, filter: request.filter, scope: scope, pool: pool, search: search)
        state.firstPage = first
        self.state = Mutex(state)
    }

    /// The stream for the response.
    var body: HTTPBodyStream {
        HTTPBodyStream { [self] in try next() }
    }

    private func next() throws -> [UInt8]? {
        // Calls come one at a time (HTTPBodyStream's contract), so taking the state out, working
        // without the lock and putting it back cannot interleave with another call.
        var current = state.withLock { $0 }
        var bytes: [UInt8] = []
        let rows: [EventRecord]
        if let first = current.firstPage {
            bytes = EventAnswers.csvHead()
            rows = first
            current.firstPage = nil
        } else if current.done {
            return nil
        } else {
            do {
                rows = try Self.fetch(&current, filter: filter, scope: scope, pool: pool, search: search)
            } catch {
                log.write(.warning, "event export aborted", ["error": "\(error)"])
                throw error
            }
        }
        bytes.reserveCapacity(bytes.count + rows.count * 200)
        for row in rows { EventAnswers.appendCSV(row, to: &bytes) }
        let final = current
        state.withLock { $0 = final }
        return bytes
    }

    /// The next page after `state.after`; updates the cursor, the remaining count and `done`.
    private static func fetch(
        _ state: inout State, filter: EventFilter, scope: EventScope, pool: PostgresPool, search: EventSearch
    ) throws -> [EventRecord] {
        let size = min(pageSize, state.remaining ?? pageSize)
        let rows = try pool.withConnection { connection in
            try search.page(filter: filter, scope: scope, after: state.after, limit: size, on: connection)
        }
        if let last = rows.last { state.after = last.id }
        if let remaining = state.remaining { state.remaining = remaining - rows.count }
        state.done = rows.count < size || state.remaining == 0
        return rows
    }
}
