import PostgresClient
import UnionCardCore

/// The small, slowly changing part of the registry that a daemon keeps in memory: API keys and
/// every partner's agreements (with their signing unions' paths). Members and cards stay in the
/// database: there are millions of them.
public struct RegistrySnapshot: Sendable {
    /// Keys by id (revoked ones included, so that a revoked key is told apart from an unknown one).
    public var keys: [Int64: StoredKey]
    /// Agreements by partner id, all dates (the lookup filters by today).
    public var agreementsByPartner: [Int64: [Agreement]]
    /// Partners' own per-key rate limits (lookups per minute), where set.
    public var partnerRateLimits: [Int64: Int]

    /// An empty snapshot.
    public init(
        keys: [Int64: StoredKey] = [:], agreementsByPartner: [Int64: [Agreement]] = [:],
        partnerRateLimits: [Int64: Int] = [:]
    ) {
        self.keys = keys
        self.agreementsByPartner = agreementsByPartner
        self.partnerRateLimits = partnerRateLimits
    }

    /// Reads the partners' own rate limits.
    public static func loadPartnerRateLimits(on connection: PostgresConnection) throws -> [Int64: Int] {
        let result = try connection.query(
            "SELECT id, rate_limit_per_minute FROM partners WHERE rate_limit_per_minute IS NOT NULL")
        var limits: [Int64: Int] = [:]
        for row in result.rows {
            limits[try row.decode(Int64.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        return limits
    }

    /// The channel `sql/010_registry_notify.sql` notifies on; the payload is the table name.
    public static let notificationChannel = "unioncard_registry"

    /// Reads every key.
    public static func loadKeys(on connection: PostgresConnection) throws -> [Int64: StoredKey] {
        let result = try connection.query(
            """
            SELECT k.id, k.kind, k.partner_id, p.code, k.secret_hash, k.revoked_at IS NOT NULL, u.path,
                   k.client_cert_sha256
            FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id LEFT JOIN units u ON u.id = k.unit_id
            """)
        var keys: [Int64: StoredKey] = [:]
        keys.reserveCapacity(result.rows.count)
        for row in result.rows {
            guard let kind = StoredKey.Kind(rawValue: try row.decode(String.self, at: 1)) else {
                throw StoreError(code: .unexpectedData, context: "api_keys.kind")
            }
            let key = StoredKey(
                id: try row.decode(Int64.self, at: 0), kind: kind,
                partnerID: try row.decodeIfPresent(Int64.self, at: 2),
                partnerCode: try row.decodeIfPresent(String.self, at: 3),
                unitPath: try row.decodeIfPresent(String.self, at: 6),
                secretHash: try ByteaText.decode(row.decode(String.self, at: 4)),
                isRevoked: try row.decode(Bool.self, at: 5),
                clientCertificateSHA256: try row.decodeIfPresent(String.self, at: 7))
            keys[key.id] = key
        }
        return keys
    }

    /// Reads every agreement, grouped by partner.
    public static func loadAgreements(on connection: PostgresConnection) throws -> [Int64: [Agreement]] {
        let result = try connection.query(
            """
            SELECT a.partner_id, a.code, a.title, u.path, a.basis_points, a.max_discount_vnd, a.min_purchase_vnd,
                   a.card_kinds, a.valid_from, a.valid_to
            FROM agreements a JOIN units u ON u.id = a.unit_id
            ORDER BY a.partner_id, a.code
            """)
        var byPartner: [Int64: [Agreement]] = [:]
        for row in result.rows {
            guard let path = UnitPath(rawValue: try row.decode(String.self, at: 3)),
                let kinds = CardKindCoverage(rawValue: try row.decode(String.self, at: 7)),
                let from = LocalDate(iso: try row.decode(String.self, at: 8)),
                let to = LocalDate(iso: try row.decode(String.self, at: 9))
            else {
                throw StoreError(code: .unexpectedData, context: "agreement row")
            }
            let agreement = Agreement(
                code: try row.decode(String.self, at: 1), title: try row.decode(String.self, at: 2),
                signingUnitPath: path, basisPoints: try row.decode(Int.self, at: 4),
                maxDiscountVND: try row.decodeIfPresent(Int64.self, at: 5),
                minPurchaseVND: try row.decode(Int64.self, at: 6), cardKinds: kinds, validFrom: from,
                validTo: to)
            byPartner[try row.decode(Int64.self, at: 0), default: []].append(agreement)
        }
        return byPartner
    }
}
