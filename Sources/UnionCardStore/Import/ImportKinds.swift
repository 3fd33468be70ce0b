import UnionCardCore

/// The four import kinds of DESIGN.md, "Data in: CSV imports".
enum ImportKinds {
    /// `code,name,level,parent_code` — parents may come later in the file or already exist.
    static let units = ImportKind(
        name: "units",
        header: ["code", "name", "level", "parent_code"],
        stagingColumns: "code text NOT NULL, name text NOT NULL, level text NOT NULL, parent_code text",
        stage: { fields in
            Result {
                let code = try FieldRules.code(fields[0], "code").get()
                let name = try FieldRules.text(fields[1], "name").get()
                let level = try FieldRules.oneOf(fields[2], "level", UnitLevel.self).get()
                let parentText = FieldRules.trim(fields[3])
                let isRoot = level == UnitLevel.confederation.rawValue
                if isRoot != parentText.isEmpty {
                    throw RowMessage(
                        isRoot
                            ? "a confederation has no parent_code"
                            : "parent_code is empty (only a confederation has none)")
                }
                let parent = parentText.isEmpty ? nil : try FieldRules.code(parentText, "parent_code").get()
                if parent == code { throw RowMessage("parent_code is the unit itself") }
                return [code, name, level, parent]
            }.mapError { $0 as? RowMessage ?? RowMessage("invalid row") }
        },
        uniqueInFile: [repeatedValue(at: 0, what: "unit code")],
        checks: [
            """
            SELECT s.line, 'parent_code ' || s.parent_code || ' is not a known unit'
            FROM staging s
            WHERE s.parent_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM staging p WHERE p.code = s.parent_code)
              AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = s.parent_code)
            ORDER BY s.line
            """
        ],
        upserts: [
            .init(
                label: "units",
                sql: upsert(
                    table: "units", key: "code", columns: ["name", "level"],
                    source: "SELECT code, name, level FROM staging")),
            .init(
                label: "unit parents",
                sql: """
                    WITH changed AS (
                        UPDATE units AS t SET parent_id = p.id
                        FROM staging s LEFT JOIN units p ON p.code = s.parent_code
                        WHERE t.code = s.code AND t.parent_id IS DISTINCT FROM p.id
                        RETURNING 1
                    )
                    SELECT 0::bigint, count(*) FROM changed
                    """),
        ],
        finish: [
            // Recompute every materialized path from the root; a unit not reached is in a cycle.
            """
            WITH RECURSIVE tree AS (
                SELECT id, '/' || id || '/' AS path FROM units WHERE parent_id IS NULL
                UNION ALL
                SELECT u.id, t.path || u.id || '/' FROM units u JOIN tree t ON u.parent_id = t.id
            )
            UPDATE units SET path = tree.path FROM tree
            WHERE units.id = tree.id AND units.path IS DISTINCT FROM tree.path
            """
        ],
        finalChecks: [
            """
            WITH RECURSIVE tree AS (
                SELECT id FROM units WHERE parent_id IS NULL
                UNION ALL
                SELECT u.id FROM units u JOIN tree t ON u.parent_id = t.id
            )
            SELECT s.line, 'unit ' || s.code || ' is part of a parent_code cycle'
            FROM staging s JOIN units u ON u.code = s.code
            WHERE NOT EXISTS (SELECT 1 FROM tree WHERE tree.id = u.id)
            ORDER BY s.line
            """
        ])

