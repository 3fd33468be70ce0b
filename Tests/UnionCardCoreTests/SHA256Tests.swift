import Testing
import UnionCardCore

@Suite("SHA256")
struct SHA256Tests {
    @Test(
        "FIPS 180-4 / NIST vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
            (
                "The quick brown fox jumps over the lazy dog",
                "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"
            ),
        ])
    func vectors(message: String, digest: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
        #expect(SHA256.hexDigest(utf8: message) == digest)
        #expect(SHA256.hash(utf8: message).count == 32)
    }

    @Test func paddingBoundaries() {
        // Lengths around the 55/56/64-byte padding edges, checked incremental vs one-shot.
        for length in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var hasher = SHA256.Hasher()
            for chunk in stride(from: 0, to: length, by: 7) {
                hasher.update(Array(message[chunk..<min(chunk + 7, length)]))
            }
            #expect(hasher.finalize() == SHA256.hash(message), "length \(length)")
        }
        #expect(
            SHA256.hexDigest(Array(repeating: UInt8(ascii: "a"), count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func oneMillionA() {
        var hasher = SHA256.Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000)
        for _ in 0..<100 { hasher.update(chunk) }
        #expect(
            SHA256.hex(hasher.finalize())
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hex() {
        #expect(SHA256.hex([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(SHA256.hex([]) == "")
    }
}
