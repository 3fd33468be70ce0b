import PostgresClient
import UnionCardCore

/// Extends the audit hash chain over the events committed since the last seal.
///
/// Exactly one sealer works per database: `becomeSealer` takes a session-level advisory lock that
/// the caller keeps (on a dedicated connection) while it seals. Events are sealed in id order, up
/// to a horizon read behind the sealing barrier (`sql/004_audit_chain.sql`): every id up to it
/// belongs to a finished transaction, so no event that commits later can fall behind the chain
/// head. An event that nevertheless appears below the head was inserted behind the chain's back
/// (by hand, as a superuser): it is left unsealed, counted, and `audit verify` names it.
///
/// Blocking (libpq): call from a dedicated thread, never from the Swift concurrency pool.
public struct AuditSealer: Sendable {
    /// The sealer's session lock (two-int advisory key space; the barrier is `(7262, 3)`).
    static let sealerLock = "SELECT pg_try_advisory_lock(7262, 4)"
    static let releaseLock = "SELECT pg_advisory_unlock(7262, 4)"

    static let head = PostgresStatement(
        name: "audit_chain_head",
        sql: "SELECT seq, event_id, hash FROM audit_chain ORDER BY seq DESC LIMIT 1")
    static let newestEvent = PostgresStatement(
        name: "audit_newest_event", sql: "SELECT coalesce(max(id), 0) FROM audit_events")
    static let barrier = PostgresStatement(
        name: "audit_seal_barrier", sql: "SELECT pg_advisory_xact_lock(7262, 3)")
    static let unsealed = PostgresStatement(
        name: "audit_unsealed_events",
        sql: "SELECT \(AuditEventColumns.selectList(.computedByDatabase)) FROM audit_events e "
            + "WHERE e.id > $1 AND e.id <= $2 ORDER BY e.id LIMIT $3")
    static let behindHead = PostgresStatement(
        name: "audit_unsealed_behind_head",
        sql: """
            SELECT count(*) FROM audit_events e
            WHERE e.id < $1 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
            """)

    /// What one `sealPending` call did.
    public struct Outcome: Sendable, Equatable {
        /// Events added to the chain.
        public var sealed: Int
        /// The chain's head afterwards (seq 0 when the chain is empty).
        public var head: AuditChainHead
        /// False when the barrier could not be taken within the timeout (inserts were busy);
        /// nothing was sealed and the caller should simply try again.
        public var barrierTaken: Bool
    }

    /// Events per transaction.
    public let chunkSize: Int
    /// How long to wait for the barrier before giving up this round (inserts wait meanwhile).
    public let barrierTimeoutMilliseconds: Int

    /// Creates a sealer.
    public init(chunkSize: Int = 5000, barrierTimeoutMilliseconds: Int = 500) {
        self.chunkSize = max(1, chunkSize)
        self.barrierTimeoutMilliseconds = max(1, barrierTimeoutMilliseconds)
    }

    /// Takes the sealer's session lock on `connection`; false when another session holds it.
    /// The lock lasts until `resign` or until the connection closes.
    public func becomeSealer(on connection: PostgresConnection) throws -> Bool {
        try connection.query(Self.sealerLock).rows.first?.decode(Bool.self, at: 0) ?? false
    }

    /// Releases the session lock taken by `becomeSealer`.
    public func resign(on connection: PostgresConnection) throws {
        _ = try connection.query(Self.releaseLock)
    }

    /// Seals every event committed before the call, a chunk per transaction; `progress` hears the
    /// running total after each chunk. Call only while holding the sealer lock.
    public func sealPending(on connection: PostgresConnection, progress: ((Int) -> Void)? = nil) throws
        -> Outcome
    {
        var head = try readHead(on: connection)
        let newest = try connection.execute(Self.newestEvent).rows[0].decode(Int64.self, at: 0)
        guard newest > head.eventID else {
            return Outcome(sealed: 0, head: head.chainHead, barrierTaken: true)
        }
        guard let horizon = try readHorizon(on: connection) else {
            return Outcome(sealed: 0, head: head.chainHead, barrierTaken: false)
        }
        var sealed = 0
        while true {
            let (count, newHead) = try connection.transaction { connection in
                try sealChunk(after: head, horizon: horizon, on: connection)
            }
            head = newHead
            sealed += count
            if count > 0 { progress?(sealed) }
            if count < chunkSize { break }
        }
        return Outcome(sealed: sealed, head: head.chainHead, barrierTaken: true)
    }

    /// Events below the chain head that are not in the chain: inserted behind its back.
    public func unsealedBehindHead(on connection: PostgresConnection) throws -> Int64 {
        let head = try readHead(on: connection)
        return try connection.execute(Self.behindHead, [String(head.eventID)]).rows[0].decode(
            Int64.self, at: 0)
    }

    /// The chain head with its event id.
    struct Head {
        var seq: Int64
        var eventID: Int64
        var hash: [UInt8]
        var chainHead: AuditChainHead { AuditChainHead(seq: seq, hash: hash) }
    }

    func readHead(on connection: PostgresConnection) throws -> Head {
        guard let row = try connection.execute(Self.head).rows.first else {
            return Head(seq: 0, eventID: 0, hash: AuditChainEncoding.genesisHash)
        }
        return Head(
            seq: try row.decode(Int64.self, at: 0), eventID: try row.decode(Int64.self, at: 1),
            hash: try ByteaText.decode(row.decode(String.self, at: 2)))
    }

    /// The largest event id whose transaction has finished, read behind the barrier; nil when
    /// the barrier was busy for longer than the timeout.
    private func readHorizon(on connection: PostgresConnection) throws -> Int64? {
        do {
            return try connection.transaction { connection in
                // Local to this transaction (is_local = true): the timeout ends with it.
                _ = try connection.query(
                    "SELECT set_config('lock_timeout', $1, true)", [String(barrierTimeoutMilliseconds)])
                _ = try connection.execute(Self.barrier)
                // A new statement, so a new snapshot: taken after every earlier inserter finished.
                return try connection.execute(Self.newestEvent).rows[0].decode(Int64.self, at: 0)
            }
        } catch let error as PostgresError where error.sqlState == "55P03" {
            return nil  // lock_not_available: inserts were busy; try again next round.
        }
    }

    private func sealChunk(after head: Head, horizon: Int64, on connection: PostgresConnection) throws
        -> (Int, Head)
    {
        let rows = try connection.execute(
            Self.unsealed, [String(head.eventID), String(horizon), String(chunkSize)]
        ).rows
        guard !rows.isEmpty else { return (0, head) }
        var copy: [UInt8] = []
        copy.reserveCapacity(rows.count * 90)
        var current = head
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        for row in rows {
            let seq = current.seq + 1
            guard let event = try AuditEventColumns.decode(row, at: 0, seq: seq, digest: .computedByDatabase)
            else {
                throw StoreError(code: .unexpectedData, context: "audit event without id")
            }
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: current.hash)
            AuditChainEncoding.append(event, to: &buffer)
            let hash = SHA256.hash(buffer)
            // COPY text format: the bytea input `\x…` with its backslash escaped.
            copy.append(contentsOf: "\(seq)\t\(event.eventID)\t\\\\x\(SHA256.hex(hash))\n".utf8)
            current = Head(seq: seq, eventID: event.eventID, hash: hash)
        }
        _ = try connection.copyIn("COPY audit_chain (seq, event_id, hash) FROM STDIN") { send in
            try send(copy)
        }
        return (rows.count, current)
    }
}
