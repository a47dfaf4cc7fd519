import Domain
import Foundation

/// The recurring shapes of an authorization decision. Which use case needs which is decided in the
/// use case itself; these only say how a refusal reads.
enum Access {
    /// 401 for an anonymous caller; 403 for a person's token, which acts only where
    /// `requirePerson` lets it.
    static func requireSignedIn(_ caller: Caller) throws {
        if caller.isAnonymous { throw DomainError.unauthenticated }
        if caller.personID != nil {
            throw DomainError.forbidden(message: "A personal token acts only for its person's reviews; use an organization's token.")
        }
    }

    /// The person behind a personal token; otherwise 401 or 403.
    static func requirePerson(_ caller: Caller, to action: String) throws -> UUID {
        if caller.isAnonymous { throw DomainError.unauthenticated }
        guard let personID = caller.personID else {
            throw DomainError.forbidden(message: "Only a person may \(action): use the personal token of the reviewer.")
        }
        return personID
    }

    /// An admin; otherwise 401 or 403.
    static func requireAdmin(_ caller: Caller, to action: String) throws {
        try requireSignedIn(caller)
        guard caller.isAdmin else { throw DomainError.forbidden(message: "Only a platform admin may \(action).") }
    }

    /// An admin or the organization itself; otherwise 401 or 403.
    static func requireSpeaksFor(_ caller: Caller, _ organizationID: UUID, to action: String) throws {
        try requireSignedIn(caller)
        guard caller.speaksFor(organizationID) else {
            throw DomainError.forbidden(message: "Only the organization itself or an admin may \(action).")
        }
    }

    /// An admin or the organization itself in a role that writes (an owner or member, not a viewer).
    static func requireActsFor(_ caller: Caller, _ organizationID: UUID, to action: String) throws {
        try requireSpeaksFor(caller, organizationID, to: action)
        guard caller.actsFor(organizationID) else { throw viewerRefused(action) }
    }

    /// An admin or an owner of the organization; otherwise 401 or 403.
    static func requireOwner(_ caller: Caller, _ organizationID: UUID, to action: String) throws {
        try requireSignedIn(caller)
        guard caller.isAdmin || caller.isOwner(of: organizationID) else {
            throw DomainError.forbidden(message: "Only an owner of the organization or an admin may \(action).")
        }
    }

    /// Any caller but a viewer, who reads and never writes.
    static func requireNotViewer(_ caller: Caller, to action: String) throws {
        if caller.isViewer { throw viewerRefused(action) }
    }

    static func viewerRefused(_ action: String) -> DomainError {
        .forbidden(message: "A viewer reads the organization's data but may not \(action).")
    }

    /// Drafts are private to their NGO and admins: for anyone else they do not exist.
    static func requireVisible(_ status: ProjectStatus, owner: UUID, to caller: Caller) throws {
        if status == .draft && !caller.speaksFor(owner) { throw DomainError.notFound(resource: "project") }
    }
}
