import Domain
import Foundation
import Storage

/// API tokens for integrations: who a token is, and issuing, listing and revoking them.
public struct TokenService: Sendable {
    let tokens: TokenRepository

    public init(tokens: TokenRepository) {
        self.tokens = tokens
    }

    /// The caller behind a bearer token; nil when it is unknown, revoked or expired.
    public func authenticate(_ token: String) async throws -> Caller? {
        try await tokens.authenticate(token)
    }

    /// Admins issue any token (admin tokens only they); an organization's owners issue its own, in
    /// any of its roles: a viewer's token reads, a member's acts, an owner's also manages webhooks.
    public func issue(
        for organizationID: UUID?, role: MembershipRole = .member, label: String, expiresAt: Date?, by caller: Caller
    ) async throws -> TokenRepository.IssuedToken {
        if let organizationID {
            try Access.requireOwner(caller, organizationID, to: "issue its tokens")
        } else {
            try Access.requireAdmin(caller, to: "issue admin tokens")
        }
        return try await tokens.issue(organizationID: organizationID, role: role, label: label, expiresAt: expiresAt)
    }

    /// Admins list every token; an organization lists its own. Secrets are never listed.
    public func list(by caller: Caller) async throws -> [TokenRepository.TokenInfo] {
        try Access.requireSignedIn(caller)
        if caller.isAdmin { return try await tokens.list() }
        guard let member = caller.member else { throw DomainError.forbidden(message: "Only an organization or an admin lists tokens.") }
        return try await tokens.list(organizationID: member.organizationID)
    }

    /// Every token there is, for admins only: the admin's page of them.
    public func all(by caller: Caller) async throws -> [TokenRepository.TokenInfo] {
        try Access.requireAdmin(caller, to: "list every token")
        return try await tokens.list()
    }

    /// Revokes any token, for admins only; not found when there is no such token.
    public func revokeAny(_ id: UUID, by caller: Caller) async throws -> Bool {
        try Access.requireAdmin(caller, to: "revoke any token")
        guard try await tokens.owner(of: id).exists else { throw DomainError.notFound(resource: "token") }
        return try await tokens.revoke(id)
    }

    /// An organization's tokens, for its owners and admins. Secrets are never listed.
    public func list(of organizationID: UUID, by caller: Caller) async throws -> [TokenRepository.TokenInfo] {
        try Access.requireOwner(caller, organizationID, to: "see its tokens")
        return try await tokens.list(organizationID: organizationID)
    }

    /// True when the token existed and was not revoked already. Another organization's token does not exist for the caller.
    public func revoke(_ id: UUID, by caller: Caller) async throws -> Bool {
        try Access.requireSignedIn(caller)
        let owner = try await tokens.owner(of: id)
        guard owner.exists, caller.isAdmin || (owner.organizationID.map(caller.speaksFor) ?? false) else {
            throw DomainError.notFound(resource: "token")
        }
        if let organizationID = owner.organizationID {
            try Access.requireOwner(caller, organizationID, to: "revoke its tokens")
        }
        return try await tokens.revoke(id)
    }

    // MARK: - Personal tokens
    // A person's own, through their signed-in session (its second factor given): no caller acts
    // for another person, admins included (they revoke through `revokeAny`).

    /// A personal token for the signed-in person: it scores and declares conflicts on the reviews
    /// assigned to them and does nothing an organization does. Changing or resetting the password
    /// revokes it.
    public func issuePersonal(label: String, expiresAt: Date?, by session: AccountService.SignedIn) async throws -> TokenRepository.IssuedToken {
        try await tokens.issue(personID: try Self.person(session), label: label, expiresAt: expiresAt)
    }

    /// The person's own tokens. Secrets are never listed.
    public func personalTokens(by session: AccountService.SignedIn) async throws -> [TokenRepository.TokenInfo] {
        try await tokens.list(personID: try Self.person(session))
    }

    /// Revokes one of the person's own tokens; anyone else's does not exist for them.
    public func revokePersonal(_ id: UUID, by session: AccountService.SignedIn) async throws -> Bool {
        guard try await tokens.owner(of: id).personID == (try Self.person(session)) else { throw DomainError.notFound(resource: "token") }
        return try await tokens.revoke(id)
    }

    /// Whose session it is, once it is whole: a second factor owed or still to be set up gives no token.
    static func person(_ session: AccountService.SignedIn) throws -> UUID {
        guard !session.secondFactorPending, !session.mustEnrollSecondFactor else { throw DomainError.unauthenticated }
        return session.person.id
    }
}
