/// The last row of a chain (or of a published prefix of it): its sequence number and hash.
///
/// Written `SEQ:HEX`, e.g. `1042:9f86d0…` (64 lower-case hex digits), the form
/// `unioncardctl audit verify` prints and `--expect-head` takes.
public struct AuditChainHead: Sendable, Equatable, CustomStringConvertible {
    /// The sequence number (0 for an empty chain).
    public var seq: Int64
    /// Its 32-byte hash (the genesis hash for an empty chain).
    public var hash: [UInt8]

    /// Creates a head.
    public init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// Parses `SEQ:HEX` (seq ≥ 1, 64 hex digits); nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let seq = Int64(parts[0]), seq >= 1,
            let hash = AuditChainEncoding.hashBytes(hex: String(parts[1]))
        else { return nil }
        self.init(seq: seq, hash: hash)
    }

    /// `SEQ:HEX`.
    public var description: String { "\(seq):\(SHA256.hex(hash))" }
}
