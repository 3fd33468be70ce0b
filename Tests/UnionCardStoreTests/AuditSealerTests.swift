import Foundation
import PostgresClient
import Testing
import UnionCardCore
import UnionCardStore

/// A migrated database with a registry, a merchant key and helpers to write and seal events.
struct AuditFixture {
    let store: StoreFixture
    let keyID: Int64
    let partnerID: Int64

    init() throws {
        store = try StoreFixture()
        try store.loadSampleRegistry()
        keyID = try KeyStore().issue(owner: .partner("COOP"), label: "till", on: store.connection).id
        partnerID = try store.connection.query("SELECT id FROM partners WHERE code = 'COOP'").rows[0]
            .decode(Int64.self, at: 0)
    }

    /// Inserts `count` denied lookups in one statement (as the daemon's batches do); returns their ids.
    @discardableResult
    func insertEvents(_ count: Int, on connection: PostgresConnection? = nil) throws -> [Int64] {
        try (connection ?? store.connection).query(
            """
            INSERT INTO audit_events (verification_id, key_id, partner_id, code_given, code_type, outcome,
                reason, amount_vnd, response)
            SELECT gen_random_uuid(), $1, $2, 'VP' || g, 'vpoint', 'denied', 'unknown_code', g * 1000, '{"g":' || g || '}'
            FROM generate_series(1, $3::int) g
            RETURNING id
            """, [String(keyID), String(partnerID), String(count)]
        ).rows.map { try $0.decode(Int64.self, at: 0) }
    }

    /// A second connection to the same database, as `user`.
    func connect(user: String = "postgres") throws -> PostgresConnection {
        try PostgresConnection(conninfo: store.cluster.conninfo(database: store.database, user: user))
    }

    /// Walks the whole chain; the first problem, or nil, and the walker.
    func verify() throws -> (problem: AuditChainProblem?, walker: AuditChainWalker) {
        let reader = AuditChainReader(chunkSize: 7)
        return try reader.inSnapshot(on: store.connection) { connection in
            var walker = AuditChainWalker()
            var problem: AuditChainProblem?
            try reader.walk(on: connection) { entry in
                problem = walker.check(seq: entry.seq, storedHash: entry.storedHash, row: entry.row)
                return problem == nil
            }
            return (problem ?? walker.finish(), walker)
        }
    }
}

