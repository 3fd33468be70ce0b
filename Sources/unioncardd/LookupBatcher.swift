import Foundation
import PostgresClient
import Synchronization
import UnionCardCore
import UnionCardStore

/// Groups the lookups that arrive together and does their database work in one go: one query
/// for all their cards, one multi-row INSERT of their audit rows (inside one transaction with
/// the reference locks when any lookup carries a reference). Each lookup is answered only after
/// that statement committed; a batch that fails answers every lookup in it with 503, and so
/// does one not answered within `answerTimeoutSeconds` (a deadline thread sees to it).
///
/// Batches form by themselves: a worker takes everything queued when it becomes free, so under
/// light load a batch is one lookup (no added latency) and under heavy load it grows.
/// Workers are plain threads, because libpq blocks. Nobody waits on a thread for a lookup: the
/// outcome goes to the completion given to `submit`.
final class LookupBatcher: Sendable {
    /// Lookups waiting for a worker, how many workers sleep on `workAvailable`, and the batch
    /// each worker is busy with (for the deadline).
    private struct Queue {
        var waiting: [PendingLookup] = []
        var idleWorkers = 0
        var inProgress: [Int: [PendingLookup]] = [:]
    }

    private let queue = Mutex(Queue())
    /// Signalled only for a worker known to be asleep, so no wake-up is wasted (every wake-up
    /// is a context switch, a large share of the daemon's CPU under load).
    private let workAvailable = DispatchSemaphore(value: 0)
    private let pool: PostgresPool
    private let calendar: LocalCalendar
    private let workers: Int
    private let maxBatch: Int
    private let metrics: Metrics
    private let abuseGuard: AbuseGuard
    private let log: Log
    private let reader = RegistryReader()
    private let auditLog = AuditLog()

    /// Seconds an HTTP thread waits for its batch before answering 503.
    static let answerTimeoutSeconds = 10.0

    init(
        pool: PostgresPool, calendar: LocalCalendar, workers: Int, maxBatch: Int, metrics: Metrics,
        abuseGuard: AbuseGuard, log: Log
    ) {
        self.metrics = metrics
        self.abuseGuard = abuseGuard
        self.log = log
        self.pool = pool
        self.calendar = calendar
        self.workers = workers
        self.maxBatch = maxBatch
    }

