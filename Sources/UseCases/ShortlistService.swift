import Domain
import Foundation
import Storage

/// A business's shortlist of projects it is weighing, kept by whoever speaks for it.
public struct ShortlistService: Sendable {
    let shortlists: ShortlistRepository
    let organizations: OrganizationRepository
    let projects: ProjectRepository

    public init(shortlists: ShortlistRepository, organizations: OrganizationRepository, projects: ProjectRepository) {
        self.shortlists = shortlists
        self.organizations = organizations
        self.projects = projects
    }

    /// The shortlist, newest first: for the business itself (viewers included) and admins.
    public func list(for organization: UUID, by caller: Caller) async throws -> [ShortlistEntry] {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(organization)
        try Access.requireSpeaksFor(caller, organization, to: "read its shortlist")
        return try await shortlists.list(of: organization)
    }

    /// The ids of the projects on it, for marking lists; empty for anyone who may not read it.
    public func projectIDs(for organization: UUID, by caller: Caller) async throws -> Set<UUID> {
        guard caller.speaksFor(organization) else { return [] }
        return try await shortlists.projectIDs(of: organization)
    }

    /// Puts an open project on a business's shortlist, or replaces the note of an earlier entry
    /// (a page, which has no note to give, keeps it: `keepingNote`): doing it twice leaves one.
    /// `person` is the signed-in person behind a page's session.
    public func add(
        _ project: UUID, for organization: UUID, note: String?, keepingNote: Bool = false, person: UUID? = nil, by caller: Caller
    ) async throws -> (entry: ShortlistEntry, created: Bool) {
        try Access.requireSignedIn(caller)
        let owner = try await organizations.find(organization)
        try Access.requireActsFor(caller, organization, to: "keep a shortlist")
        guard owner.fields.kind == .business else {
            throw DomainError.forbidden(message: "Only a business keeps a shortlist of projects to sponsor.")
        }
        // Counted as the database counts it: in code points.
        if let note, note.isEmpty || note.unicodeScalars.count > ShortlistEntry.maxNoteLength {
            throw DomainError.invalid([FieldIssue(
                field: "note", code: "invalid_length", message: "note must be 1 to \(ShortlistEntry.maxNoteLength) characters."
            )])
        }
        let found = try await projects.find(project)
        // A draft is nobody's to weigh but its NGO's, and for anyone else it does not exist.
        guard found.fields.status != .draft else { throw DomainError.notFound(resource: "project") }
        guard found.fields.status == .open else {
            throw DomainError.conflict(code: "project_not_open", message: "The project is \(found.fields.status.rawValue), so it cannot be shortlisted.")
        }
        return try await shortlists.put(organization: organization, project: project, note: note, keepingNote: keepingNote, by: person)
    }

    /// Takes a project off the shortlist; not found when it was not on it.
    public func remove(_ project: UUID, for organization: UUID, by caller: Caller) async throws {
        try Access.requireSignedIn(caller)
        _ = try await organizations.find(organization)
        try Access.requireActsFor(caller, organization, to: "keep a shortlist")
        guard try await shortlists.delete(organization: organization, project: project) else {
            throw DomainError.notFound(resource: "shortlist entry")
        }
    }
}
