/// The level of a union unit in the federation hierarchy, from the top down.
public enum UnitLevel: String, Sendable, CaseIterable {
    /// The national confederation (the root).
    case confederation
    /// A provincial federation.
    case provincial
    /// An upper-level union.
    case upper
    /// A grassroots union, where members belong.
    case grassroots
}
