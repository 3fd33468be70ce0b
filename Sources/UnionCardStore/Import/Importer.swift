import Foundation
import PostgresClient

/// Loads a CSV export of the member-management software into the registry.
///
/// The whole import is one transaction: when any row is bad, nothing is loaded and the error
/// lists the bad lines (up to `maximumReportedProblems`).
public struct Importer: Sendable {
    /// The kinds of file `unioncardctl import` accepts.
    public enum Kind: String, Sendable, CaseIterable {
        /// Union units: `code,name,level,parent_code`.
        case units
        /// Members and cards, one row per card.
        case members
        /// Partner businesses: `code,name,tax_code`.
        case partners
        /// Cooperation agreements.
        case agreements

        var definition: ImportKind {
            switch self {
            case .units: return ImportKinds.units
            case .members: return ImportKinds.members
            case .partners: return ImportKinds.partners
            case .agreements: return ImportKinds.agreements
            }
        }
    }

    /// Rows inserted and updated by one upsert step.
    public struct Count: Sendable, Equatable {
        /// What was counted, e.g. "cards".
        public var label: String
        /// New rows.
        public var inserted: Int
        /// Existing rows whose values changed.
        public var updated: Int
    }

    /// What an import did.
    public struct Summary: Sendable, Equatable {
        /// Data rows read from the file.
        public var rows: Int
        /// Per-table counts.
        public var counts: [Count]
    }

    /// At most this many row problems are collected before the import gives up.
    public static let maximumReportedProblems = 50
    private static let copyChunkBytes = 1 << 20

    /// Creates an importer.
    public init() {}