    /// One row per card; a member with several cards appears on several rows (the last wins for
    /// the member's own fields).
    static let members = ImportKind(
        name: "members",
        header: [
            "member_id", "full_name", "unit_code", "member_status", "card_number", "vpoint_code", "card_kind",
            "card_status", "issued_on",
        ],
        stagingColumns: """
            member_id text NOT NULL, full_name text NOT NULL, unit_code text NOT NULL,
            member_status text NOT NULL, card_number text NOT NULL, vpoint_code text,
            card_kind text NOT NULL, card_status text NOT NULL, issued_on date
            """,
        stage: { fields in
            Result {
                let memberID = try FieldRules.code(fields[0], "member_id").get()
                let fullName = try FieldRules.text(fields[1], "full_name").get()
                let unitCode = try FieldRules.code(fields[2], "unit_code").get()
                let memberStatus = try FieldRules.oneOf(fields[3], "member_status", MemberStatus.self).get()
                let cardText = FieldRules.trim(fields[4])
                guard case .barcode(let cardNumber)? = CardCode.parse(cardText), cardText.utf8.count == 12
                else {
                    throw RowMessage("card_number must be exactly 12 digits")
                }
                let vpointText = FieldRules.trim(fields[5])
                var vpoint: String?
                if !vpointText.isEmpty {
                    guard case .vpoint(let code)? = CardCode.parse(vpointText),
                        code.utf8.count == vpointText.utf8.count
                    else {
                        throw RowMessage("vpoint_code must be 6–32 letters or digits (and not 12 digits)")
                    }
                    vpoint = code
                }
                let kind = try FieldRules.oneOf(fields[6], "card_kind", CardKind.self).get()
                let status = try FieldRules.oneOf(fields[7], "card_status", CardStatus.self).get()
                let issuedOn = try FieldRules.date(fields[8], "issued_on", allowEmpty: true).get()
                return [
                    memberID, fullName, unitCode, memberStatus, cardNumber, vpoint, kind, status, issuedOn,
                ]
            }.mapError { $0 as? RowMessage ?? RowMessage("invalid row") }
        },
        uniqueInFile: [
            repeatedValue(at: 4, what: "card_number"),
            repeatedValue(at: 5, what: "vpoint_code"),
            UniqueInFile(
                value: { staged in staged[7] == CardStatus.active.rawValue ? staged[0] : nil },
                message: { member, first in
                    "member \(member) has more than one active card in the file (first on line \(first))"
                }),
        ],
        checks: [
            """
            SELECT s.line, 'unit_code ' || s.unit_code || ' is not a known unit'
            FROM staging s LEFT JOIN units u ON u.code = s.unit_code
            WHERE u.id IS NULL ORDER BY s.line
            """,
            """
            SELECT s.line, 'vpoint_code is already used by another card'
            FROM staging s JOIN cards c ON c.vpoint_code = s.vpoint_code AND c.card_number <> s.card_number
            WHERE NOT EXISTS (SELECT 1 FROM staging o WHERE o.card_number = c.card_number
                              AND o.vpoint_code IS DISTINCT FROM c.vpoint_code)
            ORDER BY s.line
            """,
            """
            SELECT s.line, 'member ' || s.member_id || ' already has another active card; '
                || 'list that card too, with its new status'
            FROM staging s JOIN cards c ON c.member_id = s.member_id AND c.status = 'active'
                                        AND c.card_number <> s.card_number
            WHERE s.card_status = 'active'
              AND NOT EXISTS (SELECT 1 FROM staging o WHERE o.card_number = c.card_number)
            ORDER BY s.line
            """,
        ],
        upserts: [
            .init(
                label: "members",
                sql: upsert(
                    table: "members", key: "member_id", columns: ["full_name", "unit_id", "status"],
                    source: """
                        SELECT DISTINCT ON (s.member_id) s.member_id, s.full_name, u.id AS unit_id,
                               s.member_status AS status
                        FROM staging s JOIN units u ON u.code = s.unit_code
                        ORDER BY s.member_id, s.line DESC
                        """)),
            // Cards that stop being active go first, so that a card exchange never has two active
            // cards for one member in between.
            .init(label: "cards (not active)", sql: upsertCards(where: "s.card_status <> 'active'")),
            .init(label: "cards (active)", sql: upsertCards(where: "s.card_status = 'active'")),
        ],
        // Every unit_code was checked above, and members are upserted before their cards.
        referencesCheckedByImport: true)

    /// `code,name,tax_code`.
    static let partners = ImportKind(
        name: "partners",
        header: ["code", "name", "tax_code"],
        stagingColumns: "code text NOT NULL, name text NOT NULL, tax_code text NOT NULL",
        stage: { fields in
            Result {
                let code = try FieldRules.code(fields[0], "code").get()
                let name = try FieldRules.text(fields[1], "name").get()
                let taxCode = FieldRules.trim(fields[2])
                guard taxCode.count <= 20,
                    taxCode.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
                else {
                    throw RowMessage("tax_code must be digits and dashes (at most 20)")
                }
                return [code, name, taxCode]
            }.mapError { $0 as? RowMessage ?? RowMessage("invalid row") }
        },
        uniqueInFile: [repeatedValue(at: 0, what: "partner code")],
        checks: [],
        upserts: [
            .init(
                label: "partners",
                sql: upsert(
                    table: "partners", key: "code", columns: ["name", "tax_code"],
                    source: "SELECT code, name, tax_code FROM staging"))
        ])

