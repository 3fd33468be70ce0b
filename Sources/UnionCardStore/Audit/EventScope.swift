/// Which audit events a caller may see (DESIGN.md, "HTTP API": `/v1/events`).
public enum EventScope: Sendable, Equatable {
    /// Every event: an auditor of the confederation (the root of the union tree).
    case everything
    /// One partner's events: a merchant key, for reconciliation.
    case partner(id: Int64)
    /// Events whose member's union or whose agreement's signing union lies in the subtree of the
    /// union with this materialized path (`/1/7/`): an auditor of that union.
    case unionSubtree(path: String)

    /// The `$n` parameters of `EventQuerySQL.scopeCondition`: partner id, union path.
    var parameters: [String?] {
        switch self {
        case .everything: [nil, nil]
        case .partner(let id): [String(id), nil]
        case .unionSubtree(let path): [nil, path]
        }
    }
}
