import Foundation
import HTTPServer
import UnionCardCore
import UnionCardStore

/// Answers `GET|POST /v1/lookup`: validates the input (bad input never reaches the database),
/// authenticates the merchant key against the in-memory registry, and hands the lookup to the
/// batcher, which answers only after its audit row is committed.
///
/// `prepare` runs on libmicrohttpd's pool threads, never on the Swift concurrency pool; the
/// batcher answers from its own threads.
struct LookupService: Sendable {
    /// What `prepare` made of a request.
    enum Step: Sendable {
        /// Refused or malformed: the answer, at once, without the database.
        case answered(LookupOutcome)
        /// Valid: to be evaluated and recorded by the batcher (`submit`).
        case ready(PendingLookup)
    }

    let authenticator: Authenticator
    let batcher: LookupBatcher
    let abuseGuard: AbuseGuard
    let maxBodyBytes: Int

    /// Queues a prepared lookup; `answer` hears its outcome once its audit row is committed,
    /// or a 503 when that fails or takes too long. Returns at once.
    func submit(_ pending: PendingLookup, then answer: @escaping @Sendable (LookupOutcome) -> Void) {
        batcher.submit(pending, then: answer)
    }

    /// Checks one lookup request: its answer when it is refused, else the lookup to submit.
    func prepare(_ request: HTTPRequest) -> Step {
        if request.method == "POST" {
            if request.bodyTooLarge {
                return .answered(
                    LookupOutcome(
                        response: APIResponses.payloadTooLarge(limit: maxBodyBytes), note: "too_large"))
            }
            let mediaType = request.headers["Content-Type"]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/json" else {
                return .answered(
                    LookupOutcome(response: APIResponses.unsupportedMediaType(), note: "media_type"))
            }
        }
        let credential: APIKeyCredential
        switch Authenticator.credential(from: request.headers["Authorization"]) {
        case .success(let value): credential = value
        case .failure(let rejection):
            return .answered(LookupOutcome(response: rejection.response, note: "no_key"))
        }
        let parsed =
            request.method == "POST"
            ? LookupRequestParser.parse(jsonBody: request.body)
            : LookupRequestParser.parse(queryItems: request.queryItems)
        let lookup: LookupRequest
        switch parsed {
        case .success(let value): lookup = value
        case .failure(let input):
            return .answered(LookupOutcome(response: APIResponses.badRequest(input), note: input.error))
        }
        let key: StoredKey
        do {
            switch try authenticator.key(
                for: credential, clientCertificateSHA256: request.clientCertificateSHA256)
            {
            case .success(let value): key = value
            case .failure(let rejection):
                return .answered(LookupOutcome(response: rejection.response, note: "bad_key"))
            }
        } catch {
            return .answered(LookupOutcome(response: APIResponses.unavailable(), note: "registry_not_loaded"))
        }
        guard key.kind == .merchant, let partnerID = key.partnerID else {
            return .answered(
                LookupOutcome(
                    response: APIResponses.forbidden("Only merchant keys may look up cards."),
                    note: "not_merchant"))
        }
        let snapshot = authenticator.cache.current
        switch abuseGuard.admit(keyID: key.id, partnerPerMinute: snapshot?.partnerRateLimits[partnerID]) {
        case .allowed:
            break
        case .rateLimited(let seconds):
            return .answered(
                LookupOutcome(
                    response: APIResponses.error(
                        429, "rate_limited", "Too many lookups for this key; retry in \(seconds) s.",
                        headers: [("Retry-After", String(seconds))]),
                    note: "rate_limited"))
        case .locked(let seconds):
            return .answered(
                LookupOutcome(
                    response: APIResponses.error(
                        429, "key_locked",
                        "Khóa tạm thời do nhập sai mã thẻ quá nhiều lần. This key is locked after too many unknown codes; "
                            + "retry in \(seconds) s.",
                        headers: [("Retry-After", String(seconds))]),
                    note: "key_locked"))
        }
        let agreements = snapshot?.agreementsByPartner[partnerID] ?? []
        return .ready(
            PendingLookup(
                request: lookup, key: key, partnerID: partnerID, agreements: agreements,
                clientAddress: request.remoteAddress))
    }
}
