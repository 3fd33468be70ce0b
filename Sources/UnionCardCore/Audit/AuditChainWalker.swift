/// Checks an audit chain row by row, in sequence order, and names the first bad sequence number.
///
/// Feed every chain row to `check` in ascending `seq` order; the first problem is returned and
/// the walk should stop there. `finish()` then checks an expected (published) head. The walker
/// holds only the previous row's hash and event id, so a chain of any length needs constant memory.
public struct AuditChainWalker: Sendable {
    /// Rows checked so far.
    public private(set) var count: Int64 = 0
    /// The last row checked (seq 0 and the genesis hash before the first).
    public private(set) var head = AuditChainHead(seq: 0, hash: AuditChainEncoding.genesisHash)
    /// The head a caller published earlier and expects to find, if any.
    public let expectedHead: AuditChainHead?
    private var previousEventID: Int64 = 0
    private var encodingBuffer: [UInt8] = []

    /// A walker at the start of the chain; `expectedHead` must then be met on the way.
    public init(expectedHead: AuditChainHead? = nil) {
        self.expectedHead = expectedHead
        encodingBuffer.reserveCapacity(1024)
    }

    /// Checks the next chain row: `seq` and `storedHash` from the chain table, `row` the event's
    /// fields (nil when the event row is gone).
    public mutating func check(seq: Int64, storedHash: [UInt8], row: AuditChainRow?) -> AuditChainProblem? {
        let expected = count + 1
        guard seq == expected else {
            return AuditChainProblem(
                seq: expected, kind: .missingRow,
                detail: "the chain jumps from seq \(count) to seq \(seq): a row was deleted")
        }
        guard let row else {
            return AuditChainProblem(
                seq: seq, kind: .missingEvent, detail: "its audit row is gone: the event was deleted")
        }
        guard row.eventID > previousEventID else {
            return AuditChainProblem(
                seq: seq, kind: .outOfOrder,
                detail:
                    "event id \(row.eventID) does not follow event id \(previousEventID): rows were reordered"
            )
        }
        encodingBuffer.removeAll(keepingCapacity: true)
        encodingBuffer.append(contentsOf: head.hash)
        AuditChainEncoding.append(row, to: &encodingBuffer)
        let computed = SHA256.hash(encodingBuffer)
        guard computed == storedHash else {
            return AuditChainProblem(
                seq: seq, kind: .hashMismatch,
                detail:
                    "the stored hash does not match the row (event id \(row.eventID)): the row was changed")
        }
        if let expectedHead, expectedHead.seq == seq, expectedHead.hash != storedHash {
            return AuditChainProblem(
                seq: seq, kind: .headMismatch,
                detail: "the published head \(expectedHead) is not a prefix of this chain")
        }
        count = seq
        previousEventID = row.eventID
        head = AuditChainHead(seq: seq, hash: storedHash)
        return nil
    }

    /// The event id of the last row checked (0 before the first).
    public var headEventID: Int64 { previousEventID }

    /// After the last row: a problem when the expected head lies beyond the end of the chain.
    public func finish() -> AuditChainProblem? {
        if let expectedHead, expectedHead.seq > count {
            return AuditChainProblem(
                seq: count + 1, kind: .headMissing,
                detail: "the published head \(expectedHead) is beyond the chain's end at seq \(count)")
        }
        return nil
    }
}
