import PostgresClient

/// Issues, lists and revokes API keys (operator side; runs as the owner role).
public struct KeyStore: Sendable {
    /// Who a key belongs to.
    public enum Owner: Sendable, Equatable {
        /// A merchant terminal of the partner with this code.
        case partner(String)
        /// An auditor bound to the union with this code.
        case auditor(String)
    }

    /// One row of `key list` — never the secret.
    public struct Listing: Sendable, Equatable {
        /// Key id (the number inside `uck_<id>_…`).
        public var id: Int64
        /// "merchant" or "auditor".
        public var kind: String
        /// Partner code or auditor union code.
        public var owner: String
        /// Operator's label, e.g. the shop and till.
        public var label: String
        /// RFC 3339 creation time.
        public var createdAt: String
        /// RFC 3339 revocation time, nil while valid.
        public var revokedAt: String?
        /// RFC 3339 time of the key's last recorded lookup, nil when never used.
        public var lastUsedAt: String?
    }

    /// Creates a key store.
    public init() {}

    /// Stores a new key for `owner` and returns the credential, whose secret is shown once.
    public func issue(owner: Owner, label: String, on connection: PostgresConnection) throws
        -> APIKeyCredential
    {
        let secret = APIKeyCredential.newSecret()
        let hash = ByteaText.encode(APIKeyCredential(id: 0, secret: secret).secretHash)
        let result: PostgresResult
        switch owner {
        case .partner(let code):
            result = try connection.query(
                """
                INSERT INTO api_keys (kind, partner_id, label, secret_hash)
                SELECT 'merchant', id, $2, $3::bytea FROM partners WHERE code = $1
                RETURNING id
                """, [code, label, hash])
        case .auditor(let code):
            result = try connection.query(
                """
                INSERT INTO api_keys (kind, unit_id, label, secret_hash)
                SELECT 'auditor', id, $2, $3::bytea FROM units WHERE code = $1
                RETURNING id
                """, [code, label, hash])
        }
        guard let row = result.rows.first else {
            throw StoreError(code: .notFound, context: "key issue: no such \(owner.noun)")
        }
        return APIKeyCredential(id: try row.decode(Int64.self, at: 0), secret: secret)
    }

    /// All keys, oldest first.
    public func list(on connection: PostgresConnection) throws -> [Listing] {
        let result = try connection.query(
            """
            SELECT k.id, k.kind, coalesce(p.code, u.code), k.label,
                   to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(used.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id LEFT JOIN units u ON u.id = k.unit_id
            -- Derived from the audit trail: the daemon's role cannot (and should not) write api_keys.
            LEFT JOIN (SELECT key_id, max(at) AS at FROM audit_events GROUP BY key_id) used ON used.key_id = k.id
            ORDER BY k.id
            """)
        return try result.rows.map { row in
            Listing(
                id: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1),
                owner: try row.decode(String.self, at: 2), label: try row.decode(String.self, at: 3),
                createdAt: try row.decode(String.self, at: 4),
                revokedAt: try row.decodeIfPresent(String.self, at: 5),
                lastUsedAt: try row.decodeIfPresent(String.self, at: 6))
        }
    }

    /// Binds a key to its terminal's TLS client certificate (SHA-256 of the DER, 64 hex digits),
    /// or removes the binding with nil; false when no such key exists.
    public func bindClientCertificate(id: Int64, sha256: String?, on connection: PostgresConnection) throws
        -> Bool
    {
        let result = try connection.query(
            "UPDATE api_keys SET client_cert_sha256 = $2 WHERE id = $1 RETURNING id",
            [String(id), sha256?.lowercased()])
        return !result.rows.isEmpty
    }

    /// Revokes a key; false when no such key exists. Revoking twice keeps the first time.
    public func revoke(id: Int64, on connection: PostgresConnection) throws -> Bool {
        let result = try connection.query(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id",
            [String(id)])
        return !result.rows.isEmpty
    }
}

extension KeyStore.Owner {
    fileprivate var noun: String {
        switch self {
        case .partner: return "partner"
        case .auditor: return "union"
        }
    }
}
