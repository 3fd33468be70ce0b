import PostgresClient
import UnionCardCore

/// Reads the audit chain for `unioncardctl audit verify` and `audit export`: chain rows joined with
/// their events, in sequence order, a chunk at a time through a cursor, all in one
/// REPEATABLE READ snapshot (so a walk of a million rows sees one consistent chain while the
/// sealer keeps appending, and never holds more than a chunk in memory).
///
/// Runs as the schema owner (the daemon's role can read the chain too, but the ctl is the tool).
public struct AuditChainReader: Sendable {
    /// One chain row: its position and stored hash, and its event (nil when the event is gone).
    public struct Entry: Sendable {
        /// The sequence number.
        public var seq: Int64
        /// The hash stored in `audit_chain` (as stored; not checked here).
        public var storedHash: [UInt8]
        /// The event's hashed fields, nil when `audit_events` no longer has the row.
        public var row: AuditChainRow?
        /// The partner's code (informational; not covered by the hash).
        public var partnerCode: String?
    }

    /// A snapshot's view of where the chain stands.
    public struct Summary: Sendable, Equatable {
        /// The last chain row (seq 0 when empty).
        public var headSeq: Int64
        /// Its event id (0 when empty).
        public var headEventID: Int64
        /// Events newer than the head, not sealed yet.
        public var pending: Int64
        /// The smallest event id below the head that is not in the chain, if any: inserted behind
        /// the chain's back.
        public var insertedEventID: Int64?
        /// For `insertedEventID`: the first chain row after it (where it would have been sealed).
        public var insertedBeforeSeq: Int64?
    }

    /// Rows fetched per round trip.
    public let chunkSize: Int

    /// Creates a reader.
    public init(chunkSize: Int = 10_000) {
        self.chunkSize = max(1, chunkSize)
    }

    /// Runs `body` in a read-only REPEATABLE READ transaction: every read inside sees one snapshot.
    public func inSnapshot<T>(on connection: PostgresConnection, _ body: (PostgresConnection) throws -> T)
        throws
        -> T
    {
        try connection.transaction { connection in
            try connection.simpleQuery("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try body(connection)
        }
    }

    /// Where the chain stands (call inside `inSnapshot`).
    public func summary(on connection: PostgresConnection) throws -> Summary {
        let head = try connection.query(
            "SELECT seq, event_id FROM audit_chain ORDER BY seq DESC LIMIT 1"
        ).rows.first
        let headSeq = try head?.decode(Int64.self, at: 0) ?? 0
        let headEventID = try head?.decode(Int64.self, at: 1) ?? 0
        let pending = try connection.query(
            "SELECT count(*) FROM audit_events WHERE id > $1", [String(headEventID)]
        ).rows[0].decode(Int64.self, at: 0)
        let inserted = try connection.query(
            """
            SELECT e.id, (SELECT min(c2.seq) FROM audit_chain c2 WHERE c2.event_id > e.id)
            FROM audit_events e
            WHERE e.id < $1 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
            ORDER BY e.id LIMIT 1
            """, [String(headEventID)]
        ).rows.first
        return Summary(
            headSeq: headSeq, headEventID: headEventID, pending: pending,
            insertedEventID: try inserted?.decodeIfPresent(Int64.self, at: 0),
            insertedBeforeSeq: try inserted?.decodeIfPresent(Int64.self, at: 1))
    }

    /// The stored hash of `seq`, or nil (call inside `inSnapshot`).
    public func storedHash(seq: Int64, on connection: PostgresConnection) throws -> [UInt8]? {
        guard
            let row = try connection.query("SELECT hash FROM audit_chain WHERE seq = $1", [String(seq)]).rows
                .first
        else { return nil }
        return try ByteaText.decode(row.decode(String.self, at: 0))
    }

    /// The first and last seq of the chain rows whose events lie in [from, to) (either bound
    /// optional), or nil when none does (call inside `inSnapshot`). Rows between them whose time
    /// is outside the range are part of the stretch too: an export is a contiguous piece of chain.
    public func seqRange(from: UTCTimestamp?, to: UTCTimestamp?, on connection: PostgresConnection) throws
        -> ClosedRange<Int64>?
    {
        let row = try connection.query(
            """
            SELECT min(c.seq), max(c.seq) FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
            WHERE ($1::timestamptz IS NULL OR e.at >= $1) AND ($2::timestamptz IS NULL OR e.at < $2)
            """, [from?.rfc3339, to?.rfc3339]
        ).rows[0]
        guard let first = try row.decodeIfPresent(Int64.self, at: 0),
            let last = try row.decodeIfPresent(Int64.self, at: 1)
        else { return nil }
        return first...last
    }

    /// Calls `body` for each chain row with `seqs.lowerBound <= seq <= seqs.upperBound`, in order,
    /// until it returns false (call inside `inSnapshot`).
    public func walk(
        seqs: ClosedRange<Int64> = 1...Int64.max, on connection: PostgresConnection,
        _ body: (Entry) throws -> Bool
    ) throws {
        _ = try connection.query(
            """
            DECLARE audit_chain_walk NO SCROLL CURSOR FOR
            SELECT c.seq, c.hash, p.code, \(AuditEventColumns.selectList())
            FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
                LEFT JOIN partners p ON p.id = e.partner_id
            WHERE c.seq BETWEEN $1 AND $2
            ORDER BY c.seq
            """, [String(seqs.lowerBound), String(seqs.upperBound)])
        defer { _ = try? connection.query("CLOSE audit_chain_walk") }
        // The chunk size is our own integer, not input; FETCH takes no parameters.
        let fetch = "FETCH \(chunkSize) FROM audit_chain_walk"
        while true {
            let rows = try connection.query(fetch).rows
            for row in rows {
                let seq = try row.decode(Int64.self, at: 0)
                let entry = Entry(
                    seq: seq, storedHash: try ByteaText.decode(row.decode(String.self, at: 1)),
                    row: try AuditEventColumns.decode(row, at: 3, seq: seq),
                    partnerCode: try row.decodeIfPresent(String.self, at: 2))
                guard try body(entry) else { return }
            }
            if rows.count < chunkSize { return }
        }
    }
}
