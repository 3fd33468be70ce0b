import Foundation
import PostgresClient

/// Applies the numbered SQL files of `sql/` in order, each once, recording them in `schema_migrations`.
public struct MigrationRunner: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The file name without extension, e.g. "001_registry"; the order key.
        public var version: String
        /// The SQL text.
        public var sql: String
    }

    /// The directory holding `NNN_name.sql` files.
    public let directory: String

    /// Creates a runner for the migrations in `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Finds the `sql/` directory: an explicit path, else `UNIONCARD_MIGRATIONS`, else
    /// `/usr/share/unioncard/sql`, else the nearest `sql/` above the running executable (a checkout).
    public static func locateDirectory(explicit: String?, executablePath: String) -> String? {
        let environment = ProcessInfo.processInfo.environment["UNIONCARD_MIGRATIONS"]
        for candidate in [explicit, environment, "/usr/share/unioncard/sql"].compactMap({ $0 })
        where hasMigrations(candidate) {
            return candidate
        }
        var directory = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("sql").path
            if hasMigrations(candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    private static func hasMigrations(_ directory: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.contains { $0.hasPrefix("001_") && $0.hasSuffix(".sql") }
    }

    /// Reads the migration files, sorted by version.
    public func migrations() throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw StoreError(code: .migrationsUnavailable, context: "read \(directory)")
        }
        return try names.filter { $0.hasSuffix(".sql") }.sorted().map { name in
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                let sql = String(data: data, encoding: .utf8)
            else {
                throw StoreError(code: .migrationsUnavailable, context: "read \(path)")
            }
            return Migration(version: String(name.dropLast(4)), sql: sql)
        }
    }

    /// Applies the pending migrations in one transaction (all or nothing) and returns their versions.
    ///
    /// An advisory lock makes concurrent runs wait for each other instead of racing.
    public func apply(on connection: PostgresConnection) throws -> [String] {
        let all = try migrations()
        try connection.simpleQuery(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        return try connection.transaction { connection in
            _ = try connection.query("SELECT pg_advisory_xact_lock(7262001)")
            let done = Set(
                try connection.query("SELECT version FROM schema_migrations").rows.map {
                    try $0.decode(String.self, at: 0)
                })
            var applied: [String] = []
            for migration in all where !done.contains(migration.version) {
                try connection.simpleQuery(migration.sql)
                _ = try connection.query(
                    "INSERT INTO schema_migrations (version) VALUES ($1)", [migration.version])
                applied.append(migration.version)
            }
            return applied
        }
    }
}
