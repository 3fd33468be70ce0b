/// The outcome of one statement: its rows (if any) and the affected-row count.
public struct PostgresResult: Sendable {
    /// The column names; empty for statements that return no rows.
    public var columns: [String]
    /// The rows, in the order the server sent them.
    public var rows: [PostgresRow]
    /// Rows inserted, updated, deleted, selected or copied, as the command tag reports; 0 when
    /// the command reports none.
    public var affectedRows: Int

    /// Creates a result.
    public init(columns: [String], rows: [PostgresRow], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }
}
