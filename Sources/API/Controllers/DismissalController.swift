import Domain
import Foundation
import Hummingbird
import UseCases

/// "Not interested": an organization's dismissed match candidates.
struct DismissalController {
    let dismissals: DismissalService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/organizations/:id/dismissals", use: list)
        router.put("/v1/organizations/:id/dismissals/:candidate_id", use: dismiss)
        router.delete("/v1/organizations/:id/dismissals/:candidate_id", use: undo)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<DismissalResource>> {
        let items = try await dismissals.list(for: try context.resourceID("organization"), by: context.caller)
        return Reply(ListResource(items: items.map(DismissalResource.init)))
    }

    /// Idempotent: 201 when the candidate is dismissed now, 200 when it was already (the reason is replaced).
    @Sendable func dismiss(_ request: Request, context: AppRequestContext) async throws -> Reply<DismissalResource> {
        let organization = try context.resourceID("organization")
        let candidate = try candidateID(context)
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["reason"])
        let reason = reader.string("reason", maxLength: Dismissal.maxReasonLength)
        try issues.throwIfAny()
        let (dismissal, created) = try await dismissals.dismiss(candidate, for: organization, reason: reason, by: context.caller)
        return Reply(DismissalResource(dismissal), status: created ? .created : .ok)
    }

    @Sendable func undo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let organization = try context.resourceID("organization")
        try await dismissals.undo(try candidateID(context), for: organization, by: context.caller)
        return Response(status: .noContent)
    }

    /// The `:candidate_id` path parameter; anything but a UUID names no candidate, hence 404.
    private func candidateID(_ context: AppRequestContext) throws -> UUID {
        guard let raw = context.parameters.get("candidate_id"), let id = UUID(uuidString: raw) else {
            throw Problem.notFound("candidate")
        }
        return id
    }
}

struct DismissalResource: Encodable {
    let organizationId: String
    let candidateId: String
    let candidateKind: String
    let candidateName: LocalizedTextResource
    let reason: String?
    let dismissedBy: String?
    let dismissedAt: Date

    init(_ dismissal: Dismissal) {
        organizationId = dismissal.organizationID.lowercasedString
        candidateId = dismissal.candidateID.lowercasedString
        candidateKind = dismissal.candidateKind.rawValue
        candidateName = LocalizedTextResource(dismissal.candidateName)
        reason = dismissal.reason
        dismissedBy = dismissal.dismissedBy?.lowercasedString
        dismissedAt = dismissal.dismissedAt
    }
}
