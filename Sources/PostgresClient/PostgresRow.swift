/// One row of a result: text values, nil for SQL NULL.
public struct PostgresRow: Sendable {
    /// The column names, shared by all rows of a result.
    public var columns: [String]
    /// The raw text values, one per column; nil for NULL.
    var values: [String?]

    /// Creates a row; `values` must have one entry per column.
    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The raw text value at `index`, nil for NULL or for an index out of range.
    public subscript(index: Int) -> String? {
        values.indices.contains(index) ? values[index] : nil
    }

    /// The raw text value of the first column named `column`, nil for NULL or an unknown name.
    public subscript(column: String) -> String? {
        columns.firstIndex(of: column).flatMap { self[$0] }
    }

    /// Decodes the value at `index`; throws `decodingFailed` on NULL, bad text or a bad index.
    public func decode<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T {
        guard let value = try decodeIfPresent(type, at: index) else {
            throw PostgresError(.decodingFailed, context: "decode \(T.self) from NULL in \(describe(index))")
        }
        return value
    }

    /// Decodes the value of the first column named `column`; throws `decodingFailed` on NULL,
    /// bad text or an unknown column.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        try decode(type, at: index(of: column))
    }

    /// Decodes the value at `index`, nil for NULL; throws `decodingFailed` on bad text or a bad
    /// index.
    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T? {
        guard values.indices.contains(index) else {
            throw PostgresError(
                .decodingFailed, context: "decode \(T.self): no column \(index) of \(values.count)")
        }
        guard let text = values[index] else {
            return nil
        }
        do {
            return try T(postgresText: text)
        } catch var error as PostgresError {
            // Name the column, never the value (it may be personal data).
            error.context = "decode \(T.self) from \(describe(index))"
            throw error
        }
    }

    /// Decodes the value of the first column named `column`, nil for NULL; throws
    /// `decodingFailed` on bad text or an unknown column.
    public func decodeIfPresent<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T? {
        try decodeIfPresent(type, at: index(of: column))
    }

    private func index(of column: String) throws -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(.decodingFailed, context: "no column named \(column)")
        }
        return index
    }

    private func describe(_ index: Int) -> String {
        columns.indices.contains(index) ? "column \(index) (\(columns[index]))" : "column \(index)"
    }
}
