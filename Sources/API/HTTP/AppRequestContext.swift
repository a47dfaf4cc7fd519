import Foundation
import Hummingbird
import Storage

/// The request context of every ASAR route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, when the request carried a valid bearer token.
    public var identity: Identity?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    // The body limit is enforced per route by JSONBody; this is the framework's outer bound.
    public var maxUploadSize: Int { JSONBody.maxRequestBytes }

    /// The caller, or 401 for an anonymous request.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw Problem.unauthenticated }
        return identity
    }

    /// The caller when it is an admin or speaks for `organizationID`; otherwise 401 or 403.
    func requireSpeaksFor(_ organizationID: UUID, action: String) throws -> Identity {
        let identity = try requireIdentity()
        guard identity.speaksFor(organizationID) else {
            throw Problem.forbidden("Only the organization itself or an admin may \(action).")
        }
        return identity
    }

    /// An admin, or 401/403.
    func requireAdmin(action: String) throws -> Identity {
        let identity = try requireIdentity()
        guard identity.isAdmin else { throw Problem.forbidden("Only a platform admin may \(action).") }
        return identity
    }
}
