import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

struct RoundController {
    let rounds: RoundService
    let reference: ReferenceData

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/rounds", use: run)
        router.get("/v1/rounds/:id", use: show)
        router.post("/v1/rounds/:id/accept", use: accept)
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Reply<RoundResource> {
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["jurisdiction", "focus_areas", "mode", "consent_deadline", "government_body_id", "sponsor_ids"])
        reader.requirePresent("consent_deadline")
        let jurisdiction = reader.string("jurisdiction", maxLength: 9).flatMap { TextRules.kato($0, field: "jurisdiction", issues: issues) }
        let focusAreas = OrganizationInput.codeList(reader, "focus_areas")
        let mode = reader.enumeration("mode", FundingMode.self) ?? .split
        let deadline = reader.string("consent_deadline", maxLength: 40).flatMap { text -> Date? in
            guard let date = RFC3339.date(text) else {
                issues.add("consent_deadline", "invalid_date", "consent_deadline must be an ISO 8601 time such as 2026-12-31T18:00:00Z.")
                return nil
            }
            return date
        }
        let governmentBody = reader.uuid("government_body_id")
        let sponsors = (reader.strings("sponsor_ids", maxCount: RoundRequest.maxSponsors) { text, field -> String? in
            guard UUID(uuidString: text) != nil else {
                issues.add(field, "invalid_id", "\(field) must be a UUID.")
                return nil
            }
            return text.lowercased()
        } ?? []).compactMap(UUID.init(uuidString:))
        // Reported by the use case with its own findings, after it has judged the caller.
        let round = try await rounds.run(
            RoundInput(
                jurisdiction: jurisdiction, focusAreas: focusAreas, mode: mode, consentDeadline: deadline,
                governmentBodyID: governmentBody, sponsorIDs: sponsors, problems: issues.issues
            ),
            by: context.caller
        )
        var reply = try await render(round, request: request, status: .created)
        reply.headers[.location] = "/v1/rounds/\(round.round.id.lowercasedString)"
        return reply
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<RoundResource> {
        try await render(try await rounds.find(try context.resourceID("round"), by: context.caller), request: request, status: .ok)
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Reply<RoundResource> {
        try await render(try await rounds.accept(try context.resourceID("round"), by: context.caller), request: request, status: .ok)
    }

    private func render(_ round: ExplainedRound, request: Request, status: HTTPResponse.Status) async throws -> Reply<RoundResource> {
        let language = Language.negotiate(request.headers[.acceptLanguage])
        let vocabulary = try await reference.snapshot().vocabulary(language)
        return Reply(
            RoundResource(round, language: language, vocabulary: vocabulary),
            status: status, headers: [.contentLanguage: language.rawValue]
        )
    }
}
