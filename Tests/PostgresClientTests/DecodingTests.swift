import PostgresClient
import Testing

@Suite struct DecodingTests {
    @Test func typedDecodingByIndexAndName() throws {
        let connection = try freshConnection("decode")
        let row = try connection.query(
            """
            SELECT 'chữ'::text AS s, 42::int AS i, 9000000000::int8 AS big, (-7)::int4 AS small,
                   true AS yes, false AS no, 2.5::float8 AS d, NULL::int AS missing
            """
        ).rows[0]
        #expect(try row.decode(String.self, "s") == "chữ")
        #expect(try row.decode(Int.self, at: 1) == 42)
        #expect(try row.decode(Int64.self, "big") == 9_000_000_000)
        #expect(try row.decode(Int32.self, "small") == -7)
        #expect(try row.decode(Bool.self, "yes") == true)
        #expect(try row.decode(Bool.self, at: 5) == false)
        #expect(try row.decode(Double.self, "d") == 2.5)
        #expect(try row.decodeIfPresent(Int.self, "missing") == nil)
        #expect(try row.decodeIfPresent(Int.self, at: 1) == 42)
        #expect(row[7] == nil)
        #expect(row["s"] == "chữ")
    }

    @Test func decodingFailuresThrowDecodingFailedWithoutTheValue() throws {
        let connection = try freshConnection("decodefail")
        let row = try connection.query(
            "SELECT 'Nguyễn secret'::text AS name, NULL::int AS missing, 99999999999::int8 AS big"
        ).rows[0]
        let notInt = postgresError { try row.decode(Int.self, "name") }
        #expect(notInt?.code == .decodingFailed)
        #expect(notInt?.context.contains("name") == true)
        #expect(notInt?.description.contains("secret") == false)
        #expect(postgresError { try row.decode(Int.self, "missing") }?.code == .decodingFailed)
        #expect(postgresError { try row.decode(Bool.self, at: 0) }?.code == .decodingFailed)
        #expect(postgresError { try row.decode(Int32.self, "big") }?.code == .decodingFailed)
        #expect(postgresError { try row.decode(String.self, "nope") }?.code == .decodingFailed)
        #expect(postgresError { try row.decodeIfPresent(String.self, at: 9) }?.code == .decodingFailed)
        #expect(postgresError { try row.decodeIfPresent(Double.self, "name") }?.code == .decodingFailed)
    }
}