@Suite("Audit chain: sealing in the database")
struct AuditSealerTests {
    @Test(
        "the daemon's role may read and append chain rows, never change them; nobody changes them by mistake")
    func privileges() throws {
        let fixture = try AuditFixture()
        func can(_ privilege: String) throws -> Bool {
            try fixture.store.connection.query(
                "SELECT has_table_privilege('unioncard_app', 'audit_chain', $1)", [privilege]
            ).rows[0].decode(Bool.self, at: 0)
        }
        #expect(try can("SELECT"))
        #expect(try can("INSERT"))
        #expect(try !can("UPDATE"))
        #expect(try !can("DELETE"))
        #expect(try !can("TRUNCATE"))
        try fixture.insertEvents(2)
        _ = try AuditSealer().sealPending(on: fixture.store.connection)
        // Even the owner is stopped by the append-only trigger.
        #expect(throws: PostgresError.self) {
            try fixture.store.connection.simpleQuery("UPDATE audit_chain SET seq = seq + 10")
        }
        #expect(throws: PostgresError.self) {
            try fixture.store.connection.simpleQuery("DELETE FROM audit_chain")
        }
        #expect(throws: PostgresError.self) {
            try fixture.store.connection.simpleQuery("TRUNCATE audit_chain")
        }
        #expect(try fixture.store.count("SELECT count(*) FROM audit_chain") == 2)
    }

    @Test("sealing chains every event in id order, in chunks, and a second run has nothing to do")
    func sealsInOrder() throws {
        let fixture = try AuditFixture()
        let ids = try fixture.insertEvents(23)
        let app = try fixture.connect(user: "unioncard_app")
        var progress: [Int] = []
        let outcome = try AuditSealer(chunkSize: 10).sealPending(on: app) { progress.append($0) }
        #expect(outcome.sealed == 23)
        #expect(outcome.barrierTaken)
        #expect(progress == [10, 20, 23])
        #expect(outcome.head.seq == 23)
        let chained = try fixture.store.connection.query("SELECT event_id FROM audit_chain ORDER BY seq").rows
            .map {
                try $0.decode(Int64.self, at: 0)
            }
        #expect(chained == ids)
        let (problem, walker) = try fixture.verify()
        #expect(problem == nil)
        #expect(walker.head == outcome.head)
        #expect(try AuditSealer().sealPending(on: app).sealed == 0)
        try fixture.insertEvents(2)
        let more = try AuditSealer().sealPending(on: app)
        #expect(more.sealed == 2)
        #expect(more.head.seq == 25)
        #expect(try fixture.verify().problem == nil)
    }

    @Test("an event still being inserted holds the sealer back, so a later id never overtakes it")
    func barrier() throws {
        let fixture = try AuditFixture()
        try fixture.insertEvents(1)
        let slow = try fixture.connect(user: "unioncard_app")
        let sealerConnection = try fixture.connect(user: "unioncard_app")
        let sealer = AuditSealer(barrierTimeoutMilliseconds: 200)
        try slow.simpleQuery("BEGIN")
        let early = try fixture.insertEvents(1, on: slow)[0]  // drawn first, committed last
        let late = try fixture.insertEvents(1)[0]
        #expect(late > early)
        let blocked = try sealer.sealPending(on: sealerConnection)
        #expect(!blocked.barrierTaken)
        #expect(blocked.sealed == 0)
        try slow.simpleQuery("COMMIT")
        let sealed = try sealer.sealPending(on: sealerConnection)
        #expect(sealed.barrierTaken)
        #expect(sealed.sealed == 3)
        let chained = try fixture.store.connection.query("SELECT event_id FROM audit_chain ORDER BY seq").rows
            .map {
                try $0.decode(Int64.self, at: 0)
            }
        #expect(chained.suffix(2) == [early, late])
        #expect(try fixture.verify().problem == nil)
    }

    @Test("one sealer per database: the session lock is exclusive and freed with its connection")
    func singleSealer() throws {
        let fixture = try AuditFixture()
        let first = try fixture.connect(user: "unioncard_app")
        let second = try fixture.connect(user: "unioncard_app")
        let sealer = AuditSealer()
        #expect(try sealer.becomeSealer(on: first))
        #expect(try !sealer.becomeSealer(on: second))
        first.close()
        // The server ends the closed session (and frees its locks) a moment after the client left.
        var taken = false
        for _ in 0..<100 where !taken {
            taken = try sealer.becomeSealer(on: second)
            if !taken { usleep(50_000) }
        }
        #expect(taken)
        try sealer.resign(on: second)
        #expect(try sealer.becomeSealer(on: fixture.store.connection))
    }

    @Test("an event inserted behind the head is left unsealed and reported")
    func insertedBehindHead() throws {
        let fixture = try AuditFixture()
        let ids = try fixture.insertEvents(3)
        _ = try AuditSealer().sealPending(on: fixture.store.connection)
        // A forged row with an old id, inserted by the owner after sealing.
        try fixture.store.connection.simpleQuery(
            """
            INSERT INTO audit_events (id, verification_id, key_id, partner_id, code_given, code_type, outcome, reason,
                response)
            SELECT \(ids[0]) - 1000, gen_random_uuid(), key_id, partner_id, 'FORGED1', 'vpoint', 'denied',
                'unknown_code', '{}'
            FROM audit_events LIMIT 1
            """)
        let sealer = AuditSealer()
        #expect(try sealer.sealPending(on: fixture.store.connection).sealed == 0)
        #expect(try sealer.unsealedBehindHead(on: fixture.store.connection) == 1)
        let reader = AuditChainReader()
        let summary = try reader.inSnapshot(on: fixture.store.connection) { try reader.summary(on: $0) }
        #expect(summary.insertedEventID == ids[0] - 1000)
        #expect(summary.insertedBeforeSeq == 1)
        #expect(summary.headSeq == 3)
        #expect(summary.pending == 0)
    }

    @Test("the reader finds the seq range of a time window and the stored hash before it")
    func seqRange() throws {
        let fixture = try AuditFixture()
        try fixture.insertEvents(4)
        try fixture.store.connection.simpleQuery(
            "UPDATE audit_events SET at = timestamptz '2026-01-01T00:00:00Z' + (id - (SELECT min(id) FROM audit_events)) * interval '1 day'"
        )
        _ = try AuditSealer().sealPending(on: fixture.store.connection)
        let reader = AuditChainReader()
        try reader.inSnapshot(on: fixture.store.connection) { connection in
            let range = try reader.seqRange(
                from: UTCTimestamp(rfc3339: "2026-01-02T00:00:00Z"),
                to: UTCTimestamp(rfc3339: "2026-01-04T00:00:00Z"),
                on: connection)
            #expect(range == 2...3)
            #expect(
                try reader.seqRange(
                    from: UTCTimestamp(rfc3339: "2027-01-01T00:00:00Z"), to: nil, on: connection) == nil)
            #expect(try reader.storedHash(seq: 1, on: connection)?.count == 32)
            #expect(try reader.storedHash(seq: 9, on: connection) == nil)
            var seen: [Int64] = []
            try reader.walk(seqs: 2...3, on: connection) { entry in
                seen.append(entry.seq)
                #expect(entry.partnerCode == "COOP")
                return true
            }
            #expect(seen == [2, 3])
        }
    }
}
