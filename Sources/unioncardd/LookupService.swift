import Foundation
import HTTPServer
import PostgresClient
import UnionCardCore
import UnionCardStore

/// Answers `GET|POST /v1/lookup`: validates input (no database call for bad input), authenticates
/// the merchant key, evaluates the card against the partner's agreements, appends the audit row
/// and answers only after it is committed.
///
/// Runs on libmicrohttpd's pool threads, never on the Swift concurrency pool: libpq blocks.
struct LookupService: Sendable {
    let pool: PostgresPool
    let authenticator: Authenticator
    let calendar: LocalCalendar
    let maxBodyBytes: Int
    private let reader = RegistryReader()
    private let auditLog = AuditLog()

    init(pool: PostgresPool, authenticator: Authenticator, calendar: LocalCalendar, maxBodyBytes: Int) {
        self.pool = pool
        self.authenticator = authenticator
        self.calendar = calendar
        self.maxBodyBytes = maxBodyBytes
    }

    /// What happened, for the request log line (no personal data).
    struct Outcome: Sendable {
        var response: HTTPResponse
        var note: String
    }

    /// Handles one lookup request.
    func handle(_ request: HTTPRequest) -> Outcome {
        if request.method == "POST" {
            if request.bodyTooLarge {
                return Outcome(response: APIResponses.payloadTooLarge(limit: maxBodyBytes), note: "too_large")
            }
            let mediaType = request.headers["Content-Type"]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/json" else {
                return Outcome(response: APIResponses.unsupportedMediaType(), note: "media_type")
            }
        }
        let credential: APIKeyCredential
        switch Authenticator.credential(from: request.headers["Authorization"]) {
        case .success(let value): credential = value
        case .failure(let rejection): return Outcome(response: rejection.response, note: "no_key")
        }
        let parsed =
            request.method == "POST"
            ? LookupRequestParser.parse(jsonBody: request.body)
            : LookupRequestParser.parse(queryItems: request.queryItems)
        let lookup: LookupRequest
        switch parsed {
        case .success(let value): lookup = value
        case .failure(let input): return Outcome(response: APIResponses.badRequest(input), note: input.error)
        }
        do {
            let key: StoredKey
            switch try authenticator.key(for: credential) {
            case .success(let value): key = value
            case .failure(let rejection): return Outcome(response: rejection.response, note: "bad_key")
            }
            guard key.kind == .merchant, let partnerID = key.partnerID else {
                return Outcome(
                    response: APIResponses.forbidden("Only merchant keys may look up cards."),
                    note: "not_merchant")
            }
            return try pool.withConnection { connection in
                try lookUp(lookup, key: key, partnerID: partnerID, request.remoteAddress, connection)
            }
        } catch {
            return Outcome(response: APIResponses.unavailable(), note: "database")
        }
    }

    /// Evaluates, or replays the first answer when the reference was seen before.
    private func lookUp(
        _ lookup: LookupRequest, key: StoredKey, partnerID: Int64, _ clientAddress: String,
        _ connection: PostgresConnection
    ) throws -> Outcome {
        guard let reference = lookup.reference else {
            return try evaluate(lookup, key: key, partnerID: partnerID, clientAddress, connection)
        }
        return try connection.transaction { connection in
            try auditLog.lockReference(keyID: key.id, reference: reference, on: connection)
            if let prior = try auditLog.priorAnswer(keyID: key.id, reference: reference, on: connection) {
                guard CardCode.parse(prior.codeGiven) == lookup.code, prior.amountVND == lookup.amountVND
                else {
                    return Outcome(
                        response: APIResponses.error(
                            422, "reference_conflict",
                            "This reference was already used with another code or amount."),
                        note: "reference_conflict")
                }
                return Outcome(response: APIResponses.json(200, Array(prior.response.utf8)), note: "replay")
            }
            return try evaluate(lookup, key: key, partnerID: partnerID, clientAddress, connection)
        }
    }

    /// Reads, decides, records. The caller's transaction (if any) commits the row before we answer.
    private func evaluate(
        _ lookup: LookupRequest, key: StoredKey, partnerID: Int64, _ clientAddress: String,
        _ connection: PostgresConnection
    ) throws -> Outcome {
        let card = try reader.card(lookup.code, on: connection)
        let today = calendar.today()
        let agreements =
            card == nil ? [] : try reader.agreements(partnerID: partnerID, on: today, on: connection)
        let decision = Eligibility.decide(
            card: card, partnerAgreements: agreements, today: today, amountVND: lookup.amountVND)
        let verificationID = UUID().uuidString.lowercased()
        let body = LookupAnswer.body(
            verificationID: verificationID, code: lookup.code, card: card, decision: decision)
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
        try auditLog.append(
            AuditRecord(
                verificationID: verificationID, keyID: key.id, partnerID: partnerID,
                codeGiven: lookup.rawCode,
                codeType: lookup.code.codeType, cardNumber: card?.cardNumber, memberID: card?.memberID,
                memberUnitPath: card?.unitPath.rawValue, agreementCode: agreement?.code,
                agreementUnitPath: agreement?.signingUnitPath.rawValue, reason: reason,
                amountVND: lookup.amountVND,
                discountVND: discount,
                reference: lookup.reference, clientAddress: clientAddress,
                response: String(decoding: body, as: UTF8.self)),
            on: connection)
        return Outcome(response: APIResponses.json(200, body), note: reason ?? "approved")
    }
}
