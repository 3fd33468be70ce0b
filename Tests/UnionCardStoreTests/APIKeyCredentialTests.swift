import Testing
import UnionCardStore

@Suite("API key credentials")
struct APIKeyCredentialTests {
    static let secret = String(repeating: "0123456789abcdef", count: 4)

    @Test("uck_<id>_<64 hex> parses into id and secret, and prints back the same")
    func parses() throws {
        let credential = try #require(APIKeyCredential(parsing: "uck_42_\(Self.secret)"))
        #expect(credential.id == 42)
        #expect(credential.secret == Self.secret)
        #expect(credential.text == "uck_42_\(Self.secret)")
        let longest = try #require(APIKeyCredential(parsing: "uck_999999999999999999_\(Self.secret)"))
        #expect(longest.id == 999_999_999_999_999_999)
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "uck_", "uck__\(secret)", "UCK_1_\(secret)", "uck_1\(secret)", "uck_x_\(secret)",
            "uck_-1_\(secret)", "uck_1_\(secret.uppercased())", "uck_1_\(secret)0",
            "uck_1_\(secret.dropLast())",
            "uck_1234567890123456789_\(secret)", "uck_1_\(secret.dropLast())g", "uck_1_\(secret.dropLast())é",
            " uck_1_\(secret)",
        ])
    func refuses(text: String) {
        #expect(APIKeyCredential(parsing: text) == nil)
    }

    @Test("an Authorization header: Bearer in any case, blanks around the credential ignored")
    func authorizationHeader() {
        let expected = APIKeyCredential(id: 7, secret: Self.secret)
        for header in [
            "Bearer uck_7_\(Self.secret)", "bearer uck_7_\(Self.secret)", "BEARER \t uck_7_\(Self.secret) \t",
        ] {
            #expect(APIKeyCredential(authorizationHeader: header) == expected)
        }
        for header in [
            "", "Bearer", "Bearer ", "Bearer  \t ", "Basic uck_7_\(Self.secret)",
            "Bearer\tuck_7_\(Self.secret)",
            "Bearer uck_7_\(Self.secret) x", "Bearer uck_7_\(Self.secret)\n",
            "Bearer\u{0}uck_7_\(Self.secret)",
            "Béarer uck_7_\(Self.secret)",
        ] {
            #expect(APIKeyCredential(authorizationHeader: header) == nil, "\(header.debugDescription)")
        }
    }
}
