import Foundation
import Synchronization
import UnionCardCore

/// Per-key rate limit and enumeration lockout (OWASP API4/API6), in memory: answered without
/// touching the database. State is per daemon process and starts empty at each start.
final class AbuseGuard: Sendable {
    /// What the guard says about one lookup.
    enum Admission: Equatable {
        /// Go ahead.
        case allowed
        /// Over the key's rate: retry after this many seconds.
        case rateLimited(retryAfter: Int)
        /// Locked for enumerating unknown codes: retry after this many seconds.
        case locked(retryAfter: Int)
    }

    /// The settings; replaced on a configuration reload.
    struct Settings: Sendable, Equatable {
        /// Lookups per minute per key (0 = no limit), unless the partner has its own.
        var perMinute: Int
        /// Lookups a key may make at once after a quiet period.
        var burst: Int
        /// The lockout rule.
        var lockout: EnumerationLockout.Policy
    }

    private struct KeyState {
        var bucket: TokenBucket?
        var bucketRate = 0
        var lockout = EnumerationLockout()
    }

    private let settings: Mutex<Settings>
    private let keys = Mutex<[Int64: KeyState]>([:])
    private let clock = ContinuousClock()
    private let start = ContinuousClock.now

    init(settings: Settings) {
        self.settings = Mutex(settings)
    }

    /// Applies new settings (SIGHUP); buckets are rebuilt on their next use.
    func update(_ new: Settings) {
        settings.withLock { $0 = new }
    }

    private var now: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Decides one lookup of `keyID`; `partnerPerMinute` overrides the default rate when set.
    func admit(keyID: Int64, partnerPerMinute: Int?) -> Admission {
        let current = settings.withLock { $0 }
        let rate = partnerPerMinute ?? current.perMinute
        let now = self.now
        return keys.withLock { keys in
            var state = keys[keyID] ?? KeyState()
            defer { keys[keyID] = state }
            if let remaining = state.lockout.lockRemaining(now: now) {
                return .locked(retryAfter: Int(remaining.rounded(.up)))
            }
            guard rate > 0 else { return .allowed }
            if state.bucket == nil || state.bucketRate != rate {
                state.bucket = TokenBucket(capacity: current.burst, perMinute: rate, now: now)
                state.bucketRate = rate
            }
            guard let wait = state.bucket?.take(now: now) else { return .allowed }
            return .rateLimited(retryAfter: wait.isFinite ? max(1, Int(wait.rounded(.up))) : 60)
        }
    }

    /// Counts an `unknown_code` answer; true when it locks the key (log, audit and count it once).
    func recordUnknown(keyID: Int64) -> Bool {
        let policy = settings.withLock { $0.lockout }
        let now = self.now
        return keys.withLock { keys in
            var state = keys[keyID] ?? KeyState()
            defer { keys[keyID] = state }
            return state.lockout.recordUnknown(now: now, policy: policy)
        }
    }

    /// Keys locked right now (a gauge).
    var lockedKeys: Int {
        let now = self.now
        return keys.withLock { $0.values.filter { $0.lockout.lockRemaining(now: now) != nil }.count }
    }
}
