import Domain
import Foundation
import Storage

/// Registering, reading, changing, deactivating and verifying organizations.
public struct OrganizationService: Sendable {
    let organizations: OrganizationRepository

    public init(organizations: OrganizationRepository) {
        self.organizations = organizations
    }

    /// An organization as a caller may see it: contacts only for itself and admins.
    public struct View: Sendable {
        public let organization: Organization
        public let showsContact: Bool
    }

    /// Admins register organizations on behalf of others; organizations do not register themselves here.
    public func register(_ draft: OrganizationDraft, by caller: Caller) async throws -> View {
        try Access.requireAdmin(caller, to: "register organizations")
        return View(organization: try await organizations.create(draft), showsContact: true)
    }

    /// The organizations with these BINs (public, as on every profile), by BIN; a BIN nobody has
    /// is absent.
    public func ids(byBIN bins: [String]) async throws -> [String: UUID] {
        try await organizations.ids(byBIN: Array(bins.prefix(500)))
    }

    public func find(_ id: UUID, by caller: Caller) async throws -> View {
        let organization = try await organizations.find(id)
        return View(organization: organization, showsContact: caller.speaksFor(organization.id))
    }

    /// The organizations with these ids that exist, by id, each as `find` shows it: one query
    /// for a list's worth of names.
    public func find(_ ids: Set<UUID>, by caller: Caller) async throws -> [UUID: View] {
        let found = try await organizations.find(Array(ids))
        return Dictionary(uniqueKeysWithValues: found.map { ($0.id, View(organization: $0, showsContact: caller.speaksFor($0.id))) })
    }

    /// Active organizations (and, when asked, inactive ones) matching `filter`; contacts never listed.
    public func list(_ filter: OrganizationFilter, after cursor: PageCursor?, limit: Int, by caller: Caller) async throws -> Page<View> {
        let page = try await organizations.list(filter, after: cursor, limit: limit)
        return Page(items: page.items.map { View(organization: $0, showsContact: false) }, nextCursor: page.nextCursor)
    }

    /// Refuses (403) anyone who may not change the organization, so a form is refused before it
    /// is checked field by field.
    public func requireEditRight(_ id: UUID, by caller: Caller) throws {
        try Access.requireActsFor(caller, id, to: "change it")
    }

    /// Applies `change` under a row lock. What verification vouched for (BIN, legal form,
    /// jurisdiction, level) only an admin changes: review rights rest on it.
    public func update(
        _ id: UUID, by caller: Caller, _ change: @escaping @Sendable (inout OrganizationDraft) throws -> Void
    ) async throws -> View {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(id)
        try Access.requireActsFor(caller, id, to: "change it")
        let isAdmin = caller.isAdmin
        let organization = try await organizations.update(id) { draft in
            let current = draft
            try change(&draft)
            let vouched = [
                ("bin", draft.bin != current.bin), ("legal_form", draft.legalForm != current.legalForm),
                ("jurisdiction", draft.jurisdiction != current.jurisdiction), ("level", draft.level != current.level),
            ].filter(\.1).map(\.0)
            if !isAdmin && !vouched.isEmpty {
                throw DomainError.forbidden(
                    message: "Only an admin may change \(vouched.joined(separator: ", ")): verification and review rights rest on them."
                )
            }
        }
        return View(organization: organization, showsContact: true)
    }

    /// It stays readable but leaves listings and matching. An owner's decision, as registering
    /// webhooks is: it stops every token and partnership proposal of the organization.
    public func deactivate(_ id: UUID, by caller: Caller) async throws -> View {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(id)
        try Access.requireOwner(caller, id, to: "deactivate it")
        return View(organization: try await organizations.deactivate(id), showsContact: true)
    }

    public func verify(_ id: UUID, as status: Verification, by caller: Caller) async throws -> View {
        try Access.requireAdmin(caller, to: "verify organizations")
        _ = try await organizations.find(id)
        return View(organization: try await organizations.setVerification(id, to: status), showsContact: true)
    }
}
