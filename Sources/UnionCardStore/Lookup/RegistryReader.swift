import PostgresClient
import UnionCardCore

/// The registry reads of one lookup: the caller's key, the scanned card, the partner's agreements.
///
/// All statements are prepared once per connection and take `$n` parameters only.
public struct RegistryReader: Sendable {
    static let findKey = PostgresStatement(
        name: "find_key",
        sql: """
            SELECT k.id, k.kind, k.partner_id, p.code, k.secret_hash, k.revoked_at IS NOT NULL, u.path
            FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id LEFT JOIN units u ON u.id = k.unit_id
            WHERE k.id = $1
            """)

    private static let cardColumns = """
        SELECT c.card_number, c.vpoint_code, c.kind, c.status, m.member_id, m.full_name, m.status, u.path
        FROM cards c JOIN members m ON m.member_id = c.member_id JOIN units u ON u.id = m.unit_id
        """
    static let findCardByNumber = PostgresStatement(
        name: "find_card_by_number", sql: cardColumns + " WHERE c.card_number = $1")
    static let findCardByVpoint = PostgresStatement(
        name: "find_card_by_vpoint", sql: cardColumns + " WHERE c.vpoint_code = $1")

    static let partnerAgreements = PostgresStatement(
        name: "partner_agreements",
        sql: """
            SELECT a.code, a.title, u.path, a.basis_points, a.max_discount_vnd, a.min_purchase_vnd,
                   a.card_kinds, a.valid_from, a.valid_to
            FROM agreements a JOIN units u ON u.id = a.unit_id
            WHERE a.partner_id = $1 AND a.valid_from <= $2::date AND a.valid_to >= $2::date
            ORDER BY a.code
            """)

    /// Creates a reader.
    public init() {}

    /// The key with this id, or nil.
    public func key(id: Int64, on connection: PostgresConnection) throws -> StoredKey? {
        guard let row = try connection.execute(Self.findKey, [String(id)]).rows.first else { return nil }
        guard let kind = StoredKey.Kind(rawValue: try row.decode(String.self, at: 1)) else {
            throw StoreError(code: .unexpectedData, context: "api_keys.kind")
        }
        return StoredKey(
            id: try row.decode(Int64.self, at: 0), kind: kind,
            partnerID: try row.decodeIfPresent(Int64.self, at: 2),
            partnerCode: try row.decodeIfPresent(String.self, at: 3),
            unitPath: try row.decodeIfPresent(String.self, at: 6),
            secretHash: try Self.bytea(row.decode(String.self, at: 4)),
            isRevoked: try row.decode(Bool.self, at: 5))
    }

    /// The card a code designates, with its member and the member's union, or nil.
    public func card(_ code: CardCode, on connection: PostgresConnection) throws -> CardRecord? {
        let statement: PostgresStatement
        switch code {
        case .barcode: statement = Self.findCardByNumber
        case .vpoint: statement = Self.findCardByVpoint
        }
        guard let row = try connection.execute(statement, [code.value]).rows.first else { return nil }
        guard let kind = CardKind(rawValue: try row.decode(String.self, at: 2)),
            let status = CardStatus(rawValue: try row.decode(String.self, at: 3)),
            let memberStatus = MemberStatus(rawValue: try row.decode(String.self, at: 6)),
            let path = UnitPath(rawValue: try row.decode(String.self, at: 7))
        else {
            throw StoreError(code: .unexpectedData, context: "card row")
        }
        return CardRecord(
            cardNumber: try row.decode(String.self, at: 0),
            vpointCode: try row.decodeIfPresent(String.self, at: 1),
            kind: kind, status: status, memberID: try row.decode(String.self, at: 4),
            memberFullName: try row.decode(String.self, at: 5), memberStatus: memberStatus, unitPath: path)
    }

    /// The partner's agreements in force on `day`.
    public func agreements(partnerID: Int64, on day: LocalDate, on connection: PostgresConnection) throws
        -> [Agreement]
    {
        try connection.execute(Self.partnerAgreements, [String(partnerID), day.iso]).rows.map { row in
            guard let path = UnitPath(rawValue: try row.decode(String.self, at: 2)),
                let kinds = CardKindCoverage(rawValue: try row.decode(String.self, at: 6)),
                let from = LocalDate(iso: try row.decode(String.self, at: 7)),
                let to = LocalDate(iso: try row.decode(String.self, at: 8))
            else {
                throw StoreError(code: .unexpectedData, context: "agreement row")
            }
            return Agreement(
                code: try row.decode(String.self, at: 0), title: try row.decode(String.self, at: 1),
                signingUnitPath: path, basisPoints: try row.decode(Int.self, at: 3),
                maxDiscountVND: try row.decodeIfPresent(Int64.self, at: 4),
                minPurchaseVND: try row.decode(Int64.self, at: 5), cardKinds: kinds, validFrom: from,
                validTo: to)
        }
    }

    /// Decodes bytea's text form `\x0a1b…`.
    static func bytea(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"),
            utf8.count % 2 == 0
        else {
            throw StoreError(code: .unexpectedData, context: "bytea")
        }
        func nibble(_ byte: UInt8) throws -> UInt8 {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x61...0x66: return byte - 0x61 + 10
            default: throw StoreError(code: .unexpectedData, context: "bytea")
            }
        }
        return try stride(from: 2, to: utf8.count, by: 2).map {
            try nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1])
        }
    }
}
