import PostgresClient
import Testing

@Suite struct QueryTests {
    @Test func parametersIncludingNullUnicodeAndInjectionTextRoundTrip() throws {
        let connection = try freshConnection("query")
        try connection.simpleQuery("CREATE TABLE people (id int PRIMARY KEY, name text, note text)")
        let name = "Nguyễn Văn Ấn — Đà Nẵng, Thừa Thiên Huế 😀"
        let injection = "x'); DROP TABLE people; --"
        let insert = try connection.query(
            "INSERT INTO people (id, name, note) VALUES ($1, $2, $3), ($4, $5, $6)",
            ["1", name, nil, "2", injection, "\\ 'quoted' \"double\" $1"])
        #expect(insert.affectedRows == 2)

        let result = try connection.query(
            "SELECT id, name, note FROM people WHERE id = $1 OR name = $2 ORDER BY id", ["1", injection])
        #expect(result.columns == ["id", "name", "note"])
        #expect(result.rows.count == 2)
        #expect(result.affectedRows == 2)
        #expect(result.rows[0][1] == name)
        #expect(result.rows[0][2] == nil)
        #expect(result.rows[1][1] == injection)
        #expect(result.rows[1][2] == "\\ 'quoted' \"double\" $1")
        // The server sees the same characters (not mojibake): length counts code points.
        let length = try connection.query("SELECT length($1), $1 = $2", [name, name])
        #expect(try length.rows[0].decode(Int.self, at: 0) == name.unicodeScalars.count)
        #expect(try length.rows[0].decode(Bool.self, at: 1))
        // The table survived the injection-looking text.
        #expect(try connection.query("SELECT count(*) FROM people").rows[0].decode(Int.self, at: 0) == 2)
        // A NULL parameter compares as NULL, not as the string "NULL".
        let nullCheck = try connection.query("SELECT $1::text IS NULL, $2::text IS NULL", [nil, "NULL"])
        #expect(nullCheck.rows[0][0] == "t")
        #expect(nullCheck.rows[0][1] == "f")
        #expect(try connection.query("SHOW client_encoding").rows[0][0] == "UTF8")
    }

    @Test func parameterWithNulByteIsRejectedNotTruncated() throws {
        let connection = try freshConnection("nul")
        let error = postgresError { try connection.query("SELECT $1::text", ["abc\u{0}def"]) }
        #expect(error?.code == .queryFailed)
        #expect(error?.sqlState == "22021")
        #expect(try connection.query("SELECT 1").rows.count == 1)
    }

    @Test func preparedStatementsArePreparedOncePerConnectionAndReused() throws {
        let connection = try freshConnection("prepared")
        let statement = PostgresStatement(name: "add_numbers", sql: "SELECT $1::int + $2::int AS total")
        for index in 0..<5 {
            let result = try connection.execute(statement, [String(index), "10"])
            #expect(try result.rows[0].decode(Int.self, "total") == index + 10)
        }
        let prepared = try connection.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = $1", [statement.name])
        #expect(prepared.rows[0][0] == "1")

        // After a reconnect the statement is prepared again on the new session.
        try connection.reconnect()
        #expect(try connection.execute(statement, ["1", "2"]).rows[0][0] == "3")

        // The same name with other SQL replaces the statement on this connection.
        let changed = PostgresStatement(name: "add_numbers", sql: "SELECT $1::int * $2::int AS total")
        #expect(try connection.execute(changed, ["3", "4"]).rows[0][0] == "12")

        // A session that lost its statements (DISCARD ALL) prepares them again.
        try connection.simpleQuery("DEALLOCATE ALL")
        #expect(try connection.execute(changed, ["5", "4"]).rows[0][0] == "20")
    }

    @Test func simpleQueryRunsSeveralStatementsAndStopsAtTheFirstError() throws {
        let connection = try freshConnection("simple")
        try connection.simpleQuery(
            """
            CREATE TABLE a (x int);
            INSERT INTO a VALUES (1), (2);
            CREATE INDEX a_x ON a (x);
            """)
        #expect(try connection.query("SELECT sum(x) FROM a").rows[0][0] == "3")
        let error = postgresError {
            try connection.simpleQuery(
                "INSERT INTO a VALUES (3); SELECT nonsense FROM a; INSERT INTO a VALUES (4);")
        }
        #expect(error?.sqlState == "42703")
        // The statements ran as one implicit transaction: the first insert is gone too.
        #expect(try connection.query("SELECT count(*) FROM a").rows[0][0] == "2")
    }

    @Test func connectionStringsAsUriOrKeyValueWithOurDefaults() throws {
        let (cluster, conninfo) = try freshDatabase("uri")
        let database = try #require(
            conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }?.dropFirst(7))
        let viaURI = try PostgresConnection(conninfo: cluster.uri(database: String(database)))
        #expect(try viaURI.query("SELECT current_database()").rows[0][0] == String(database))
        #expect(try viaURI.query("SELECT current_setting('application_name')").rows[0][0] == "unioncard")
        let named = try PostgresConnection(
            conninfo: cluster.tcpConninfo(database: String(database))
                + " application_name=tills client_encoding=LATIN1")
        #expect(try named.query("SELECT current_setting('application_name')").rows[0][0] == "tills")
        #expect(try named.query("SHOW client_encoding").rows[0][0] == "UTF8")
    }

    @Test func closedConnectionThrowsAndCloseIsIdempotent() throws {
        let connection = try freshConnection("closed")
        connection.close()
        connection.close()
        #expect(connection.isBroken)
        let error = postgresError { try connection.query("SELECT 1") }
        #expect(error?.code == .connectionLost)
        try connection.reconnect()
        #expect(try connection.query("SELECT 1").rows[0][0] == "1")
    }

    @Test func unexpectedCopyOutIsEndedAndTheConnectionStaysUsable() throws {
        let connection = try freshConnection("copyout")
        let error = postgresError { try connection.query("COPY (SELECT 1) TO STDOUT") }
        #expect(error?.code == .unexpectedResult)
        #expect(try connection.query("SELECT 2").rows[0][0] == "2")
        #expect(!connection.isBroken)
    }
}
