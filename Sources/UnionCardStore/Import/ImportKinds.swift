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
                let parentText = fields[3].trimmingCharacters(in: .whitespaces)
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
        checks: [
            duplicateCheck(column: "code", what: "unit code"),
            """
            SELECT s.line, 'parent_code ' || s.parent_code || ' is not a known unit'
            FROM staging s
            WHERE s.parent_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM staging p WHERE p.code = s.parent_code)
              AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = s.parent_code)
            ORDER BY s.line
            """,
        ],
        upserts: [
            .init(
                label: "units",
                sql: upsertCounting(
                    """
                    INSERT INTO units AS t (code, name, level)
                    SELECT code, name, level FROM staging
                    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level
                    WHERE (t.name, t.level) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level)
                    RETURNING (xmax = 0) AS inserted
                    """)),
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
                let cardText = fields[4].trimmingCharacters(in: .whitespaces)
                guard case .barcode(let cardNumber)? = CardCode.parse(cardText), cardText.utf8.count == 12
                else {
                    throw RowMessage("card_number must be exactly 12 digits")
                }
                let vpointText = fields[5].trimmingCharacters(in: .whitespaces)
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
        checks: [
            duplicateCheck(column: "card_number", what: "card_number"),
            duplicateCheck(column: "vpoint_code", what: "vpoint_code"),
            """
            SELECT s.line, 'unit_code ' || s.unit_code || ' is not a known unit'
            FROM staging s LEFT JOIN units u ON u.code = s.unit_code
            WHERE u.id IS NULL ORDER BY s.line
            """,
            """
            SELECT s.line, 'member ' || s.member_id || ' has more than one active card in the file'
            FROM staging s
            WHERE s.card_status = 'active'
              AND EXISTS (SELECT 1 FROM staging o WHERE o.member_id = s.member_id
                          AND o.card_status = 'active' AND o.line < s.line)
            ORDER BY s.line
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
                sql: upsertCounting(
                    """
                    INSERT INTO members AS t (member_id, full_name, unit_id, status)
                    SELECT DISTINCT ON (s.member_id) s.member_id, s.full_name, u.id, s.member_status
                    FROM staging s JOIN units u ON u.code = s.unit_code
                    ORDER BY s.member_id, s.line DESC
                    ON CONFLICT (member_id) DO UPDATE
                    SET full_name = EXCLUDED.full_name, unit_id = EXCLUDED.unit_id, status = EXCLUDED.status
                    WHERE (t.full_name, t.unit_id, t.status)
                        IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.unit_id, EXCLUDED.status)
                    RETURNING (xmax = 0) AS inserted
                    """)),
            // Cards that stop being active go first, so that a card exchange never has two active
            // cards for one member in between.
            .init(label: "cards (not active)", sql: upsertCards(where: "s.card_status <> 'active'")),
            .init(label: "cards (active)", sql: upsertCards(where: "s.card_status = 'active'")),
        ])

    /// `code,name,tax_code`.
    static let partners = ImportKind(
        name: "partners",
        header: ["code", "name", "tax_code"],
        stagingColumns: "code text NOT NULL, name text NOT NULL, tax_code text NOT NULL",
        stage: { fields in
            Result {
                let code = try FieldRules.code(fields[0], "code").get()
                let name = try FieldRules.text(fields[1], "name").get()
                let taxCode = fields[2].trimmingCharacters(in: .whitespaces)
                guard taxCode.count <= 20,
                    taxCode.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
                else {
                    throw RowMessage("tax_code must be digits and dashes (at most 20)")
                }
                return [code, name, taxCode]
            }.mapError { $0 as? RowMessage ?? RowMessage("invalid row") }
        },
        checks: [duplicateCheck(column: "code", what: "partner code")],
        upserts: [
            .init(
                label: "partners",
                sql: upsertCounting(
                    """
                    INSERT INTO partners AS t (code, name, tax_code)
                    SELECT code, name, tax_code FROM staging
                    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, tax_code = EXCLUDED.tax_code
                    WHERE (t.name, t.tax_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.tax_code)
                    RETURNING (xmax = 0) AS inserted
                    """))
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
                        fromPercent: fields[4].trimmingCharacters(in: .whitespaces))
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
        checks: [
            duplicateCheck(column: "code", what: "agreement code"),
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
                sql: upsertCounting(
                    """
                    INSERT INTO agreements AS t (code, partner_id, unit_id, title, basis_points, max_discount_vnd,
                                                 min_purchase_vnd, card_kinds, valid_from, valid_to)
                    SELECT s.code, p.id, u.id, s.title, s.basis_points, s.max_discount_vnd, s.min_purchase_vnd,
                           s.card_kinds, s.valid_from, s.valid_to
                    FROM staging s JOIN partners p ON p.code = s.partner_code JOIN units u ON u.code = s.unit_code
                    ON CONFLICT (code) DO UPDATE SET
                        partner_id = EXCLUDED.partner_id, unit_id = EXCLUDED.unit_id, title = EXCLUDED.title,
                        basis_points = EXCLUDED.basis_points, max_discount_vnd = EXCLUDED.max_discount_vnd,
                        min_purchase_vnd = EXCLUDED.min_purchase_vnd, card_kinds = EXCLUDED.card_kinds,
                        valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to
                    WHERE (t.partner_id, t.unit_id, t.title, t.basis_points, t.max_discount_vnd, t.min_purchase_vnd,
                           t.card_kinds, t.valid_from, t.valid_to)
                        IS DISTINCT FROM
                          (EXCLUDED.partner_id, EXCLUDED.unit_id, EXCLUDED.title, EXCLUDED.basis_points,
                           EXCLUDED.max_discount_vnd, EXCLUDED.min_purchase_vnd, EXCLUDED.card_kinds,
                           EXCLUDED.valid_from, EXCLUDED.valid_to)
                    RETURNING (xmax = 0) AS inserted
                    """))
        ])

    /// Reports every later line that repeats a value of `column` seen on an earlier line.
    private static func duplicateCheck(column: String, what: String) -> String {
        """
        SELECT line, '\(what) ' || \(column) || ' repeats line ' || first_line
        FROM (SELECT line, \(column), min(line) OVER (PARTITION BY \(column)) AS first_line
              FROM staging WHERE \(column) IS NOT NULL) d
        WHERE line <> first_line ORDER BY line
        """
    }

    /// Wraps an `INSERT … RETURNING (xmax = 0) AS inserted` into a query of (inserted, updated).
    private static func upsertCounting(_ insert: String) -> String {
        """
        WITH upserted AS (\(insert))
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
        """
    }

    private static func upsertCards(where condition: String) -> String {
        upsertCounting(
            """
            INSERT INTO cards AS t (card_number, vpoint_code, member_id, kind, status, issued_on)
            SELECT s.card_number, s.vpoint_code, s.member_id, s.card_kind, s.card_status, s.issued_on
            FROM staging s WHERE \(condition)
            ON CONFLICT (card_number) DO UPDATE SET
                vpoint_code = EXCLUDED.vpoint_code, member_id = EXCLUDED.member_id, kind = EXCLUDED.kind,
                status = EXCLUDED.status, issued_on = EXCLUDED.issued_on
            WHERE (t.vpoint_code, t.member_id, t.kind, t.status, t.issued_on)
                IS DISTINCT FROM (EXCLUDED.vpoint_code, EXCLUDED.member_id, EXCLUDED.kind,
                                  EXCLUDED.status, EXCLUDED.issued_on)
            RETURNING (xmax = 0) AS inserted
            """)
    }
}
