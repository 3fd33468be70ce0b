/// A failure of the store that is not a plain database error: bad input files, missing migrations.
///
/// `description` is meant for operators; it names files, line numbers and columns, never row values
/// beyond what the operator's own input file already shows them.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The migrations directory or a migration file could not be read.
        case migrationsUnavailable
        /// An import file could not be read or is not valid CSV.
        case unreadableFile
        /// One or more rows of an import file are invalid; see `problems`.
        case invalidRows
        /// A key id, partner or unit named on the command line does not exist.
        case notFound
        /// A database row did not have the shape the code expects (a schema mismatch).
        case unexpectedData
    }

    /// One problem with one line of an import file.
    public struct RowProblem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number in the file (the header is line 1).
        public var line: Int
        /// What is wrong, naming the column.
        public var message: String

        /// Creates a problem report for a line.
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        /// "line 12: card_number must be exactly 12 digits".
        public var description: String { "line \(line): \(message)" }
    }

    /// The kind of failure.
    public var code: Code
    /// What was being done, e.g. "import members".
    public var context: String
    /// Row problems, for `.invalidRows`; at most `Importer.maximumReportedProblems`.
    public var problems: [RowProblem]

    /// Creates a store error.
    public init(code: Code, context: String, problems: [RowProblem] = []) {
        self.code = code
        self.context = context
        self.problems = problems
    }

    /// A readable summary: the context, then one line per row problem.
    public var description: String {
        var text = "\(context): \(code.rawValue)"
        for problem in problems {
            text += "\n  \(problem)"
        }
        return text
    }
}
