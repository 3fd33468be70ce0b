import PostgresClient
import UnionCardCore

/// The registry read of a batch of lookups: the scanned cards with their members and unions, in
/// one round trip. Keys and agreements come from the in-memory `RegistrySnapshot`.
public struct RegistryReader: Sendable {
    private static let cardColumns = """
        SELECT c.card_number, c.vpoint_code, c.kind, c.status, m.member_id, m.full_name, m.status, u.path
        FROM cards c JOIN members m ON m.member_id = c.member_id JOIN units u ON u.id = m.unit_id
        """

    /// Cards by barcode ($1) and by Vpoint code ($2), both `text[]`; the planner uses each
    /// unique index once per element.
    static let findCards = PostgresStatement(
        name: "find_cards",
        sql: cardColumns + " WHERE c.card_number = ANY($1::text[]) UNION ALL "
            + cardColumns + " WHERE c.vpoint_code = ANY($2::text[])")

    /// Creates a reader.
    public init() {}

    /// The cards the codes designate, keyed by code; codes with no card are absent.
    public func cards(_ codes: some Collection<CardCode>, on connection: PostgresConnection) throws
        -> [CardCode: CardRecord]
    {
        var barcodes: [String?] = []
        var vpoints: [String?] = []
        for code in Set(codes) {
            switch code {
            case .barcode(let value): barcodes.append(value)
            case .vpoint(let value): vpoints.append(value)
            }
        }
        let rows = try connection.execute(
            Self.findCards, [PostgresArrayLiteral.encode(barcodes), PostgresArrayLiteral.encode(vpoints)]
        ).rows
        var found: [CardCode: CardRecord] = [:]
        for row in rows {
            guard let kind = CardKind(rawValue: try row.decode(String.self, at: 2)),
                let status = CardStatus(rawValue: try row.decode(String.self, at: 3)),
                let memberStatus = MemberStatus(rawValue: try row.decode(String.self, at: 6)),
                let path = UnitPath(rawValue: try row.decode(String.self, at: 7))
            else {
                throw StoreError(code: .unexpectedData, context: "card row")
            }
            let card = CardRecord(
                cardNumber: try row.decode(String.self, at: 0),
                vpointCode: try row.decodeIfPresent(String.self, at: 1),
                kind: kind, status: status, memberID: try row.decode(String.self, at: 4),
                memberFullName: try row.decode(String.self, at: 5), memberStatus: memberStatus, unitPath: path
            )
            found[.barcode(card.cardNumber)] = card
            if let vpoint = card.vpointCode { found[.vpoint(vpoint)] = card }
        }
        return found
    }
}
