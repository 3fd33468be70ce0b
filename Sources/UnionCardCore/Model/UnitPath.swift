/// Materialized path of a union unit in the hierarchy, e.g. `"/1/7/42/"`: the ids of the root
/// down to the unit, each followed by `"/"`.
///
/// Because every id is terminated by a slash, subtree membership is a plain prefix test
/// (`"/1/7/"` contains `"/1/7/42/"` but not `"/1/70/"`).
public struct UnitPath: Sendable, Hashable, CustomStringConvertible {
    /// The canonical text, e.g. `"/1/7/42/"`.
    public let rawValue: String

    /// Validates `"/<digits>/(<digits>/)*"`: at least one id, each a non-negative decimal
    /// without leading zeros (so that equal paths have equal text) that fits in `Int64`.
    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "/"), bytes.last == UInt8(ascii: "/")
        else { return nil }
        for segment in bytes.dropFirst().dropLast().split(
            separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        {
            guard Self.parseID(segment) != nil else { return nil }
        }
        self.rawValue = rawValue
    }

    /// Builds the path from the ids of the root down to the unit.
    ///
    /// - Precondition: `ids` is not empty and holds no negative id (database ids are
    ///   positive); violating it is a programming error.
    public init(ids: [Int64]) {
        precondition(!ids.isEmpty && ids.allSatisfy { $0 >= 0 }, "UnitPath needs non-negative ids")
        rawValue = "/" + ids.map { "\($0)/" }.joined()
    }

    /// The ids from the root down to the unit.
    public var ids: [Int64] {
        rawValue.utf8.split(separator: UInt8(ascii: "/")).compactMap { Self.parseID($0) }
    }

    /// Whether `other` is this unit or lies in its subtree.
    public func contains(_ other: UnitPath) -> Bool {
        // Byte-wise prefix: String.hasPrefix would compare by canonical equivalence.
        other.rawValue.utf8.starts(with: rawValue.utf8)
    }

    /// The number of ids in the path (the root has depth 1).
    public var depth: Int {
        rawValue.utf8.reduce(0) { $1 == UInt8(ascii: "/") ? $0 + 1 : $0 } - 1
    }

    /// The raw path text.
    public var description: String { rawValue }

    /// Parses one canonical decimal id; nil for empty, non-digit, leading zero or overflow.
    private static func parseID<S: Collection<UInt8>>(_ digits: S) -> Int64? {
        guard let first = digits.first, !(first == UInt8(ascii: "0") && digits.count > 1) else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}
