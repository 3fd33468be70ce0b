/// What a `PostgresPool` has done, for metrics.
public struct PostgresPoolStatistics: Sendable, Equatable {
    /// Connections lent out right now.
    public var inUse = 0
    /// Acquires that found no free connection and had to wait.
    public var waits = 0
    /// Acquires that gave up after the pool's timeout.
    public var timeouts = 0
    /// New connections opened (the pool connects lazily).
    public var connects = 0
    /// Broken connections re-opened on acquire (server restarted, backend terminated).
    public var reconnects = 0

    /// All zero.
    public init() {}
}
