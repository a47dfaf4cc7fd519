import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

struct ProjectController {
    let projects: ProjectService
    let reference: ReferenceData

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

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Reply<ProjectResource> {
        let draft = try ProjectInput.draft(from: try await JSONBody.object(from: request))
        let project = try await projects.propose(draft, by: context.caller)
        return Reply(ProjectResource(project), status: .created, headers: [.location: "/v1/projects/\(project.id.lowercasedString)"])
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<ProjectResource> {
        Reply(ProjectResource(try await projects.find(try context.resourceID("project"), by: context.caller)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Reply<ProjectResource> {
        let id = try context.resourceID("project")
        let change = ProjectInput.patch(try await JSONBody.object(from: request))
        return Reply(ProjectResource(try await projects.edit(id, by: context.caller, change)))
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Reply<ProjectResource> {
        Reply(ProjectResource(try await projects.close(try context.resourceID("project"), by: context.caller)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<PageResource<ProjectResource>> {
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
        let limit = query.limit()
        let cursor = query.cursor()
        query.issues.add(try await reference.unknownCodes(region: filter.region, focusAreas: filter.focusAreas))
        try query.issues.throwIfAny()
        let page = try await projects.list(filter, after: cursor, limit: limit, by: context.caller)
        return Reply(PageResource(items: page.items.map(ProjectResource.init), nextCursor: page.nextCursor))
    }
}
