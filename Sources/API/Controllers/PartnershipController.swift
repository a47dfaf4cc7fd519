import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

struct PartnershipController {
    let partnerships: PartnershipService
    let reference: ReferenceData

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/partnerships", use: propose)
        router.get("/v1/partnerships", use: list)
        router.get("/v1/partnerships/:id", use: show)
        router.patch("/v1/partnerships/:id", use: amend)
        for action in Self.moves {
            router.post("/v1/partnerships/:id/\(action.rawValue)") { request, context in
                try await move(action, request, context)
            }
        }
        router.post("/v1/partnerships/:id/reports", use: report)
        router.get("/v1/partnerships/:id/reports", use: reports)
        router.get("/v1/partnerships/:id/events", use: events)
        router.get("/v1/partnerships/:id/framework", use: framework)
        router.post("/v1/partnerships/:id/framework-changes", use: requestFrameworkChange)
        router.post("/v1/partnerships/:id/framework-changes/decision", use: decideFrameworkChange)
        router.get("/v1/events", use: feed)
        router.get("/v1/reviews", use: reviews)
    }

    /// Lifecycle moves with an endpoint of their own; `report` and `amend` have theirs.
    static let moves: [PartnershipLifecycle.Action] = [.consent, .withdraw, .approve, .reject, .return, .activate, .complete, .cancel]

    @Sendable func propose(_ request: Request, context: AppRequestContext) async throws -> Reply<PartnershipResource> {
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(Set(["project_id", "business_id", "government_body_id", "pledge_kzt", "in_kind"]).union(FrameworkInput.keys))
        reader.requirePresent("project_id", "business_id", "government_body_id", "pledge_kzt")
        let project = reader.uuid("project_id")
        let business = reader.uuid("business_id")
        let body = reader.uuid("government_body_id")
        let pledge = reader.integer("pledge_kzt", in: 0...OrganizationInput.maxBudgetKZT)
        let inKind = inKindList(reader)
        let framework = FrameworkInput.framework(reader)
        try issues.throwIfAny()
        guard let project, let business, let body, let pledge else { throw Problem.validation(issues.issues) }
        var draft = PartnershipDraft(projectID: project, businessID: business, governmentBodyID: body, pledgeKZT: pledge, inKind: inKind ?? [])
        if let framework { draft.framework = framework }
        let partnership = try await partnerships.propose(draft, by: context.caller)
        var headers = etag(partnership)
        headers[.location] = "/v1/partnerships/\(partnership.id.lowercasedString)"
        return Reply(PartnershipResource(partnership), status: .created, headers: headers)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<PartnershipResource>> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["state", "limit"])
        let state = query.enumeration("state", PartnershipState.self)
        let limit = query.limit()
        try query.issues.throwIfAny()
        let items = try await partnerships.list(state: state, limit: limit, by: context.caller)
        return Reply(ListResource(items: items.map(PartnershipResource.init)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<PartnershipResource> {
        let partnership = try await partnerships.find(try context.resourceID("partnership"), by: context.caller)
        return Reply(PartnershipResource(partnership), headers: etag(partnership))
    }

    @Sendable func amend(_ request: Request, context: AppRequestContext) async throws -> Reply<PartnershipResource> {
        let id = try context.resourceID("partnership")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(Set(["pledge_kzt", "in_kind"]).union(FrameworkInput.keys))
        let pledge = reader.integer("pledge_kzt", in: 0...OrganizationInput.maxBudgetKZT)
        let inKind = inKindList(reader)
        // A period or indicators alone keep the rest of the framework as it is.
        // Read only for a caller who may amend at all: anyone else hears 401 from amend itself,
        // not a 404 from reading a partnership they cannot see.
        let current = !context.caller.isAnonymous && reader.has("indicators") != reader.has("reporting_period_days")
            ? try await partnerships.framework(of: id, by: context.caller).framework : ResultsFramework()
        let framework = FrameworkInput.framework(reader, current: current)
        try issues.throwIfAny()
        let partnership = try await partnerships.amend(
            id, pledgeKZT: pledge, inKind: inKind, framework: framework, ifMatch: request.ifMatchVersions, by: context.caller
        )
        return Reply(PartnershipResource(partnership), headers: etag(partnership))
    }

    func move(_ action: PartnershipLifecycle.Action, _ request: Request, _ context: AppRequestContext) async throws -> Reply<PartnershipResource> {
        let id = try context.resourceID("partnership")
        let object = try await JSONBody.optionalObject(from: request)
        let issues = IssueCollector()
        let reader = ObjectReader(object, issues: issues)
        var report: ReportDraft?
        if action == .complete {
            // Completing is the final evaluation.
            reader.rejectUnknownKeys(["comment", "text", "amount_disbursed_kzt", "beneficiaries_reached", "rating", "indicator_values", "lessons"])
            reader.requirePresent("text")
            report = reportDraft(reader)
            report?.lessons = reader.string("lessons", maxLength: 10_000)
        } else {
            reader.rejectUnknownKeys(["comment"])
        }
        let comment = reader.string("comment", maxLength: 2000)
        if PartnershipLifecycle.needsComment(action), comment == nil, !issues.issues.contains(where: { $0.field == "comment" }) {
            // A move that can never succeed says so before If-Match is compared.
            issues.add("comment", "required", "Say why: \(action.rawValue) needs a comment.")
        }
        try issues.throwIfAny()
        let partnership = try await partnerships.perform(
            action, on: id, comment: comment, finalEvaluation: report, ifMatch: request.ifMatchVersions, by: context.caller
        )
        return Reply(PartnershipResource(partnership), headers: etag(partnership))
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Reply<PartnershipResource> {
        let id = try context.resourceID("partnership")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["text", "amount_disbursed_kzt", "beneficiaries_reached", "indicator_values"])
        reader.requirePresent("text")
        let draft = reportDraft(reader)
        try issues.throwIfAny()
        let partnership = try await partnerships.report(id, draft, ifMatch: request.ifMatchVersions, by: context.caller)
        return Reply(PartnershipResource(partnership), status: .created, headers: etag(partnership))
    }

    @Sendable func reports(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ReportResource>> {
        let items = try await partnerships.reports(of: try context.resourceID("partnership"), by: context.caller)
        return Reply(ListResource(items: items.map(ReportResource.init)))
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<EventResource>> {
        let items = try await partnerships.events(of: try context.resourceID("partnership"), by: context.caller)
        return Reply(ListResource(items: items.map(EventResource.init)))
    }

    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Reply<FeedResource> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["after", "limit"])
        let after = query.integer("after", in: 0...Int64.max) ?? 0
        let limit = query.limit()
        try query.issues.throwIfAny()
        let items = try await partnerships.feed(after: after, limit: limit, by: context.caller)
        return Reply(FeedResource(items: items.map(EventResource.init), next: items.last.map { String($0.id) } ?? String(after)))
    }

    @Sendable func reviews(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ReviewResource>> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["limit"])
        let limit = query.limit()
        try query.issues.throwIfAny()
        let queue = try await partnerships.reviewQueue(limit: limit, by: context.caller)
        let language = Language.negotiate(request.headers[.acceptLanguage])
        let vocabulary = try await reference.snapshot().vocabulary(language)
        let items = queue.map { item in
            ReviewResource(
                partnership: PartnershipResource(item.partnership),
                waitingSeconds: item.waitingSeconds,
                match: item.match.flatMap { MatchRendering.items([$0], language: language, vocabulary: vocabulary).first }
            )
        }
        return Reply(ListResource(items: items), headers: [.contentLanguage: language.rawValue])
    }

    @Sendable func framework(_ request: Request, context: AppRequestContext) async throws -> Reply<FrameworkResource> {
        let view = try await partnerships.framework(of: try context.resourceID("partnership"), by: context.caller)
        return Reply(FrameworkResource(view), headers: etag(view.partnership))
    }

    @Sendable func requestFrameworkChange(_ request: Request, context: AppRequestContext) async throws -> Reply<FrameworkChangeResource> {
        let id = try context.resourceID("partnership")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(FrameworkInput.keys.union(["reason"]))
        reader.requirePresent("indicators", "reporting_period_days", "reason")
        let framework = FrameworkInput.framework(reader)
        let reason = reader.string("reason", maxLength: 2000)
        try issues.throwIfAny()
        guard let framework, let reason else { throw Problem.validation(issues.issues) }
        let change = try await partnerships.requestFrameworkChange(id, framework: framework, reason: reason, by: context.caller)
        return Reply(FrameworkChangeResource(change), status: .created)
    }

    @Sendable func decideFrameworkChange(_ request: Request, context: AppRequestContext) async throws -> Reply<FrameworkChangeResource> {
        let id = try context.resourceID("partnership")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["accept", "comment"])
        reader.requirePresent("accept")
        let accept = reader.bool("accept")
        let comment = reader.string("comment", maxLength: 2000)
        if accept == false, comment == nil, !issues.issues.contains(where: { $0.field == "comment" }) {
            issues.add("comment", "required", "Say why the change is declined.")
        }
        try issues.throwIfAny()
        guard let accept else { throw Problem.validation(issues.issues) }
        let change = try await partnerships.decideFrameworkChange(id, accept: accept, comment: comment, by: context.caller)
        return Reply(FrameworkChangeResource(change))
    }

    // MARK: - Helpers

    private func etag(_ partnership: Partnership) -> HTTPFields {
        [.eTag: "\"\(partnership.version)\""]
    }

    /// Moves may come without a body; when one is sent it must be a JSON object.
    private func inKindList(_ reader: ObjectReader) -> [String]? {
        reader.strings("in_kind", maxCount: 20) { TextRules.check($0, field: $1, maxLength: 200, issues: reader.issues) }
    }

    private func reportDraft(_ reader: ObjectReader) -> ReportDraft {
        ReportDraft(
            amountDisbursedKZT: reader.integer("amount_disbursed_kzt", in: 0...OrganizationInput.maxBudgetKZT) ?? 0,
            beneficiariesReached: reader.integer("beneficiaries_reached", in: 0...100_000_000).map(Int.init) ?? 0,
            text: reader.string("text", maxLength: 10_000) ?? "",
            rating: reader.has("rating") ? reader.integer("rating", in: 1...5).map(Int.init) : nil,
            values: FrameworkInput.values(reader)
        )
    }
}
