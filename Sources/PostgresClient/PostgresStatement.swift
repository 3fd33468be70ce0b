/// A named statement with `$n` parameters; prepared lazily on each connection the first time it
/// is used there, then executed by name.
///
/// Give every distinct SQL text its own name: a connection that meets a known name with new SQL
/// deallocates the old statement and prepares the new one.
public struct PostgresStatement: Sendable, Hashable {
    /// The server-side statement name; unique per SQL text.
    public let name: String
    /// The SQL text, with `$1`, `$2`, … placeholders.
    public let sql: String

    /// Creates a statement; nothing is sent to a server until it is executed.
    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
