/// The physical kind of a union card.
public enum CardKind: String, Sendable, CaseIterable {
    /// A plain member card.
    case regular
    /// The same card with a bank ATM function.
    case linked
}

/// Which card kinds an agreement accepts.
public enum CardKindCoverage: String, Sendable, CaseIterable {
    /// Every card kind.
    case any
    /// Regular cards only.
    case regular
    /// Linked (ATM) cards only.
    case linked

    /// Whether a card of `kind` is accepted.
    public func covers(_ kind: CardKind) -> Bool {
        switch self {
        case .any: true
        case .regular: kind == .regular
        case .linked: kind == .linked
        }
    }
}