    /// `code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to`.
    static let agreements = ImportKind(
        name: "agreements",
        header: [
            "code", "partner_code", "unit_code", "title", "percent", "max_discount_vnd", "min_purchase_vnd",
            "card_kinds", "valid_from", "valid_to",
        ],
        stagingColumns: """
            code text NOT NULL, partner_code text NOT NULL, unit_code text NOT NULL, title text NOT NULL,
            basis_points integer NOT NULL, max_discount_vnd bigint, min_purchase_vnd bigint NOT NULL,
            card_kinds text NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL
            """,
        stage: { fields in
            Result {
                let code = try FieldRules.code(fields[0], "code").get()
                let partner = try FieldRules.code(fields[1], "partner_code").get()
                let unit = try FieldRules.code(fields[2], "unit_code").get()
                let title = try FieldRules.text(fields[3], "title").get()
                guard
                    let basisPoints = Money.basisPoints(
                        fromPercent: FieldRules.trim(fields[4]))
                else {
                    throw RowMessage("percent must be a number from 0 to 100 with at most two decimals")
                }
                let cap = try FieldRules.optionalVND(fields[5], "max_discount_vnd").get()
                let minimum = try FieldRules.optionalVND(fields[6], "min_purchase_vnd").get() ?? "0"
                let kinds = try FieldRules.oneOf(fields[7], "card_kinds", CardKindCoverage.self).get()
                let from = try FieldRules.date(fields[8], "valid_from").get()
                let to = try FieldRules.date(fields[9], "valid_to").get()
                if let from, let to, from > to { throw RowMessage("valid_from is after valid_to") }
                return [code, partner, unit, title, String(basisPoints), cap, minimum, kinds, from, to]
            }.mapError { $0 as? RowMessage ?? RowMessage("invalid row") }
        },
        uniqueInFile: [repeatedValue(at: 0, what: "agreement code")],
        checks: [
            """
            SELECT s.line, 'partner_code ' || s.partner_code || ' is not a known partner'
            FROM staging s LEFT JOIN partners p ON p.code = s.partner_code
            WHERE p.id IS NULL ORDER BY s.line
            """,
            """
            SELECT s.line, 'unit_code ' || s.unit_code || ' is not a known unit'
            FROM staging s LEFT JOIN units u ON u.code = s.unit_code
            WHERE u.id IS NULL ORDER BY s.line
            """,
        ],
        upserts: [
            .init(
                label: "agreements",
                sql: upsert(
                    table: "agreements", key: "code",
                    columns: [
                        "partner_id", "unit_id", "title", "basis_points", "max_discount_vnd",
                        "min_purchase_vnd",
                        "card_kinds", "valid_from", "valid_to",
                    ],
                    source: """
                        SELECT s.code, p.id AS partner_id, u.id AS unit_id, s.title, s.basis_points,
                               s.max_discount_vnd, s.min_purchase_vnd, s.card_kinds, s.valid_from, s.valid_to
                        FROM staging s JOIN partners p ON p.code = s.partner_code JOIN units u ON u.code = s.unit_code
                        """))
        ])

    /// Refuses a second line with the same value in staged column `index`.
    private static func repeatedValue(at index: Int, what: String) -> UniqueInFile {
        UniqueInFile(
            value: { $0[index] }, message: { value, first in "\(what) \(value) repeats line \(first)" })
    }

    /// One statement that inserts the new rows of `source` and updates the existing rows whose
    /// values changed (unchanged rows are not touched), returning (inserted, updated).
    ///
    /// An anti-join INSERT and a join UPDATE over the staged rows run as two hash joins; that is
    /// faster for a million rows than `INSERT … ON CONFLICT`, which probes the unique index row
    /// by row; new rows go in key order, so the primary key's B-tree grows at its right edge.
    /// Both parts see the table as it was before the statement.
    private static func upsert(table: String, key: String, columns: [String], source: String) -> String {
        let assignments = columns.map { "\($0) = src.\($0)" }.joined(separator: ", ")
        let current = columns.map { "t.\($0)" }.joined(separator: ", ")
        let incoming = columns.map { "src.\($0)" }.joined(separator: ", ")
        let all = ([key] + columns).joined(separator: ", ")
        return """
            WITH src AS (\(source)),
            updated AS (
                UPDATE \(table) AS t SET \(assignments)
                FROM src WHERE t.\(key) = src.\(key) AND ROW(\(current)) IS DISTINCT FROM ROW(\(incoming))
                RETURNING 1
            ),
            inserted AS (
                INSERT INTO \(table) (\(all))
                SELECT \(all) FROM src WHERE NOT EXISTS (SELECT 1 FROM \(table) e WHERE e.\(key) = src.\(key))
                ORDER BY \(key)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
            """
    }

    private static func upsertCards(where condition: String) -> String {
        upsert(
            table: "cards", key: "card_number",
            columns: ["vpoint_code", "member_id", "kind", "status", "issued_on"],
            source: """
                SELECT card_number, vpoint_code, member_id, card_kind AS kind, card_status AS status, issued_on
                FROM staging s WHERE \(condition)
                """)
    }
}
