import Foundation
import Hummingbird
import Storage

struct ProjectController {
    let projects: ProjectRepository
    let referenceData: ReferenceData

    static let listParameters: Set<String> = [
        "organization_id", "status", "region", "focus_area", "q", "min_funding", "max_funding", "limit", "cursor",
    ]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: close)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try ProjectInput.draft(from: try await JSONBody.object(from: request))
        guard identity.speaksFor(draft.organizationID) else {
            throw Problem.forbidden("A project is proposed by its own NGO (or an admin).")
        }
        let project = try await projects.create(draft)
        return try JSONBody.response(
            ProjectResource(project),
            status: .created,
            headers: [.location: "/v1/projects/\(project.id.lowercasedString)"]
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.response(ProjectResource(try await visibleProject(context)))
    }

    /// A project the caller may read: drafts only for their own NGO and admins; 404 otherwise.
    private func visibleProject(_ context: AppRequestContext) async throws -> Project {
        let project = try await projects.find(try context.resourceID("project"))
        if project.fields.status == .draft && !(context.identity?.speaksFor(project.fields.organizationID) ?? false) {
            throw Problem.notFound("project")
        }
        return project
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.resourceID("project")
        _ = try context.requireIdentity()
        let current = try await visibleProject(context)
        _ = try context.requireSpeaksFor(current.fields.organizationID, action: "change this project")
        let change = ProjectInput.patch(try await JSONBody.object(from: request))
        return try JSONBody.response(ProjectResource(try await projects.update(id, change)))
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireIdentity()
        let current = try await visibleProject(context)
        _ = try context.requireSpeaksFor(current.fields.organizationID, action: "close this project")
        return try JSONBody.response(ProjectResource(try await projects.close(current.id)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request: request)
        query.rejectUnknown(Self.listParameters)
        var filter = ProjectFilter()
        if let raw = query.string("organization_id", maxLength: 36) {
            if let id = UUID(uuidString: raw) { filter.organizationID = id } else {
                query.issues.add("organization_id", "invalid_id", "organization_id must be a UUID.")
            }
        }
        filter.status = query.enumeration("status", ProjectStatus.self)
        filter.region = query.kato("region")
        filter.focusAreas = query.codes("focus_area")
        filter.text = query.text("q")
        filter.minFundingKZT = query.integer("min_funding", in: 0...OrganizationInput.maxBudgetKZT)
        filter.maxFundingKZT = query.integer("max_funding", in: 0...OrganizationInput.maxBudgetKZT)
        if let minimum = filter.minFundingKZT, let maximum = filter.maxFundingKZT, minimum > maximum {
            query.issues.add("min_funding", "invalid_range", "min_funding must not exceed max_funding.")
        }
        filter.draftsOf = context.identity?.member?.organizationID
        filter.allDrafts = context.identity?.isAdmin ?? false
        let limit = query.limit()
        let cursor = query.cursor()
        try await referenceData.check(region: filter.region, focusAreas: filter.focusAreas, issues: query.issues)
        try query.issues.throwIfAny()
        let page = try await projects.list(filter, after: cursor, limit: limit)
        return try JSONBody.response(PageResource(items: page.items.map(ProjectResource.init), nextCursor: page.nextCursor))
    }
}
