import Foundation
import Hummingbird
import Matching
import Storage

struct RoundController {
    let service: RoundService
    let rounds: RoundRepository
    let organizations: OrganizationRepository
    let reference: ReferenceData

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/rounds", use: run)
        router.get("/v1/rounds/:id", use: show)
        router.post("/v1/rounds/:id/accept", use: accept)
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.isAdmin || identity.reviewScope != nil else {
            throw Problem.forbidden("Funding rounds are run by government bodies.")
        }
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["jurisdiction", "focus_areas", "mode", "consent_deadline", "government_body_id"])
        reader.requirePresent("consent_deadline")
        if identity.isAdmin { reader.requirePresent("government_body_id") }
        let jurisdiction = reader.string("jurisdiction", maxLength: 9).flatMap { TextRules.kato($0, field: "jurisdiction", issues: issues) }
        let focusAreas = OrganizationInput.codeList(reader, "focus_areas")
        let mode = reader.enumeration("mode", FundingMode.self) ?? .split
        let deadline = reader.string("consent_deadline", maxLength: 40).flatMap { text -> Date? in
            guard let date = RFC3339.date(text) else {
                issues.add("consent_deadline", "invalid_date", "consent_deadline must be an ISO 8601 time such as 2026-12-31T18:00:00Z.")
                return nil
            }
            if date <= Date() { issues.add("consent_deadline", "in_the_past", "consent_deadline must lie in the future.") }
            return date
        }
        // An admin runs a round on behalf of a government body; a body runs its own.
        var runner = identity.isAdmin ? nil : identity.member?.organizationID
        if let id = reader.uuid("government_body_id") {
            guard identity.speaksFor(id) else { throw Problem.forbidden("A government body runs rounds only for itself.") }
            runner = id
        }
        try await reference.check(
            region: jurisdiction, focusAreas: focusAreas, issues: issues,
            regionField: "jurisdiction", focusAreaField: { "focus_areas[\($0)]" }
        )
        try issues.throwIfAny()
        guard let deadline, let runner else { throw Problem.validation(issues.issues) }

        let scope = try await governmentScope(of: runner, identity: identity)
        let requested = jurisdiction ?? scope.jurisdiction
        // A body runs rounds in its own jurisdiction or part of it; a national body anywhere.
        guard scope.isNational || requested.hasPrefix(String(KATO.prefix(scope.jurisdiction))) else {
            throw Problem.forbidden("A round can only cover the government body's own jurisdiction.")
        }
        let roundRequest = RoundRequest(
            jurisdiction: requested, national: scope.isNational && jurisdiction == nil,
            focusAreas: focusAreas, mode: mode, consentDeadline: deadline
        )
        let round = try await service.run(roundRequest, governmentBody: runner, isAdmin: identity.isAdmin)
        var response = try await render(round, request: request, status: .created)
        response.headers[.location] = "/v1/rounds/\(round.id.lowercasedString)"
        return response
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let round = try await visibleRound(context, identity)
        return try await render(round, request: request, status: .ok)
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let round = try await visibleRound(context, identity)
        return try await render(try await service.accept(round, by: identity), request: request, status: .ok)
    }

    /// The round's own government body and admins see it; for everyone else it does not exist.
    private func visibleRound(_ context: AppRequestContext, _ identity: Identity) async throws -> FundingRound {
        let round = try await rounds.find(try context.resourceID("round"))
        guard identity.speaksFor(round.governmentBodyID) else { throw Problem.notFound("round") }
        return round
    }

    private func governmentScope(of body: UUID, identity: Identity) async throws -> (jurisdiction: String, isNational: Bool) {
        if let member = identity.member, member.organizationID == body, let scope = identity.reviewScope {
            return (member.jurisdiction ?? "", scope.isNational)
        }
        let notABody = Problem.validation([
            FieldIssue(field: "government_body_id", code: "not_a_government_body", message: "Name an active government body.")
        ])
        // An id that names nothing is a field problem like any other, not a missing resource of this URL.
        let organization: Organization
        do {
            organization = try await organizations.find(body)
        } catch StorageError.notFound {
            throw notABody
        }
        guard organization.fields.kind == .governmentBody, organization.active, organization.verification != .suspended,
              let jurisdiction = organization.fields.jurisdiction else {
            throw notABody
        }
        return (jurisdiction, organization.fields.level == .national)
    }

    private func render(_ round: FundingRound, request: Request, status: HTTPResponse.Status) async throws -> Response {
        let language = ReasonLanguage.negotiate(request.headers[.acceptLanguage])
        let snapshot = try await reference.snapshot()
        let projectIDs = Array(Set(round.placements.map(\.projectID) + round.unfunded.map(\.projectID)))
        let profiles = try await rounds.profiles(projects: projectIDs, sponsors: Array(Set(round.placements.map(\.sponsorID))))
        let scorer = MatchScorer(taxonomy: snapshot.taxonomy, fairness: .off)
        return try JSONBody.response(
            RoundResource(round, profiles: profiles, scorer: scorer, language: language, vocabulary: snapshot.vocabulary(language)),
            status: status, headers: [.contentLanguage: language.rawValue]
        )
    }
}
