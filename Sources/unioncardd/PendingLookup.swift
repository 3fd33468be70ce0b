import Dispatch
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
    private let outcome = Mutex<LookupOutcome?>(nil)
    private let finished = DispatchSemaphore(value: 0)

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

    /// Called once by the batch worker, after the batch committed (or failed).
    func complete(_ result: LookupOutcome) {
        outcome.withLock { $0 = result }
        finished.signal()
    }

    /// Blocks the calling (HTTP) thread until the batch is done; nil after `timeoutSeconds`.
    func wait(timeoutSeconds: Double) -> LookupOutcome? {
        guard finished.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}

/// The answer to one lookup and a short, personal-data-free note for the request log.
struct LookupOutcome: Sendable {
    var response: HTTPResponse
    var note: String
}
