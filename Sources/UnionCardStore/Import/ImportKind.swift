/// One kind of CSV import: its header, how a row is checked and staged, and the SQL that checks
/// references across rows and upserts the staged rows.
///
/// Every import runs the same way (see `Importer`): rows are validated in Swift and streamed with
/// COPY into a temporary `staging` table that keeps each row's line number; the `checks` queries
/// return `(line, message)` pairs for problems only the database can see (unknown parent codes,
/// duplicates); the `upserts` then run in order, each returning `(inserted, updated)` counts.
struct ImportKind: Sendable {
    /// A named upsert step, e.g. "members" or "cards".
    struct Upsert: Sendable {
        /// What the counts refer to in the summary.
        var label: String
        /// SQL returning one row with two bigint columns: rows inserted, rows updated.
        var sql: String
    }

    /// The name on the command line: units, members, partners, agreements.
    var name: String
    /// The exact header row.
    var header: [String]
    /// Column definitions of the temporary staging table, after `line integer`.
    var stagingColumns: String
    /// Checks one row's fields (already known to be `header.count` of them) and returns the staged
    /// values (without the line number), or a message naming the bad column.
    var stage: @Sendable (_ fields: [String]) -> Result<[String?], RowMessage>
    /// Values that must not repeat within the file, checked in memory while reading (cheaper than
    /// asking the database to sort a million staged rows).
    var uniqueInFile: [UniqueInFile] = []
    /// Queries returning `(line integer, message text)` rows for problems only the database can see.
    var checks: [String]
    /// The upserts, run in order after the checks pass.
    var upserts: [Upsert]
    /// Whether the upserts may skip foreign-key triggers: true only where the checks and the order
    /// of the upserts already guarantee every reference (see `Importer`).
    var referencesCheckedByImport = false
    /// Statements run after the upserts, inside the transaction (e.g. recomputing unit paths).
    var finish: [String] = []
    /// A query returning `(line, message)` rows checked after `finish` (e.g. cycles in the tree).
    var finalChecks: [String] = []
}

/// A value that may appear on one line of the file only.
struct UniqueInFile: Sendable {
    /// The value of a staged row (nil: the row takes no part in this check).
    var value: @Sendable (_ staged: [String?]) -> String?
    /// The message for a repeat, given the value and the line it first appeared on.
    var message: @Sendable (_ value: String, _ firstLine: Int) -> String
}

/// A message about one row, naming the column; the importer adds the line number.
struct RowMessage: Error, Sendable, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
}
