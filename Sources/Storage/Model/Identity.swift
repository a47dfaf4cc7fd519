import Foundation
import Matching

/// Who is calling: a platform admin, or one organization through one of its tokens.
public struct Identity: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let organizationID: UUID
        public let kind: OrganizationKind
        /// A government body's KATO jurisdiction; nil for other kinds.
        public let jurisdiction: String?
        public let isNational: Bool
        /// A suspended organization keeps reading its own data but loses review rights.
        public let isSuspended: Bool

        public init(organizationID: UUID, kind: OrganizationKind, jurisdiction: String?, isNational: Bool, isSuspended: Bool) {
            self.organizationID = organizationID
            self.kind = kind
            self.jurisdiction = jurisdiction
            self.isNational = isNational
            self.isSuspended = isSuspended
        }
    }

    public let tokenID: UUID
    public let isAdmin: Bool
    public let member: Member?

    public init(tokenID: UUID, isAdmin: Bool, member: Member?) {
        self.tokenID = tokenID
        self.isAdmin = isAdmin
        self.member = member
    }

    /// True for an admin, or for a token of this organization.
    public func speaksFor(_ organizationID: UUID) -> Bool {
        isAdmin || member?.organizationID == organizationID
    }

    /// Where this caller reviews: a government body's jurisdiction (nil code for a national body);
    /// nil when it reviews nowhere.
    public var reviewScope: (jurisdiction: String?, isNational: Bool)? {
        guard let member, member.kind == .governmentBody, !member.isSuspended else { return nil }
        return (member.isNational ? nil : member.jurisdiction, member.isNational)
    }

    /// True for a government body whose jurisdiction holds one of `regions` (national bodies hold all).
    public func governs(_ regions: [String]) -> Bool {
        guard let member, member.kind == .governmentBody, !member.isSuspended else { return false }
        if member.isNational { return true }
        guard let jurisdiction = member.jurisdiction else { return false }
        return regions.contains { KATO.covers(jurisdiction, $0) }
    }
}

/// Organization verification, set by an admin.
public enum Verification: String, Sendable, CaseIterable {
    case unverified, verified, suspended
}
