/// Counts and sums of audit events per group (`GET /v1/events/summary`).
public struct EventSummary: Sendable, Equatable {
    /// One group's figures.
    public struct Group: Sendable, Equatable {
        /// The group's key: partner code, agreement code, union code or local date; nil for
        /// events without one (denials have no agreement, unknown codes no union).
        public var key: String?
        /// The partner's name, agreement's title or union's name; nil for days and missing keys.
        public var name: String?
        /// Approved lookups.
        public var approved: Int64 = 0
        /// Denied lookups.
        public var denied: Int64 = 0
        /// Denied lookups by reason code.
        public var denials: [String: Int64] = [:]
        /// Sum of the purchase amounts of approved lookups (lookups without an amount add 0).
        public var amountVND: Int64 = 0
        /// Sum of the purchase amounts of denied lookups.
        public var deniedAmountVND: Int64 = 0
        /// Sum of the discounts granted.
        public var discountVND: Int64 = 0

        /// An empty group.
        public init(key: String?, name: String?) {
            self.key = key
            self.name = name
        }

        /// Adds the figures of some events with one outcome and reason.
        mutating func add(outcome: String, reason: String?, count: Int64, amount: Int64, discount: Int64) {
            if outcome == "approved" {
                approved += count
                amountVND += amount
            } else {
                denied += count
                deniedAmountVND += amount
                denials[reason ?? "", default: 0] += count
            }
            discountVND += discount
        }
    }

    /// The groups, ordered by key (events without a key last).
    public var groups: [Group]
    /// All groups together (key and name nil).
    public var total: Group

    /// Creates a summary.
    public init(groups: [Group], total: Group) {
        self.groups = groups
        self.total = total
    }
}
