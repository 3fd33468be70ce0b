import Foundation
import PostgresClient
import UnionCardCore
import UnionCardStore

// `unioncardctl audit verify|export|seal`: the tamper-evident audit chain, for operators and auditors.

let auditUsage = """
    usage: unioncardctl [--database CONNINFO] audit COMMAND
      verify [--expect-head SEQ:HASH]     walk the chain; exit 0 with the count and head, 1 naming the first bad seq
      export [--from WHEN] [--to WHEN] [--format csv|jsonl]
                                          write the sealed rows with their hashes to stdout
      seal                                seal pending events now (a running daemon does this by itself)
    WHEN is a date YYYY-MM-DD (a local day in UNIONCARD_TIMEZONE, default Asia/Ho_Chi_Minh; --to includes
    it) or an RFC 3339 date-time (--to exclusive).
    """

/// Runs `audit …`; `arguments` follow the word `audit`.
func runAudit(_ arguments: [String], conninfo: String) {
    var arguments = arguments
    func fail(_ problem: String) -> Never {
        say("unioncardctl audit: \(problem)\n\(auditUsage)")
        exit(2)
    }
    func option(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name) else { return nil }
        guard index + 1 < arguments.count else { fail("\(name) needs a value") }
        let value = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
        return value
    }
    guard let subcommand = arguments.first else { fail("audit needs verify, export or seal") }
    arguments.removeFirst()
    switch subcommand {
    case "verify":
        let head = option("--expect-head")
        guard arguments.isEmpty else { fail("unexpected \(arguments.joined(separator: " "))") }
        var expected: AuditChainHead?
        if let head {
            guard let parsed = AuditChainHead(parsing: head) else {
                fail("--expect-head must be SEQ:HASH (64 hex digits)")
            }
            expected = parsed
        }
        let connection = connect()
        run { exit(try verifyChain(expecting: expected, on: connection)) }
    case "export":
        let zone = ProcessInfo.processInfo.environment["UNIONCARD_TIMEZONE"] ?? "Asia/Ho_Chi_Minh"
        guard TimeZoneOffsets.isKnown(zone) else {
            fail("UNIONCARD_TIMEZONE \(zone) is not a known time zone")
        }
        var items: [(name: String, value: String)] = []
        for name in ["from", "to"] {
            if let value = option("--" + name) { items.append((name, value)) }
        }
        let formatText = option("--format") ?? "csv"
        guard arguments.isEmpty else { fail("unexpected \(arguments.joined(separator: " "))") }
        guard let format = AuditExportFormat(rawValue: formatText) else {
            fail("--format must be csv or jsonl")
        }
        let offsets = TimeZoneOffsets(timeZone: zone)
        let filter: EventFilter
        switch EventQueryParser.summary(items, utcOffset: offsets.offset(atStartOf:)) {
        case .success(let request): filter = request.filter
        case .failure(let error): fail("--\(error.parameter): \(error.message)")
        }
        let connection = connect()
        run { try exportChain(from: filter.from, to: filter.to, format: format, on: connection) }
    case "seal":
        guard arguments.isEmpty else { fail("unexpected \(arguments.joined(separator: " "))") }
        let connection = connect()
        run { try sealNow(on: connection) }
    default:
        fail("unknown audit command \(subcommand)")
    }
}

/// Walks the whole chain in one snapshot; prints the outcome and returns the exit status.
func verifyChain(expecting expected: AuditChainHead?, on connection: PostgresConnection) throws -> Int32 {
    let reader = AuditChainReader()
    let started = Date()
    let (summary, problem, walker) = try reader.inSnapshot(on: connection) { connection in
        let summary = try reader.summary(on: connection)
        var walker = AuditChainWalker(expectedHead: expected)
        var problem: AuditChainProblem?
        try reader.walk(on: connection) { entry in
            problem = walker.check(seq: entry.seq, storedHash: entry.storedHash, row: entry.row)
            if entry.seq % 250_000 == 0 { say("audit verify: \(entry.seq) rows…") }
            return problem == nil
        }
        return (summary, problem ?? walker.finish(), walker)
    }
    var first = problem
    // An event inserted behind the chain's back shows only as a row missing from the chain.
    if let eventID = summary.insertedEventID {
        let seq = summary.insertedBeforeSeq ?? (summary.headSeq + 1)
        if first.map({ seq < $0.seq }) ?? true {
            first = AuditChainProblem(
                seq: seq, kind: .insertedEvent,
                detail:
                    "audit event \(eventID) is older than the chain head but not in the chain: inserted afterwards"
            )
        }
    }
    if let first {
        say("audit verify: FAILED at \(first)")
        print("bad seq \(first.seq)")
        return 1
    }
    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
    if summary.pending > 0 {
        say("audit verify: \(summary.pending) newer events are not sealed yet")
    }
    say("audit verify: \(walker.count) rows verified in \(seconds) s")
    print("ok \(walker.count) rows; head \(walker.head)")
    return 0
}

/// Writes the contiguous stretch of sealed rows whose events lie in [from, to) to stdout.
func exportChain(
    from: UTCTimestamp?, to: UTCTimestamp?, format: AuditExportFormat, on connection: PostgresConnection
) throws {
    let reader = AuditChainReader()
    let output = FileHandle.standardOutput
    var buffer = format.head
    var count = 0
    let summary = try reader.inSnapshot(on: connection) { connection in
        let summary = try reader.summary(on: connection)
        guard let seqs = try reader.seqRange(from: from, to: to, on: connection) else { return summary }
        var previous =
            seqs.lowerBound == 1
            ? AuditChainEncoding.genesisHash
            : try reader.storedHash(seq: seqs.lowerBound - 1, on: connection)
                ?? AuditChainEncoding.genesisHash
        try reader.walk(seqs: seqs, on: connection) { entry in
            guard let row = entry.row else {
                throw StoreError(
                    code: .unexpectedData,
                    context: "seq \(entry.seq): its audit event is missing (run unioncardctl audit verify)")
            }
            format.append(
                row, previousHash: previous, hash: entry.storedHash, partner: entry.partnerCode, to: &buffer)
            previous = entry.storedHash
            count += 1
            if buffer.count >= 1 << 16 {
                output.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
            return true
        }
        return summary
    }
    output.write(Data(buffer))
    say(
        "audit export: \(count) rows"
            + (summary.pending > 0 ? "; \(summary.pending) newer events not sealed yet" : ""))
}

/// Seals the pending events now, as the daemon's sealer would (waits while another sealer runs).
func sealNow(on connection: PostgresConnection) throws {
    let sealer = AuditSealer(chunkSize: 10_000, barrierTimeoutMilliseconds: 5000)
    var waited = 0
    while try !sealer.becomeSealer(on: connection) {
        if waited == 0 { say("audit seal: another sealer (a daemon?) is running; waiting…") }
        waited += 1
        guard waited < 30 else {
            say("audit seal: gave up; the running sealer keeps the chain sealed")
            exit(1)
        }
        Thread.sleep(forTimeInterval: 1)
    }
    let started = Date()
    var outcome: AuditSealer.Outcome
    repeat {
        outcome = try sealer.sealPending(on: connection) { total in
            if total % 100_000 == 0 { say("audit seal: \(total) events sealed…") }
        }
    } while !outcome.barrierTaken
    try sealer.resign(on: connection)
    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
    say("audit seal: \(outcome.sealed) events sealed in \(seconds) s")
    print("head \(outcome.head)")
}
