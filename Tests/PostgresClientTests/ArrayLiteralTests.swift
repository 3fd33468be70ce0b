import PostgresClient
import Testing

@Suite struct ArrayLiteralTests {
    @Test func textArraysRoundTripThroughTheServerWithNullsQuotesAndBackslashes() throws {
        let connection = try freshConnection("arrays")
        let elements: [String?] = [
            "plain", nil, "with \"quotes\"", "back\\slash", "comma, {braces}", "", "NULL", "Nguyễn 😀",
        ]
        let result = try connection.query(
            "SELECT value, value IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(value, n) ORDER BY n",
            [PostgresArrayLiteral.encode(elements)])
        #expect(result.rows.map { $0[0] } == elements)
        #expect(result.rows.map { $0[1] } == elements.map { $0 == nil ? "t" : "f" })
    }

    @Test func integerArraysAndTheEmptyArray() throws {
        let connection = try freshConnection("arrays")
        let sum = try connection.query(
            "SELECT sum(x) FROM unnest($1::bigint[]) AS x", [PostgresArrayLiteral.encode([1, -2, 40])])
        #expect(sum.rows[0][0] == "39")
        let empty = try connection.query(
            "SELECT cardinality($1::text[])", [PostgresArrayLiteral.encode([String?]())])
        #expect(empty.rows[0][0] == "0")
    }
}
