import UnionCardCore

/// The bearer secret a terminal or an auditor presents: `uck_<id>_<64 hex digits>`.
///
/// The id lets the daemon find the key row without a secret-derived index; the 256-bit secret is
/// stored only as its SHA-256 and compared in constant time.
public struct APIKeyCredential: Sendable, Equatable {
    /// The key's row id.
    public var id: Int64
    /// The secret part (64 lower-case hex digits).
    public var secret: String

    private static let prefix = "uck_"

    /// Parses a presented credential; nil when it does not have the expected shape.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix), text.utf8.count <= 100 else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let idText = rest[..<separator]
        let secret = rest[rest.index(after: separator)...]
        guard !idText.isEmpty, idText.count <= 18, idText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let id = Int64(idText),
            secret.utf8.count == 64,
            secret.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        self.id = id
        self.secret = String(secret)
    }

    /// A credential from its parts.
    public init(id: Int64, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// A fresh 256-bit secret from the operating system's CSPRNG (getrandom on Linux).
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let digits = String(word, radix: 16)
            hex += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex
    }

    /// The text a client sends after `Bearer `.
    public var text: String { "\(Self.prefix)\(id)_\(secret)" }

    /// SHA-256 of the secret, as stored in `api_keys.secret_hash`.
    public var secretHash: [UInt8] { SHA256.hash(Array(secret.utf8)) }

    /// Compares two hashes without an early exit, so timing does not reveal a matching prefix.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
