import Domain
import Foundation
import Hummingbird
import UseCases

/// A business's shortlist of projects it is weighing.
struct ShortlistController {
    let shortlists: ShortlistService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/organizations/:id/shortlist", use: list)
        router.put("/v1/organizations/:id/shortlist/:project_id", use: add)
        router.delete("/v1/organizations/:id/shortlist/:project_id", use: remove)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ShortlistEntryResource>> {
        let items = try await shortlists.list(for: try context.resourceID("organization"), by: context.caller)
        return Reply(ListResource(items: items.map(ShortlistEntryResource.init)))
    }

    /// Idempotent: 201 when the project is added now, 200 when it was on the list (the note is replaced).
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Reply<ShortlistEntryResource> {
        let organization = try context.resourceID("organization")
        let project = try projectID(context)
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["note"])
        let note = reader.string("note", maxLength: ShortlistEntry.maxNoteLength)
        try issues.throwIfAny()
        let (entry, created) = try await shortlists.add(project, for: organization, note: note, by: context.caller)
        return Reply(ShortlistEntryResource(entry), status: created ? .created : .ok)
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let organization = try context.resourceID("organization")
        try await shortlists.remove(try projectID(context), for: organization, by: context.caller)
        return Response(status: .noContent)
    }

    /// The `:project_id` path parameter; anything but a UUID names no project, hence 404.
    private func projectID(_ context: AppRequestContext) throws -> UUID {
        guard let raw = context.parameters.get("project_id"), let id = UUID(uuidString: raw) else {
            throw Problem.notFound("project")
        }
        return id
    }
}

struct ShortlistEntryResource: Encodable {
    let organizationId: String
    let project: ProjectResource
    let projectOwnerName: LocalizedTextResource
    let fundingGapKzt: Int64
    let note: String?
    let addedBy: String?
    let addedAt: Date

    init(_ entry: ShortlistEntry) {
        organizationId = entry.organizationID.lowercasedString
        project = ProjectResource(entry.project)
        projectOwnerName = LocalizedTextResource(entry.projectOwnerName)
        fundingGapKzt = entry.fundingGapKZT
        note = entry.note
        addedBy = entry.addedBy?.lowercasedString
        addedAt = entry.addedAt
    }
}
