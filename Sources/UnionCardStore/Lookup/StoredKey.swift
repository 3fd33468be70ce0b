/// An API key row as the daemon needs it to authenticate a request.
public struct StoredKey: Sendable, Equatable {
    /// Whose key it is.
    public enum Kind: String, Sendable {
        /// A partner's terminal: may look up cards.
        case merchant
        /// A federation auditor: may read events, not look up cards.
        case auditor
    }

    /// Row id.
    public var id: Int64
    /// Merchant or auditor.
    public var kind: Kind
    /// The partner's id, for merchant keys.
    public var partnerID: Int64?
    /// The partner's code, for merchant keys.
    public var partnerCode: String?
    /// Materialized path of the auditor's union, for auditor keys.
    public var unitPath: String?
    /// SHA-256 of the secret.
    public var secretHash: [UInt8]
    /// Whether the key was revoked.
    public var isRevoked: Bool
    /// When set, the key is accepted only over mutual TLS with the terminal certificate whose
    /// DER has this SHA-256 (lower-case hex).
    public var clientCertificateSHA256: String?

    /// Creates a key value.
    public init(
        id: Int64, kind: Kind, partnerID: Int64?, partnerCode: String?, unitPath: String?,
        secretHash: [UInt8],
        isRevoked: Bool, clientCertificateSHA256: String? = nil
    ) {
        self.clientCertificateSHA256 = clientCertificateSHA256
        self.id = id
        self.kind = kind
        self.partnerID = partnerID
        self.partnerCode = partnerCode
        self.unitPath = unitPath
        self.secretHash = secretHash
        self.isRevoked = isRevoked
    }
}
