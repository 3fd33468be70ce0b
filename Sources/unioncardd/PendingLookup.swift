import HTTPServer
import Synchronization
import UnionCardCore
import UnionCardStore

/// One validated, authenticated lookup waiting in `LookupBatcher` for its batch to commit.
final class PendingLookup: Sendable {
    let request: LookupRequest
    let key: StoredKey
    let partnerID: Int64
    /// The partner's agreements from the registry snapshot taken when the request arrived.
    let agreements: [Agreement]
    let clientAddress: String
    /// When the lookup was queued: it is answered 503 once it waited `answerTimeoutSeconds`.
    let arrived = ContinuousClock.now
    /// Who hears the outcome; taken by the first `complete`, so a lookup is answered once.
    private let completion = Mutex<(@Sendable (LookupOutcome) -> Void)?>(nil)

    init(
        request: LookupRequest, key: StoredKey, partnerID: Int64, agreements: [Agreement],
        clientAddress: String
    ) {
        self.request = request
        self.key = key
        self.partnerID = partnerID
        self.agreements = agreements
        self.clientAddress = clientAddress
    }

    /// The idempotency key, when the terminal sent a reference.
    var referenceKey: AuditLog.ReferenceKey? {
        request.reference.map { AuditLog.ReferenceKey(keyID: key.id, reference: $0) }
    }

    /// Sets who hears the outcome; called once, by `LookupBatcher.submit`, before the lookup is queued.
    func whenComplete(_ answer: @escaping @Sendable (LookupOutcome) -> Void) {
        completion.withLock { $0 = answer }
    }

    /// Delivers the outcome: after the batch committed, when it failed, or at the deadline.
    /// Only the first call counts (a batch that commits after its deadline answers nobody).
    func complete(_ result: LookupOutcome) {
        let answer = completion.withLock { completion in
            defer { completion = nil }
            return completion
        }
        answer?(result)
    }
}

/// The answer to one lookup and a short, personal-data-free note for the request log.
struct LookupOutcome: Sendable {
    var response: HTTPResponse
    var note: String
}
