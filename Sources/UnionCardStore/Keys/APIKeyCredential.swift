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
    ///
    /// Byte-wise on the UTF-8 form: this runs for every request, and the shape is pure ASCII.
    public init?(parsing text: String) {
        let bytes = text.utf8
        guard bytes.count <= 100, bytes.starts(with: Self.prefix.utf8) else { return nil }
        let rest = bytes.dropFirst(Self.prefix.utf8.count)
        guard let separator = rest.firstIndex(of: UInt8(ascii: "_")) else { return nil }
        let idDigits = rest[..<separator]
        let secret = rest[bytes.index(after: separator)...]
        guard (1...18).contains(idDigits.count), secret.count == 64,
            secret.allSatisfy({ Self.isDigit($0) || (0x61...0x66).contains($0) })
        else { return nil }
        var id: Int64 = 0
        for digit in idDigits {
            guard Self.isDigit(digit) else { return nil }
            id = id * 10 + Int64(digit - 0x30)  // At most 18 digits: no overflow.
        }
        self.id = id
        self.secret = String(decoding: secret, as: UTF8.self)
    }

    /// Parses the value of an `Authorization` header: the scheme `Bearer` (any ASCII case), one
    /// space, then the credential, with spaces and tabs around it ignored. Nil for anything else.
    public init?(authorizationHeader header: String) {
        let bytes = header.utf8
        let scheme = "bearer ".utf8
        guard bytes.count > scheme.count,
            zip(bytes, scheme).allSatisfy({ Self.asciiLowercased($0) == $1 })
        else { return nil }
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let token = bytes.dropFirst(scheme.count)
        guard let first = token.firstIndex(where: { !isBlank($0) }),
            let last = token.lastIndex(where: { !isBlank($0) })
        else { return nil }
        self.init(parsing: String(decoding: bytes[first...last], as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
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
