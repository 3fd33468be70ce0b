/// The first thing found wrong with an audit chain, naming the first bad sequence number.
public struct AuditChainProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: String, Sendable {
        /// A sequence number is missing: a chain row was deleted.
        case missingRow = "missing_row"
        /// The chain row's event no longer exists: an audit row was deleted.
        case missingEvent = "missing_event"
        /// Event ids do not increase along the chain: rows were reordered or re-pointed.
        case outOfOrder = "out_of_order"
        /// The recomputed hash differs from the stored one: the row (or an earlier one) was changed.
        case hashMismatch = "hash_mismatch"
        /// An audit row older than the chain head is not in the chain: it was inserted afterwards.
        case insertedEvent = "inserted_event"
        /// The expected (published) head's sequence number is beyond the end of the chain.
        case headMissing = "head_missing"
        /// The row at the expected head's sequence number has another hash.
        case headMismatch = "head_mismatch"
    }

    /// The first bad sequence number.
    public var seq: Int64
    /// What is wrong there.
    public var kind: Kind
    /// One sentence for the operator (ids and sequence numbers only, no personal data).
    public var detail: String

    /// Creates a problem report.
    public init(seq: Int64, kind: Kind, detail: String) {
        self.seq = seq
        self.kind = kind
        self.detail = detail
    }

    /// `seq N: <kind>: <detail>`.
    public var description: String { "seq \(seq): \(kind.rawValue): \(detail)" }
}
