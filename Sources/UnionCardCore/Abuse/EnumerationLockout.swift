/// Locks a key that gets too many `unknown_code` answers: a terminal that scans real cards
/// rarely mistypes 20 codes in 10 minutes; a script harvesting valid card numbers does.
///
/// Pure: times are seconds on a monotonic clock, passed in.
public struct EnumerationLockout: Sendable, Equatable {
    /// The rule: `threshold` unknown codes within `windowSeconds` lock for `lockSeconds`.
    public struct Policy: Sendable, Equatable {
        /// Unknown codes that trigger the lock; 0 turns the lockout off.
        public var threshold: Int
        /// The sliding window the unknown codes are counted in.
        public var windowSeconds: Double
        /// How long a lock lasts.
        public var lockSeconds: Double

        /// Creates a policy.
        public init(threshold: Int, windowSeconds: Double, lockSeconds: Double) {
            self.threshold = threshold
            self.windowSeconds = windowSeconds
            self.lockSeconds = lockSeconds
        }
    }

    private var recentUnknown: [Double] = []
    private var lockedUntil: Double?

    /// A key with no history.
    public init() {}

    /// Seconds left on the lock at `now`, or nil when not locked.
    public func lockRemaining(now: Double) -> Double? {
        guard let lockedUntil, lockedUntil > now else { return nil }
        return lockedUntil - now
    }

    /// Counts one `unknown_code` answer; true when this one locks the key.
    public mutating func recordUnknown(now: Double, policy: Policy) -> Bool {
        guard policy.threshold > 0, lockRemaining(now: now) == nil else { return false }
        recentUnknown.removeAll { $0 <= now - policy.windowSeconds }
        recentUnknown.append(now)
        guard recentUnknown.count >= policy.threshold else { return false }
        recentUnknown.removeAll()
        lockedUntil = now + policy.lockSeconds
        return true
    }
}
