import Foundation
import Hummingbird
import Storage

struct OrganizationController {
    let organizations: OrganizationRepository
    let referenceData: ReferenceData

    static let listParameters: Set<String> = ["kind", "region", "focus_area", "q", "include_inactive", "limit", "cursor"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: deactivate)
        group.put(":id/verification", use: verify)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin(action: "register organizations")
        let draft = try OrganizationInput.draft(from: try await JSONBody.object(from: request))
        let organization = try await organizations.create(draft)
        return try JSONBody.response(
            OrganizationResource(organization, showContact: true),
            status: .created,
            headers: [.location: "/v1/organizations/\(organization.id.lowercasedString)"]
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let organization = try await organizations.find(try context.resourceID("organization"))
        let isOwn = context.identity?.speaksFor(organization.id) ?? false
        return try JSONBody.response(OrganizationResource(organization, showContact: isOwn))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.resourceID("organization")
        _ = try context.requireIdentity()
        _ = try await organizations.find(id)
        let identity = try context.requireSpeaksFor(id, action: "change it")
        let change = OrganizationInput.patch(try await JSONBody.object(from: request))
        let organization = try await organizations.update(id, byAdmin: identity.isAdmin, change)
        return try JSONBody.response(OrganizationResource(organization, showContact: true))
    }

    @Sendable func deactivate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.resourceID("organization")
        _ = try context.requireIdentity()
        _ = try await organizations.find(id)
        _ = try context.requireSpeaksFor(id, action: "deactivate it")
        return try JSONBody.response(OrganizationResource(try await organizations.deactivate(id), showContact: true))
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.resourceID("organization")
        _ = try context.requireAdmin(action: "verify organizations")
        _ = try await organizations.find(id)
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["status"])
        reader.requirePresent("status")
        let status = reader.enumeration("status", Verification.self)
        try issues.throwIfAny()
        guard let status else { throw Problem.validation(issues.issues) }
        return try JSONBody.response(OrganizationResource(try await organizations.setVerification(id, to: status), showContact: true))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
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
        try await referenceData.check(region: filter.region, focusAreas: filter.focusAreas, issues: query.issues)
        try query.issues.throwIfAny()
        let page = try await organizations.list(filter, after: cursor, limit: limit)
        return try JSONBody.response(PageResource(
            items: page.items.map { OrganizationResource($0, showContact: false) },
            nextCursor: page.nextCursor
        ))
    }
}