    /// Starts the worker threads and the deadline thread.
    func start() {
        for index in 0..<workers {
            let thread = Thread { [self] in work(index) }
            thread.name = "lookup-batch-\(index)"
            thread.start()
        }
        let deadlines = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                answerOverdue()
            }
        }
        deadlines.name = "lookup-deadline"
        deadlines.start()
    }

    /// Lookups waiting for a worker.
    var queued: Int {
        queue.withLock { $0.waiting.count }
    }

    /// Queues a lookup; `answer` hears its outcome once its batch committed (or failed, or the
    /// deadline passed). Returns at once.
    func submit(_ pending: PendingLookup, then answer: @escaping @Sendable (LookupOutcome) -> Void) {
        pending.whenComplete(answer)
        let wake = queue.withLock { queue in
            queue.waiting.append(pending)
            guard queue.idleWorkers > 0 else { return false }
            queue.idleWorkers -= 1
            return true
        }
        if wake { workAvailable.signal() }
    }

    /// Answers 503 to every lookup that has waited `answerTimeoutSeconds` since it arrived,
    /// queued or in a batch that is still running (its database call hangs); if that batch
    /// commits later, its answers go nowhere (`complete` counts once), and a retry with the same
    /// reference gets the recorded one.
    private func answerOverdue() {
        let deadline = ContinuousClock.now - .milliseconds(Int(Self.answerTimeoutSeconds * 1000))
        let overdue: [PendingLookup] = queue.withLock { queue in
            var overdue: [PendingLookup] = []
            if let oldest = queue.waiting.first, oldest.arrived < deadline {
                // Swapped out and rebuilt, not edited in place (see `work`).
                var waiting: [PendingLookup] = []
                swap(&waiting, &queue.waiting)
                for pending in waiting {
                    if pending.arrived < deadline {
                        overdue.append(pending)
                    } else {
                        queue.waiting.append(pending)
                    }
                }
            }
            for batch in queue.inProgress.values {
                overdue += batch.filter { $0.arrived < deadline }
            }
            return overdue
        }
        for pending in overdue {
            pending.complete(LookupOutcome(response: APIResponses.unavailable(), note: "timeout"))
        }
    }

    private func work(_ index: Int) {
        while true {
            // A busy worker goes straight on to whatever queued meanwhile; only an empty queue
            // puts it to sleep, counted, so that `submit` wakes exactly one sleeper.
            let batch: [PendingLookup] = queue.withLock { queue in
                // The queue is swapped out whole, never sliced in place: with the Mutex stored in
                // this class, `Array(waiting.prefix(n))` then `waiting.removeFirst(n)` leaked
                // every replaced array buffer and the lookups in it in release builds (Swift
                // 6.3.1; ~5 KB per lookup, found with valgrind, reproduced outside the daemon).
                var taken: [PendingLookup] = []
                swap(&taken, &queue.waiting)
                if taken.count > maxBatch {
                    queue.waiting = Array(taken[maxBatch...])
                    taken = Array(taken[..<maxBatch])
                }
                if taken.isEmpty {
                    queue.idleWorkers += 1
                    queue.inProgress[index] = nil
                } else {
                    queue.inProgress[index] = taken
                }
                return taken
            }
            if batch.isEmpty {
                workAvailable.wait()
                continue
            }
            let outcomes: [LookupOutcome]
            do {
                let evaluation = try pool.withConnection { try process(batch, on: $0) }
                outcomes = evaluation.outcomes
                metrics.observe("unioncard_lookup_batch_size", Double(batch.count))
                for keyID in evaluation.lockedKeys {
                    metrics.increment("unioncard_keys_locked_total")
                    log.write(.warning, "key locked after too many unknown codes", ["key_id": String(keyID)])
                }
            } catch {
                metrics.increment("unioncard_audit_batches_failed_total")
                outcomes = batch.map { _ in
                    LookupOutcome(response: APIResponses.unavailable(), note: "database")
                }
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.complete(outcome)
            }
        }
    }

    /// Evaluates a batch and records it; the outcomes are valid only if this returns.
    private func process(_ batch: [PendingLookup], on connection: PostgresConnection) throws
        -> BatchEvaluation
    {
        let references = Array(Set(batch.compactMap(\.referenceKey)))
        guard !references.isEmpty else {
            let cards = try reader.cards(batch.map(\.request.code), on: connection)
            var evaluation = BatchEvaluation(
                today: calendar.today(), cards: cards, priors: [:], abuseGuard: abuseGuard)
            evaluation.evaluate(batch)
            try auditLog.append(evaluation.records, on: connection)
            return evaluation
        }
        return try connection.transaction { connection in
            try auditLog.lockReferences(references, on: connection)
            let priors = try auditLog.priorAnswers(references, on: connection)
            let cards = try reader.cards(batch.map(\.request.code), on: connection)
            var evaluation = BatchEvaluation(
                today: calendar.today(), cards: cards, priors: priors, abuseGuard: abuseGuard)
            evaluation.evaluate(batch)
            try auditLog.append(evaluation.records, on: connection)
            return evaluation
        }
    }
}

/// The pure part of a batch: decisions, answers and audit rows, given what the database returned.
struct BatchEvaluation {
    let today: LocalDate
    let cards: [CardCode: CardRecord]
    /// First answers to references, from earlier batches and, as they are made, from this one.
    var priors: [AuditLog.ReferenceKey: AuditLog.PriorAnswer]
    let abuseGuard: AbuseGuard
    private(set) var records: [AuditRecord] = []
    private(set) var outcomes: [LookupOutcome] = []
    /// Keys this batch locked for enumeration (each also got a `key_locked` audit row).
    private(set) var lockedKeys: [Int64] = []

