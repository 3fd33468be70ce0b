import HTTPServer
import PostgresClient
import UnionCardStore

/// Turns `Authorization: Bearer uck_<id>_<secret>` into the caller's key, or the 401 answer.
///
/// The header's shape is checked without the database; the key itself is looked up by id and its
/// secret hash compared in constant time.
struct Authenticator: Sendable {
    let pool: PostgresPool
    private let reader = RegistryReader()

    init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The credential in the header, or a 401 when it is missing or malformed (no database call).
    static func credential(from header: String?) -> Result<APIKeyCredential, Rejection> {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer ",
            let credential = APIKeyCredential(
                parsing: header.dropFirst(7).trimmingCharacters(in: .whitespaces))
        else {
            return .failure(
                Rejection(APIResponses.unauthorized("Send the key as Authorization: Bearer uck_…")))
        }
        return .success(credential)
    }

    /// The key a credential designates, or a 401 when it is unknown, revoked or the secret is wrong.
    ///
    /// - Throws: `PostgresError` when the database cannot be asked (the caller answers 503).
    func key(for credential: APIKeyCredential) throws -> Result<StoredKey, Rejection> {
        let stored = try pool.withConnection { try reader.key(id: credential.id, on: $0) }
        guard let stored, !stored.isRevoked,
            APIKeyCredential.constantTimeEquals(stored.secretHash, credential.secretHash)
        else {
            return .failure(Rejection(APIResponses.unauthorized("Unknown or revoked key.")))
        }
        return .success(stored)
    }
}

/// A request turned away before it reaches its handler, with the answer to send.
struct Rejection: Error {
    var response: HTTPResponse

    init(_ response: HTTPResponse) {
        self.response = response
    }
}
