/// The lifecycle of one plastic card. Only `active` cards grant discounts.
public enum CardStatus: String, Sendable, CaseIterable {
    /// In use.
    case active
    /// Exchanged for a newer card; must stop working.
    case replaced
    /// Reported lost.
    case lost
    /// Withdrawn by the union.
    case revoked
}

/// The membership standing of a card holder. Only `active` members get discounts.
public enum MemberStatus: String, Sendable, CaseIterable {
    /// A member in good standing.
    case active
    /// Membership temporarily suspended.
    case suspended
    /// No longer a member.
    case ceased
}
