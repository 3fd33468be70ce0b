import Testing
import UnionCardCore

@Suite("Rate limit and enumeration lockout")
struct AbuseTests {
    @Test("a bucket grants its burst at once, then one token per refill interval")
    func tokenBucket() {
        var bucket = TokenBucket(capacity: 20, perMinute: 60, now: 0)
        let burst = (0..<20).map { _ in bucket.take(now: 0) }
        #expect(burst.allSatisfy { $0 == nil })
        let wait = bucket.take(now: 0)
        #expect(wait == 1.0)
        let early = bucket.take(now: 0.5)
        let onTime = bucket.take(now: 1.0)
        let again = bucket.take(now: 1.0)
        #expect(early != nil)
        #expect(onTime == nil)
        #expect(again != nil)
        // A long pause refills to the burst, never beyond.
        let refilled = (0..<21).map { _ in bucket.take(now: 1000) }
        #expect(refilled.prefix(20).allSatisfy { $0 == nil })
        #expect(refilled.last != nil)
    }

    @Test("a bucket with no refill never grants past its burst")
    func noRefill() {
        var bucket = TokenBucket(capacity: 1, perMinute: 0, now: 0)
        let first = bucket.take(now: 0)
        let later = bucket.take(now: 100)
        #expect(first == nil)
        #expect(later == .infinity)
    }

    @Test("20 unknown codes within 10 minutes lock for 15 minutes; slower mistakes never lock")
    func lockout() {
        let policy = EnumerationLockout.Policy(threshold: 20, windowSeconds: 600, lockSeconds: 900)
        var guardian = EnumerationLockout()
        let first19 = (0..<19).map { guardian.recordUnknown(now: Double($0), policy: policy) }
        #expect(!first19.contains(true))
        #expect(guardian.lockRemaining(now: 19) == nil)
        let twentieth = guardian.recordUnknown(now: 19, policy: policy)
        #expect(twentieth)
        #expect(guardian.lockRemaining(now: 20) == 899)
        let whileLocked = guardian.recordUnknown(now: 21, policy: policy)
        #expect(!whileLocked, "already locked: no second lock event")
        #expect(guardian.lockRemaining(now: 919) == nil)

        var careful = EnumerationLockout()
        let slow = (0..<100).map { careful.recordUnknown(now: Double($0) * 32, policy: policy) }
        #expect(!slow.contains(true), "one mistake every 32 s never locks")
        var disabled = EnumerationLockout()
        let off = EnumerationLockout.Policy(threshold: 0, windowSeconds: 600, lockSeconds: 900)
        let unlimited = (0..<100).map { disabled.recordUnknown(now: Double($0), policy: off) }
        #expect(!unlimited.contains(true))
    }
}
