import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

struct MatchController {
    let matches: MatchService
    let reference: ReferenceData

    static let maxLimit = 50

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/projects/:id/matches", use: projectMatches)
        router.get("/v1/projects/:id/triples", use: projectTriples)
        router.get("/v1/organizations/:id/matches", use: organizationMatches)
    }

    @Sendable func projectMatches(_ request: Request, context: AppRequestContext) async throws -> Reply<MatchList> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["kind", "limit", "fair_exposure", "diversify", "scope"])
        let kind = query.enumeration("kind", MatchKind.self) ?? .business
        let options = options(query)
        try query.issues.throwIfAny()
        let answer = try await matches.partners(
            forProject: try context.resourceID("project"), kind: kind.partnerKind, options: options, by: context.caller
        )
        return try await render(answer, request: request)
    }

    @Sendable func projectTriples(_ request: Request, context: AppRequestContext) async throws -> Reply<MatchList> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit", "fair_exposure", "diversify", "scope"])
        let options = options(query)
        try query.issues.throwIfAny()
        let answer = try await matches.triples(forProject: try context.resourceID("project"), options: options, by: context.caller)
        return try await render(answer, request: request)
    }

    @Sendable func organizationMatches(_ request: Request, context: AppRequestContext) async throws -> Reply<MatchList> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit", "fair_exposure", "diversify", "scope", "region", "focus_area", "max_gap"])
        var options = options(query)
        let restriction = ProjectRestriction(
            place: query.kato("region"), focusAreas: query.codes("focus_area"),
            maxGapKZT: query.integer("max_gap", in: 0...OrganizationInput.maxBudgetKZT)
        )
        query.issues.add(try await reference.unknownCodes(region: restriction.place, focusAreas: restriction.focusAreas))
        options.restriction = restriction
        try query.issues.throwIfAny()
        let answer = try await matches.forOrganization(try context.resourceID("organization"), options: options, by: context.caller)
        return try await render(answer, request: request)
    }

    private func options(_ query: QueryReader) -> MatchOptions {
        MatchOptions(
            limit: query.integer("limit", in: 1...Int64(Self.maxLimit)).map(Int.init) ?? 10,
            fairExposure: query.bool("fair_exposure") ?? true,
            diversify: query.bool("diversify") ?? true,
            scope: query.enumeration("scope", MatchScope.self) ?? .all
        )
    }

    private func render(_ answer: MatchAnswer, request: Request) async throws -> Reply<MatchList> {
        let language = Language.negotiate(request.headers[.acceptLanguage])
        let vocabulary = try await reference.snapshot().vocabulary(language)
        return Reply(
            MatchList(language: language.rawValue, items: MatchRendering.items(answer.items, language: language, vocabulary: vocabulary), notice: answer.notice),
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
