import Foundation

/// Who is asking. Every use case takes one explicitly; what it may do is decided from it alone.
public enum Caller: Sendable, Equatable {
    /// No credentials: reads what is public.
    case anonymous
    /// An organization, through one of its API tokens; it acts in its kind's role.
    case organization(Member)
    /// A platform admin.
    case admin
    /// A person through their personal token: acts only where a person acts alone, never for an
    /// organization (the reviews a call assigned to them).
    case person(UUID)

    /// The organization a caller acts for, with what its role depends on.
    public struct Member: Sendable, Equatable {
        public let organizationID: UUID
        public let kind: OrganizationKind
        /// A government body's KATO jurisdiction; nil for other kinds.
        public let jurisdiction: String?
        public let isNational: Bool
        /// A suspended organization keeps reading its own data but loses review rights.
        public let isSuspended: Bool
        /// A person's role in the organization, or the role an API token was issued in (`.member` unless chosen).
        public let role: MembershipRole

        public init(
            organizationID: UUID, kind: OrganizationKind, jurisdiction: String?, isNational: Bool, isSuspended: Bool,
            role: MembershipRole = .member
        ) {
            self.organizationID = organizationID
            self.kind = kind
            self.jurisdiction = jurisdiction
            self.isNational = isNational
            self.isSuspended = isSuspended
            self.role = role
        }
    }

    public var isAdmin: Bool { self == .admin }
    public var isAnonymous: Bool { self == .anonymous }

    /// The organization this caller acts for; nil for anonymous callers and admins.
    public var member: Member? {
        if case .organization(let member) = self { return member }
        return nil
    }

    /// The person behind a personal token; nil for every other caller.
    public var personID: UUID? {
        if case .person(let id) = self { return id }
        return nil
    }

    /// True for an admin, or for the organization itself: who reads its private data (viewers included).
    public func speaksFor(_ organizationID: UUID) -> Bool {
        isAdmin || member?.organizationID == organizationID
    }

    /// True for an admin, or for the organization itself in a role that changes things (not a viewer).
    public func actsFor(_ organizationID: UUID) -> Bool {
        isAdmin || (member?.organizationID == organizationID && member?.role != .viewer)
    }

    /// True for an owner of the organization (who manages its members); admins are not owners.
    public func isOwner(of organizationID: UUID) -> Bool {
        member?.organizationID == organizationID && member?.role == .owner
    }

    /// True for a viewer: a caller that reads but never writes.
    public var isViewer: Bool { member?.role == .viewer }

    /// Where this caller reviews: a government body's jurisdiction (nil code for a national body);
    /// nil when it reviews nowhere. Admins review everywhere but are not a scope.
    public var reviewScope: (jurisdiction: String?, isNational: Bool)? {
        guard let member, member.kind == .governmentBody, !member.isSuspended else { return nil }
        // A viewer of a government body reads its queue; acting on it is refused where it acts.
        return (member.isNational ? nil : member.jurisdiction, member.isNational)
    }

    /// True for a government body whose jurisdiction holds one of `regions` (national bodies hold all).
    public func governs(_ regions: [String]) -> Bool {
        guard let member, member.kind == .governmentBody, !member.isSuspended else { return false }
        if member.isNational { return true }
        guard let jurisdiction = member.jurisdiction else { return false }
        return regions.contains { KATO.covers(jurisdiction, $0) }
    }

    /// Who a recorded event names as its actor.
    public var actor: Actor { Actor(organizationID: member?.organizationID, isAdmin: isAdmin) }
}

/// Who made a recorded change: an organization, an admin, or the platform itself (neither).
public struct Actor: Sendable, Equatable {
    public let organizationID: UUID?
    public let isAdmin: Bool

    public init(organizationID: UUID?, isAdmin: Bool) {
        self.organizationID = organizationID
        self.isAdmin = isAdmin
    }
}

/// Organization verification, set by an admin.
public enum Verification: String, Sendable, CaseIterable {
    case unverified, verified, suspended
}
