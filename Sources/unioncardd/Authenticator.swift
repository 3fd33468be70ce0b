import Foundation
import HTTPServer
import UnionCardStore

/// Turns `Authorization: Bearer uck_<id>_<secret>` into the caller's key, or the 401 answer.
///
/// The header's shape is checked first; the key is then found by id in the in-memory registry
/// snapshot and its secret hash compared in constant time. No database call per request.
struct Authenticator: Sendable {
    let cache: RegistryCache

    /// The registry is not loaded yet (database unreachable since start): answer 503.
    struct NotReady: Error {}

    /// The credential in the header, or a 401 when it is missing or malformed.
    static func credential(from header: String?) -> Result<APIKeyCredential, Rejection> {
        guard let header, let credential = APIKeyCredential(authorizationHeader: header)
        else {
            return .failure(
                Rejection(APIResponses.unauthorized("Send the key as Authorization: Bearer uck_…")))
        }
        return .success(credential)
    }

    /// The key a credential designates, or a 401 when it is unknown, revoked or the secret is wrong.
    ///
    /// - Throws: `NotReady` while no registry snapshot could be loaded (the caller answers 503).
    /// A key bound to a terminal certificate (`key bind-cert`) also needs that certificate on the
    /// connection (`clientCertificateSHA256`, from mutual TLS): a key copied off the till is useless
    /// without the till's private key.
    func key(for credential: APIKeyCredential, clientCertificateSHA256: String?) throws
        -> Result<StoredKey, Rejection>
    {
        guard let snapshot = cache.current else { throw NotReady() }
        guard let stored = snapshot.keys[credential.id], !stored.isRevoked,
            APIKeyCredential.constantTimeEquals(stored.secretHash, credential.secretHash)
        else {
            return .failure(Rejection(APIResponses.unauthorized("Unknown or revoked key.")))
        }
        if let bound = stored.clientCertificateSHA256 {
            guard let presented = clientCertificateSHA256,
                APIKeyCredential.constantTimeEquals(Array(bound.utf8), Array(presented.lowercased().utf8))
            else {
                return .failure(
                    Rejection(
                        APIResponses.unauthorized(
                            "This key is accepted only with its terminal's certificate.")))
            }
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
