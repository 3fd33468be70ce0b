import Testing
import UnionCardCore

/// A chain of `count` rows with correct hashes, event ids 10, 20, 30, …
func sampleChain(_ count: Int) -> [(seq: Int64, hash: [UInt8], row: AuditChainRow)] {
    var previous = AuditChainEncoding.genesisHash
    return (1...count).map { index in
        var row = ChainSamples.approved
        row.seq = Int64(index)
        row.eventID = Int64(index * 10)
        row.discountVND = Int64(index)
        let hash = AuditChainEncoding.hash(previous: previous, row: row)
        previous = hash
        return (Int64(index), hash, row)
    }
}

/// Walks `entries` and returns the first problem (including `finish()`'s).
func walk(
    _ entries: [(seq: Int64, hash: [UInt8], row: AuditChainRow?)], expectedHead: AuditChainHead? = nil
) -> (problem: AuditChainProblem?, walker: AuditChainWalker) {
    var walker = AuditChainWalker(expectedHead: expectedHead)
    for entry in entries {
        if let problem = walker.check(seq: entry.seq, storedHash: entry.hash, row: entry.row) {
            return (problem, walker)
        }
    }
    return (walker.finish(), walker)
}

@Suite("Audit chain: walking and naming the first bad row")
struct AuditChainWalkerTests {
    @Test("an intact chain walks to its head")
    func intact() {
        let chain = sampleChain(5)
        let (problem, walker) = walk(chain.map { ($0.seq, $0.hash, $0.row) })
        #expect(problem == nil)
        #expect(walker.count == 5)
        #expect(walker.head == AuditChainHead(seq: 5, hash: chain[4].hash))
        #expect(walker.headEventID == 50)
    }

    @Test("an empty chain is fine and its head is seq 0")
    func empty() {
        let (problem, walker) = walk([])
        #expect(problem == nil)
        #expect(walker.head.seq == 0)
    }

    @Test("a changed field is a hash mismatch at that seq")
    func changed() {
        var entries = sampleChain(5).map { ($0.seq, $0.hash, Optional($0.row)) }
        entries[2].2?.discountVND = 999
        let problem = walk(entries).problem
        #expect(problem?.seq == 3)
        #expect(problem?.kind == .hashMismatch)
    }

    @Test("a deleted chain row is a missing seq; a deleted event is a missing event")
    func deleted() {
        var entries = sampleChain(5).map { ($0.seq, $0.hash, Optional($0.row)) }
        entries.remove(at: 1)
        #expect(
            walk(entries).problem
                == AuditChainProblem(seq: 2, kind: .missingRow, detail: walk(entries).problem?.detail ?? ""))
        var orphan = sampleChain(5).map { ($0.seq, $0.hash, Optional($0.row)) }
        orphan[3].2 = nil
        #expect(walk(orphan).problem?.seq == 4)
        #expect(walk(orphan).problem?.kind == .missingEvent)
    }

    @Test("swapped contents fail at the first of the two rows")
    func swapped() {
        var entries = sampleChain(5).map { ($0.seq, $0.hash, Optional($0.row)) }
        let second = entries[1].2
        entries[1].2 = entries[3].2
        entries[3].2 = second
        entries[1].2?.seq = 2
        entries[3].2?.seq = 4
        let problem = walk(entries).problem
        #expect(problem?.seq == 2)
    }

    @Test("event ids must increase along the chain")
    func reordered() {
        var entries = sampleChain(3).map { ($0.seq, $0.hash, Optional($0.row)) }
        entries[2].2?.eventID = 15
        #expect(walk(entries).problem?.kind == .outOfOrder)
        #expect(walk(entries).problem?.seq == 3)
    }

    @Test("a published head must be a prefix: same hash at its seq, and not beyond the end")
    func expectedHead() throws {
        let chain = sampleChain(4)
        let entries = chain.map { ($0.seq, $0.hash, Optional($0.row)) }
        #expect(walk(entries, expectedHead: AuditChainHead(seq: 2, hash: chain[1].hash)).problem == nil)
        let wrong = walk(entries, expectedHead: AuditChainHead(seq: 2, hash: chain[2].hash)).problem
        #expect(wrong?.kind == .headMismatch)
        #expect(wrong?.seq == 2)
        let beyond = walk(entries, expectedHead: AuditChainHead(seq: 9, hash: chain[2].hash)).problem
        #expect(beyond?.kind == .headMissing)
        #expect(beyond?.seq == 5)
    }

    @Test("a rewritten chain (every hash recomputed) no longer matches the published head")
    func rewrittenChain() {
        let original = sampleChain(4)
        var previous = AuditChainEncoding.genesisHash
        let rewritten: [(seq: Int64, hash: [UInt8], row: AuditChainRow?)] = original.map { entry in
            var row = entry.row
            if row.seq == 2 { row.discountVND = 0 }
            let hash = AuditChainEncoding.hash(previous: previous, row: row)
            previous = hash
            return (entry.seq, hash, row)
        }
        #expect(walk(rewritten).problem == nil)
        let published = AuditChainHead(seq: 3, hash: original[2].hash)
        #expect(walk(rewritten, expectedHead: published).problem?.seq == 3)
    }
}
