import PostgresClient

/// What the daemon's own database session must not be able to do, checked before it serves:
/// rewrite the audit trail, or acknowledge commits that are not yet durable.
public enum DurabilityCheck {
    /// The problems found (empty when the session is safe to serve with).
    public static func problems(on connection: PostgresConnection) throws -> [String] {
        var problems: [String] = []
        let rows = try connection.query(
            """
            SELECT t.name, p.privilege
            FROM (VALUES ('audit_events'), ('audit_chain')) AS t(name)
            CROSS JOIN (VALUES ('UPDATE'), ('DELETE'), ('TRUNCATE')) AS p(privilege)
            WHERE to_regclass(t.name) IS NOT NULL AND has_table_privilege(current_user, t.name, p.privilege)
            ORDER BY 1, 2
            """
        ).rows
        for row in rows {
            problems.append(
                "the database role may \(try row.decode(String.self, at: 1)) \(try row.decode(String.self, at: 0)); "
                    + "connect as unioncard_app")
        }
        let commit = try connection.query("SHOW synchronous_commit").rows.first?.decode(String.self, at: 0)
        if commit == "off" {
            problems.append("synchronous_commit is off: an answered lookup could lose its audit row")
        }
        return problems
    }
}