    /// Imports `path` as `kind` on `connection`, in one transaction.
    ///
    /// - Parameter progress: called with the number of rows read so far, every 100,000 rows.
    /// - Throws: `StoreError` for unreadable files and bad rows, `PostgresError` for database failures.
    public func importFile(
        _ path: String, as kind: Kind, on connection: PostgresConnection,
        progress: (Int) -> Void = { _ in }
    ) throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(code: .unreadableFile, context: "import \(kind.rawValue): cannot read \(path)")
        }
        return try importBytes([UInt8](data), as: kind, on: connection, progress: progress)
    }

    /// Imports CSV bytes as `kind`; see `importFile`.
    public func importBytes(
        _ bytes: [UInt8], as kind: Kind, on connection: PostgresConnection,
        progress: (Int) -> Void = { _ in }
    ) throws -> Summary {
        let definition = kind.definition
        let context = "import \(kind.rawValue)"
        return try connection.transaction { connection in
            // The checks and upserts hash-join and sort up to millions of staged rows: with the
            // default 4 MB they would spill to disk several times over.
            try connection.simpleQuery("SET LOCAL work_mem = '256MB'")
            try connection.simpleQuery(
                "CREATE TEMPORARY TABLE staging (line integer NOT NULL, \(definition.stagingColumns)) "
                    + "ON COMMIT DROP")
            var problems: [StoreError.RowProblem] = []
            var rows = 0
            do {
                _ = try connection.copyIn("COPY staging FROM STDIN") { write in
                    rows = try Self.stageRows(
                        bytes, definition, problems: &problems, write: write, progress: progress)
                    if !problems.isEmpty {
                        throw StoreError(code: .invalidRows, context: context, problems: problems)
                    }
                }
            } catch let error as CSVReader.SyntaxError {
                problems.append(StoreError.RowProblem(line: error.line, message: error.message))
                throw StoreError(code: .invalidRows, context: context, problems: problems)
            }
            if rows == 0 {
                throw StoreError(
                    code: .invalidRows, context: context,
                    problems: [StoreError.RowProblem(line: 2, message: "the file has no data rows")])
            }
            try connection.simpleQuery("ANALYZE staging")
            try Self.runChecks(definition.checks, on: connection, context: context)
            if definition.referencesCheckedByImport {
                try Self.skipForeignKeyTriggers(on: connection)
            }
            var counts: [Count] = []
            for upsert in definition.upserts {
                let row = try connection.query(upsert.sql).rows.first
                counts.append(
                    Count(
                        label: upsert.label,
                        inserted: try row?.decodeIfPresent(Int.self, at: 0) ?? 0,
                        updated: try row?.decodeIfPresent(Int.self, at: 1) ?? 0))
            }
            for statement in definition.finish {
                try connection.simpleQuery(statement)
            }
            try Self.runChecks(definition.finalChecks, on: connection, context: context)
            return Summary(rows: rows, counts: counts)
        }
    }

    /// Reads the CSV, checks the header and every row, and streams good rows to COPY.
    private static func stageRows(
        _ bytes: [UInt8], _ definition: ImportKind, problems: inout [StoreError.RowProblem],
        write: ([UInt8]) throws -> Void, progress: (Int) -> Void
    ) throws -> Int {
        var encoder = CopyTextEncoder()
        var rows = 0
        var sawHeader = false
        var firstLines = definition.uniqueInFile.map { _ in [String: Int]() }
        try CSVReader(bytes: bytes).forEachRecord { fields, line in
            guard sawHeader else {
                sawHeader = true
                let header = fields.map(FieldRules.trim)
                if header != definition.header {
                    problems.append(
                        StoreError.RowProblem(
                            line: line,
                            message: "header must be \(definition.header.joined(separator: ","))"))
                    throw StoreError(
                        code: .invalidRows, context: "import \(definition.name)", problems: problems)
                }
                return
            }
            rows += 1
            if rows % 100_000 == 0 { progress(rows) }
            guard problems.count < maximumReportedProblems else { return }
            guard fields.count == definition.header.count else {
                problems.append(
                    StoreError.RowProblem(
                        line: line,
                        message: "expected \(definition.header.count) fields, found \(fields.count)"))
                return
            }
            switch definition.stage(fields) {
            case .success(let values):
                for (index, unique) in definition.uniqueInFile.enumerated() {
                    guard let value = unique.value(values) else { continue }
                    if let first = firstLines[index][value] {
                        problems.append(
                            StoreError.RowProblem(line: line, message: unique.message(value, first)))
                    } else {
                        firstLines[index][value] = line
                    }
                }
                encoder.append(row: [String(line)] + values)
                if encoder.buffer.count >= copyChunkBytes { try write(encoder.take()) }
            case .failure(let message):
                problems.append(StoreError.RowProblem(line: line, message: message.text))
            }
        }
        if !sawHeader {
            problems.append(StoreError.RowProblem(line: 1, message: "the file is empty"))
        }
        if problems.isEmpty, !encoder.buffer.isEmpty { try write(encoder.take()) }
        return rows
    }

    /// Foreign-key checks lock each referenced row, which for a million cards costs more than the
    /// insert itself. Where the import has already guaranteed the references, a superuser may skip
    /// them for this transaction (`session_replication_role = replica`, which also skips other
    /// triggers: members and cards have none). Other roles keep the checks; nothing else changes.
    private static func skipForeignKeyTriggers(on connection: PostgresConnection) throws {
        let superuser = try connection.query(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).rows.first?.decode(Bool.self, at: 0)
        if superuser == true {
            try connection.simpleQuery("SET LOCAL session_replication_role = replica")
        }
    }

    private static func runChecks(_ checks: [String], on connection: PostgresConnection, context: String)
        throws
    {
        var problems: [StoreError.RowProblem] = []
        for check in checks {
            let result = try connection.query(check + " LIMIT \(maximumReportedProblems)")
            for row in result.rows {
                problems.append(
                    StoreError.RowProblem(
                        line: try row.decode(Int.self, at: 0), message: try row.decode(String.self, at: 1)))
            }
        }
        if !problems.isEmpty {
            problems.sort { $0.line < $1.line }
            throw StoreError(
                code: .invalidRows, context: context,
                problems: Array(problems.prefix(maximumReportedProblems)))
        }
    }
}
