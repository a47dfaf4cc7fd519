import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

struct OrganizationController {
    let organizations: OrganizationService
    let reference: ReferenceData

    static let listParameters: Set<String> = ["kind", "region", "focus_area", "q", "include_inactive", "limit", "cursor"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: deactivate)
        group.put(":id/verification", use: verify)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Reply<OrganizationResource> {
        let draft = try OrganizationInput.draft(from: try await JSONBody.object(from: request))
        let view = try await organizations.register(draft, by: context.caller)
        return Reply(
            OrganizationResource(view), status: .created,
            headers: [.location: "/v1/organizations/\(view.organization.id.lowercasedString)"]
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<OrganizationResource> {
        Reply(OrganizationResource(try await organizations.find(try context.resourceID("organization"), by: context.caller)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Reply<OrganizationResource> {
        let id = try context.resourceID("organization")
        let change = OrganizationInput.patch(try await JSONBody.object(from: request))
        return Reply(OrganizationResource(try await organizations.update(id, by: context.caller, change)))
    }

    @Sendable func deactivate(_ request: Request, context: AppRequestContext) async throws -> Reply<OrganizationResource> {
        Reply(OrganizationResource(try await organizations.deactivate(try context.resourceID("organization"), by: context.caller)))
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Reply<OrganizationResource> {
        let id = try context.resourceID("organization")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["status"])
        reader.requirePresent("status")
        let status = reader.enumeration("status", Verification.self)
        try issues.throwIfAny()
        guard let status else { throw Problem.validation(issues.issues) }
        return Reply(OrganizationResource(try await organizations.verify(id, as: status, by: context.caller)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<PageResource<OrganizationResource>> {
        let query = QueryReader(request: request)
        query.rejectUnknown(Self.listParameters)
        var filter = OrganizationFilter()
        filter.kind = query.enumeration("kind", OrganizationKind.self)
        filter.region = query.kato("region")
        filter.focusAreas = query.codes("focus_area")
        filter.text = query.text("q")
        filter.includeInactive = query.bool("include_inactive") ?? false
        let limit = query.limit()
        let cursor = query.cursor()
        query.issues.add(try await reference.unknownCodes(region: filter.region, focusAreas: filter.focusAreas))
        try query.issues.throwIfAny()
        let page = try await organizations.list(filter, after: cursor, limit: limit, by: context.caller)
        return Reply(PageResource(items: page.items.map(OrganizationResource.init), nextCursor: page.nextCursor))
    }
}
