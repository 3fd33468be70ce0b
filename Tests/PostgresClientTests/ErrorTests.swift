import PostgresClient
import TestSupport
import Testing

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesSqlStateButNoRowValues() throws {
        let connection = try freshConnection("unique")
        try connection.simpleQuery("CREATE TABLE cards (number text PRIMARY KEY, holder text)")
        let insert = PostgresStatement(name: "insert_card", sql: "INSERT INTO cards VALUES ($1, $2)")
        _ = try connection.execute(insert, ["123456789012", "Trần Thị Bình"])
        let error = try #require(
            postgresError { try connection.execute(insert, ["123456789012", "Lê Văn Cường"]) })
        #expect(error.code == .queryFailed)
        #expect(error.sqlState == "23505")
        #expect(error.context == "execute insert_card")
        #expect(!error.isConnectionProblem)
        // DETAIL ("Key (number)=(123456789012) already exists.") must not leak anywhere.
        for text in [error.description, error.serverMessage ?? "", "\(error)", String(reflecting: error)] {
            #expect(!text.contains("123456789012"))
            #expect(!text.contains("Key ("))
        }
        #expect(error.serverMessage?.contains("duplicate key") == true)
        #expect(error.description.contains("23505"))
        #expect(error.description.contains("insert_card"))
        // The connection is still usable.
        #expect(try connection.query("SELECT count(*) FROM cards").rows[0][0] == "1")
    }

    @Test func syntaxErrorAndBadInputValue() throws {
        let connection = try freshConnection("syntax")
        let syntax = try #require(postgresError { try connection.query("SELEC 1") })
        #expect(syntax.sqlState == "42601")
        #expect(syntax.code == .queryFailed)
        #expect(syntax.context == "query")
        // The primary message quotes the bad value; the description must not.
        let bad = try #require(postgresError { try connection.query("SELECT $1::int", ["secret-value"]) })
        #expect(bad.sqlState == "22P02")
        #expect(!bad.description.contains("secret-value"))
    }

    @Test func connectionFailureIsFastAndAConnectionProblem() throws {
        var failure: PostgresError?
        let elapsed = seconds {
            failure = postgresError {
                try PostgresConnection(conninfo: "host=127.0.0.1 port=1 dbname=x user=postgres")
            }
        }
        let error = try #require(failure)
        #expect(error.code == .connectionFailed)
        #expect(error.isConnectionProblem)
        #expect(error.context == "connect")
        #expect(error.serverMessage != nil)
        #expect(elapsed < 5)
        let missing = postgresError {
            try PostgresConnection(
                conninfo: TemporaryPostgres.shared().conninfo(database: "no_such_database"))
        }
        #expect(missing?.code == .connectionFailed)
        #expect(missing?.sqlState == nil || missing?.sqlState == "3D000")
    }

    @Test func connectionProblemClassification() {
        #expect(PostgresError(.queryFailed, sqlState: "08006", context: "x").isConnectionProblem)
        #expect(PostgresError(.queryFailed, sqlState: "57P01", context: "x").isConnectionProblem)
        #expect(PostgresError(.queryFailed, sqlState: "57P03", context: "x").isConnectionProblem)
        #expect(!PostgresError(.queryFailed, sqlState: "57014", context: "x").isConnectionProblem)
        #expect(!PostgresError(.queryFailed, sqlState: "23505", context: "x").isConnectionProblem)
        #expect(!PostgresError(.poolTimeout, context: "x").isConnectionProblem)
        #expect(PostgresError(.connectionLost, context: "x").isConnectionProblem)
        let error = PostgresError(
            .queryFailed, sqlState: "23505", context: "execute x", serverMessage: "secret")
        #expect(error.description == "PostgresError(queryFailed, sqlState: 23505, context: execute x)")
    }
}
