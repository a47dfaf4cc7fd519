import Foundation
import Hummingbird
import Matching
import Storage

struct MatchController {
    let service: MatchService
    let repository: MatchRepository
    let reference: ReferenceData

    static let maxLimit = 50

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/projects/:id/matches", use: projectMatches)
        router.get("/v1/projects/:id/triples", use: projectTriples)
        router.get("/v1/organizations/:id/matches", use: organizationMatches)
    }

    @Sendable func projectMatches(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request: request)
        query.rejectUnknown(["kind", "limit", "fair_exposure", "diversify"])
        let kind = query.enumeration("kind", MatchKind.self) ?? .business
        let options = options(query)
        try query.issues.throwIfAny()
        guard let (project, items) = try await service.partners(
            forProject: try context.resourceID("project"), kind: kind.partnerKind, options: options
        ) else { throw Problem.notFound("project") }
        try requireVisible(project, context)
        return try await respond(items, request: request, notice: project.profile.isOpen ? nil : Self.notOpen)
    }

    @Sendable func projectTriples(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit", "fair_exposure", "diversify"])
        let options = options(query)
        try query.issues.throwIfAny()
        guard let (project, items) = try await service.triples(forProject: try context.resourceID("project"), options: options) else {
            throw Problem.notFound("project")
        }
        try requireVisible(project, context)
        return try await respond(items, request: request, notice: project.profile.isOpen ? nil : Self.notOpen)
    }

    @Sendable func organizationMatches(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit", "fair_exposure", "diversify"])
        let options = options(query)
        try query.issues.throwIfAny()
        let id = try context.resourceID("organization")
        guard let (organization, description) = try await repository.organization(id) else { throw Problem.notFound("organization") }
        guard organization.profile.isActive else {
            return try await respond([], request: request, notice: "The organization is deactivated, so it is not matched.")
        }
        let items: [RankedMatch<MatchService.Subject>] = switch organization.profile.kind {
        case .ngo:
            try await service.sponsors(forNGO: id, options: options)
        case .business, .governmentBody:
            try await service.projects(for: organization, description: description, options: options)
        }
        return try await respond(items, request: request, notice: nil)
    }

    private static let notOpen = "The project is not open, so it is not matched."

    /// Drafts are private to their NGO and admins.
    private func requireVisible(_ project: ProjectCandidate, _ context: AppRequestContext) throws {
        if project.status == .draft && !(context.identity?.speaksFor(project.owner.id) ?? false) {
            throw Problem.notFound("project")
        }
    }

    private func options(_ query: QueryReader) -> MatchOptions {
        MatchOptions(
            limit: query.integer("limit", in: 1...Int64(Self.maxLimit)).map(Int.init) ?? 10,
            fairExposure: query.bool("fair_exposure") ?? true,
            diversify: query.bool("diversify") ?? true
        )
    }

    private func respond(_ items: [RankedMatch<MatchService.Subject>], request: Request, notice: String?) async throws -> Response {
        let language = ReasonLanguage.negotiate(request.headers[.acceptLanguage])
        let vocabulary = try await reference.snapshot().vocabulary(language)
        return try JSONBody.response(
            MatchList(language: language.rawValue, items: MatchRendering.items(items, language: language, vocabulary: vocabulary), notice: notice),
            headers: [.contentLanguage: language.rawValue, .vary: "Accept-Language"]
        )
    }
}

/// Which partners a project's match list holds.
enum MatchKind: String, CaseIterable {
    case business
    case governmentBody = "government_body"

    var partnerKind: PartnerKind {
        switch self {
        case .business: .business
        case .governmentBody: .governmentBody
        }
    }
}