    init(
        today: LocalDate, cards: [CardCode: CardRecord],
        priors: [AuditLog.ReferenceKey: AuditLog.PriorAnswer],
        abuseGuard: AbuseGuard
    ) {
        self.today = today
        self.cards = cards
        self.priors = priors
        self.abuseGuard = abuseGuard
    }

    /// Decides every lookup of the batch, in order.
    mutating func evaluate(_ batch: [PendingLookup]) {
        outcomes = batch.map { outcome(for: $0) }
    }

    /// Replays or rejects a repeated reference, or evaluates the lookup and adds its audit row.
    mutating func outcome(for pending: PendingLookup) -> LookupOutcome {
        let lookup = pending.request
        if let reference = pending.referenceKey, let prior = priors[reference] {
            guard CardCode.parse(prior.codeGiven) == lookup.code, prior.amountVND == lookup.amountVND else {
                return LookupOutcome(
                    response: APIResponses.error(
                        422, "reference_conflict",
                        "This reference was already used with another code or amount."),
                    note: "reference_conflict")
            }
            return LookupOutcome(response: APIResponses.json(200, Array(prior.response.utf8)), note: "replay")
        }
        let card = cards[lookup.code]
        let decision = Eligibility.decide(
            card: card, partnerAgreements: pending.agreements, today: today, amountVND: lookup.amountVND)
        let verificationID = VerificationIDs.next()
        let body = LookupAnswer.body(
            verificationID: verificationID, code: lookup.code, card: card, decision: decision)
        let response = String(decoding: body, as: UTF8.self)
        var agreement: Agreement?
        var discount: Int64?
        var reason: String?
        switch decision {
        case .eligible(let offer):
            agreement = offer.agreement
            discount = offer.discountVND
        case .denied(let denial):
            reason = denial.rawValue
        }
        records.append(
            AuditRecord(
                verificationID: verificationID, keyID: pending.key.id, partnerID: pending.partnerID,
                codeGiven: lookup.rawCode, codeType: lookup.code.codeType, cardNumber: card?.cardNumber,
                memberID: card?.memberID, memberUnitPath: card?.unitPath.rawValue,
                agreementCode: agreement?.code,
                agreementUnitPath: agreement?.signingUnitPath.rawValue, reason: reason,
                amountVND: lookup.amountVND,
                discountVND: discount, reference: lookup.reference, clientAddress: pending.clientAddress,
                response: response))
        if let reference = pending.referenceKey {
            priors[reference] = AuditLog.PriorAnswer(
                codeGiven: lookup.rawCode, amountVND: lookup.amountVND, response: response)
        }
        if case .denied(.unknownCode) = decision, abuseGuard.recordUnknown(keyID: pending.key.id) {
            recordLock(of: pending)
        }
        return LookupOutcome(response: APIResponses.json(200, body), note: reason ?? "approved")
    }

    /// The one audit row of a lockout, written with the lookup that triggered it.
    private mutating func recordLock(of pending: PendingLookup) {
        lockedKeys.append(pending.key.id)
        var json = JSONWriter()
        json.object { object in
            object.field("event", string: "key_locked")
            object.field("key_id", int: pending.key.id)
        }
        records.append(
            AuditRecord(
                verificationID: VerificationIDs.next(), keyID: pending.key.id,
                partnerID: pending.partnerID,
                codeGiven: pending.request.rawCode, codeType: pending.request.code.codeType, cardNumber: nil,
                memberID: nil, memberUnitPath: nil, agreementCode: nil, agreementUnitPath: nil,
                reason: "key_locked", amountVND: pending.request.amountVND, discountVND: nil,
                reference: nil, clientAddress: pending.clientAddress, response: json.text))
    }
}
