/// The id a lookup answers with and its audit row keeps: a UUID of version 7 (RFC 9562), its
/// first 48 bits the Unix time in milliseconds, the rest random.
///
/// Time-ordered ids land at the right edge of the `verification_id` index instead of on a
/// random page of it, so a batch's audit INSERT dirties a few index pages, not one per row. The
/// time it reveals is the time of the lookup, which the terminal that asked knows anyway.
public enum VerificationID {
    /// The lower-case text form (`xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx`) of the UUIDv7 made of
    /// `unixMilliseconds` (its low 48 bits) and 74 bits of `randomHigh` and `randomLow`.
    public static func text(unixMilliseconds: UInt64, randomHigh: UInt64, randomLow: UInt64) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: unixMilliseconds >> (40 - 8 * UInt64(index)))
        }
        // Version 7 in the high nibble of byte 6, then 12 random bits.
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: randomHigh >> 8) & 0x0F
        bytes[7] = UInt8(truncatingIfNeeded: randomHigh)
        // Variant 0b10 in the top bits of byte 8, then 62 random bits.
        for index in 8..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: randomLow >> (56 - 8 * UInt64(index - 8)))
        }
        bytes[8] = 0x80 | bytes[8] & 0x3F
        let hex = SHA256.hex(bytes)
        var text = ""
        text.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append("-") }
            text.append(character)
        }
        return text
    }
}
