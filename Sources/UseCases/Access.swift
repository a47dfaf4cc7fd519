import Domain
import Foundation

/// The recurring shapes of an authorization decision. Which use case needs which is decided in the
/// use case itself; these only say how a refusal reads.
enum Access {
    /// 401 for an anonymous caller.
    static func requireSignedIn(_ caller: Caller) throws {
        if caller.isAnonymous { throw DomainError.unauthenticated }
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

    /// Drafts are private to their NGO and admins: for anyone else they do not exist.
    static func requireVisible(_ status: ProjectStatus, owner: UUID, to caller: Caller) throws {
        if status == .draft && !caller.speaksFor(owner) { throw DomainError.notFound(resource: "project") }
    }
}
