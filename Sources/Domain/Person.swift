import Foundation

/// What a person may do in one organization.
public enum MembershipRole: String, Sendable, CaseIterable, Comparable {
    /// Manages members and API tokens, and acts for the organization.
    case owner
    /// Acts for the organization.
    case member
    /// Reads the organization's private data; changes nothing.
    case viewer

    /// Owners first: the order a person's memberships are listed in.
    public static func < (lhs: MembershipRole, rhs: MembershipRole) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .owner: 0
        case .member: 1
        case .viewer: 2
        }
    }
}

/// Someone with an account. Secrets (password hash, TOTP secret) never leave Storage in this value.
public struct Person: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let displayName: String
    public let isAdmin: Bool
    public let language: Language
    public let totpEnabled: Bool
    public let disabled: Bool
    public let createdAt: Date

    public init(
        id: UUID, email: String, displayName: String, isAdmin: Bool, language: Language,
        totpEnabled: Bool, disabled: Bool, createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.isAdmin = isAdmin
        self.language = language
        self.totpEnabled = totpEnabled
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// A person's place in one organization, with what a page needs to name it.
public struct Membership: Sendable, Equatable {
    public let organizationID: UUID
    public let organizationName: LocalizedText
    public let kind: OrganizationKind
    public let role: MembershipRole

    public init(organizationID: UUID, organizationName: LocalizedText, kind: OrganizationKind, role: MembershipRole) {
        self.organizationID = organizationID
        self.organizationName = organizationName
        self.kind = kind
        self.role = role
    }
}
