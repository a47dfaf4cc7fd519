import Domain
import Foundation
import Storage

/// Proposing, reading, editing, publishing and closing projects.
public struct ProjectService: Sendable {
    let projects: ProjectRepository

    public init(projects: ProjectRepository) {
        self.projects = projects
    }

    /// A project is proposed by its own NGO (or an admin for it); the repository checks the owner is an active NGO.
    public func propose(_ draft: ProjectDraft, by caller: Caller) async throws -> Project {
        try Access.requireSignedIn(caller)
        guard caller.speaksFor(draft.organizationID) else {
            throw DomainError.forbidden(message: "A project is proposed by its own NGO (or an admin).")
        }
        try Access.requireNotViewer(caller, to: "propose projects")
        return try await projects.create(draft)
    }

    /// A project the caller may read: drafts only for their own NGO and admins.
    public func find(_ id: UUID, by caller: Caller) async throws -> Project {
        let project = try await projects.find(id)
        try Access.requireVisible(project.fields.status, owner: project.fields.organizationID, to: caller)
        return project
    }

    /// The projects with these ids the caller may read (as `find`), by id; the others are absent.
    public func find(_ ids: Set<UUID>, by caller: Caller) async throws -> [UUID: Project] {
        let found = try await projects.find(Array(ids)).filter {
            (try? Access.requireVisible($0.fields.status, owner: $0.fields.organizationID, to: caller)) != nil
        }
        return Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
    }

    /// Projects matching `filter`; drafts appear only to their own NGO, and all of them to admins.
    public func list(_ filter: ProjectFilter, after cursor: PageCursor?, limit: Int, by caller: Caller) async throws -> Page<Project> {
        var filter = filter
        filter.draftsOf = caller.member?.organizationID
        filter.allDrafts = caller.isAdmin
        return try await projects.list(filter, after: cursor, limit: limit)
    }

    /// The portal's list: what anyone may see, whoever asks, as the portal's project pages show
    /// (a draft there is not found even for its NGO or an admin, so it is not listed either).
    public func publicList(_ filter: ProjectFilter, after cursor: PageCursor?, limit: Int) async throws -> Page<Project> {
        try await list(filter, after: cursor, limit: limit, by: .anonymous)
    }

    /// The projects of the NGO the caller acts for, drafts included: its workspace.
    public func own(limit: Int, by caller: Caller) async throws -> [Project] {
        try Access.requireSignedIn(caller)
        guard let member = caller.member, member.kind == .ngo else { throw DomainError.forbidden(message: "Projects belong to NGOs.") }
        var filter = ProjectFilter()
        filter.organizationID = member.organizationID
        filter.draftsOf = member.organizationID
        return try await projects.list(filter, after: nil, limit: limit).items
    }

    /// One of the caller's NGO's projects, for its workspace (viewers included, who only read).
    public func findOwn(_ id: UUID, by caller: Caller) async throws -> Project {
        try Access.requireSignedIn(caller)
        let project = try await find(id, by: caller)
        guard caller.member?.organizationID == project.fields.organizationID else {
            throw DomainError.forbidden(message: "This project belongs to another organization.")
        }
        return project
    }

    public func edit(_ id: UUID, by caller: Caller, _ change: @escaping @Sendable (inout ProjectDraft) throws -> Void) async throws -> Project {
        let current = try await ownProject(id, caller, to: "change this project")
        return try await projects.update(current.id, change)
    }

    /// A draft becomes open: listed, matched and ready for partnerships.
    public func publish(_ id: UUID, by caller: Caller) async throws -> Project {
        let current = try await ownProject(id, caller, to: "publish this project")
        guard current.fields.status == .draft || current.fields.status == .open else {
            throw DomainError.conflict(code: "project_not_draft", message: "The project is \(current.fields.status.rawValue); only a draft is published.")
        }
        return try await projects.update(current.id) { $0.status = .open }
    }

    /// It stays readable but leaves open listings and matching.
    public func close(_ id: UUID, by caller: Caller) async throws -> Project {
        let current = try await ownProject(id, caller, to: "close this project")
        return try await projects.close(current.id)
    }

    private func ownProject(_ id: UUID, _ caller: Caller, to action: String) async throws -> Project {
        try Access.requireSignedIn(caller)
        let current = try await find(id, by: caller)
        try Access.requireActsFor(caller, current.fields.organizationID, to: action)
        return current
    }
}
