import PostgresClient
import Testing
import UnionCardStore

@Suite("Migrations")
struct MigrationTests {
    @Test("apply from empty, then a re-run is a no-op")
    func applyAndRerun() throws {
        let fixture = try StoreFixture(migrated: false)
        let runner = MigrationRunner(directory: StoreFixture.migrationsDirectory)
        let all = try runner.migrations().map(\.version)
        #expect(all.first == "001_registry")
        #expect(try runner.apply(on: fixture.connection) == all)
        #expect(try runner.apply(on: fixture.connection).isEmpty)
        #expect(try fixture.count("SELECT count(*) FROM schema_migrations") == all.count)
        for table in ["units", "members", "cards", "partners", "agreements", "api_keys", "audit_events"] {
            #expect(try fixture.count("SELECT count(*) FROM pg_tables WHERE tablename = '\(table)'") == 1)
        }
    }

    @Test("the daemon's role reads the registry and appends audit rows, but cannot rewrite them")
    func appRolePrivileges() throws {
        let fixture = try StoreFixture()
        func can(_ privilege: String, _ table: String) throws -> Bool {
            try fixture.connection.query(
                "SELECT has_table_privilege('unioncard_app', $1, $2)", [table, privilege]
            ).rows[0].decode(Bool.self, at: 0)
        }
        #expect(try can("SELECT", "cards"))
        #expect(try can("INSERT", "audit_events"))
        #expect(try !can("UPDATE", "audit_events"))
        #expect(try !can("DELETE", "audit_events"))
        #expect(try !can("TRUNCATE", "audit_events"))
        #expect(try !can("INSERT", "cards"))
        #expect(try !can("UPDATE", "api_keys"))
    }

    @Test("keys and partners that audit rows refer to are never deleted, not even by the owner")
    func auditReferencesStayResolvable() throws {
        let fixture = try StoreFixture()
        try fixture.loadSampleRegistry()
        _ = try KeyStore().issue(owner: .partner("COOP"), label: "till", on: fixture.connection)
        for statement in [
            "DELETE FROM api_keys", "TRUNCATE api_keys CASCADE", "DELETE FROM partners WHERE code = 'PHO'",
            "TRUNCATE partners CASCADE",
        ] {
            #expect(throws: PostgresError.self, "\(statement)") {
                try fixture.connection.simpleQuery(statement)
            }
        }
        #expect(try fixture.count("SELECT count(*) FROM api_keys") == 1)
        #expect(try fixture.count("SELECT count(*) FROM partners") == 2)
    }

    @Test("locating the sql folder from an executable inside the checkout")
    func locateFromExecutable() {
        let found = MigrationRunner.locateDirectory(
            explicit: nil, executablePath: StoreFixture.repositoryRoot + "/.build/debug/unioncardctl")
        #expect(found == StoreFixture.migrationsDirectory)
        #expect(MigrationRunner.locateDirectory(explicit: nil, executablePath: "/nonexistent/bin/x") == nil)
    }
}
