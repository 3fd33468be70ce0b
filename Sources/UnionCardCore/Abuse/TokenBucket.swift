/// A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`; each request
/// takes one. Time is passed in (seconds on a monotonic clock), so the bucket is pure.
public struct TokenBucket: Sendable, Equatable {
    /// Most tokens the bucket holds (the burst).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private var tokens: Double
    private var updatedAt: Double

    /// A full bucket at time `now`.
    public init(capacity: Int, perMinute: Int, now: Double) {
        self.capacity = Double(max(1, capacity))
        refillPerSecond = Double(max(0, perMinute)) / 60
        tokens = self.capacity
        updatedAt = now
    }

    /// Takes a token: nil when granted, else the seconds until one will be there.
    public mutating func take(now: Double) -> Double? {
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * refillPerSecond)
            updatedAt = now
        }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        guard refillPerSecond > 0 else { return .infinity }
        return (1 - tokens) / refillPerSecond
    }
}
