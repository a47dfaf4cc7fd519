import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// Calls for proposals, their pledges and their applications, over `CallService`.
struct CallController {
    let calls: CallService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/calls", use: list)
        router.post("/v1/calls", use: create)
        router.get("/v1/calls/:id", use: show)
        router.put("/v1/calls/:id", use: update)
        router.post("/v1/calls/:id/publish", use: publish)
        router.get("/v1/calls/:id/pledges", use: pledges)
        router.post("/v1/calls/:id/pledges", use: pledge)
        router.post("/v1/pledges/:id/withdraw", use: withdrawPledge)
        router.get("/v1/calls/:id/applications", use: applications)
        router.post("/v1/calls/:id/applications", use: apply)
        router.get("/v1/applications/:id", use: application)
        router.put("/v1/applications/:id", use: updateApplication)
        router.post("/v1/applications/:id/submit", use: submit)
        router.post("/v1/applications/:id/withdraw", use: withdrawApplication)
        router.get("/v1/organizations/:id/applications", use: applicationsOfNGO)
    }

    // MARK: - Calls

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<CallResource>> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["government_body_id", "limit"])
        let body = query.string("government_body_id", maxLength: 36).flatMap { text -> UUID? in
            guard let id = UUID(uuidString: text) else {
                query.issues.add("government_body_id", "invalid_id", "government_body_id must be a UUID.")
                return nil
            }
            return id
        }
        let limit = query.limit()
        try query.issues.throwIfAny()
        let found = try await calls.list(governmentBodyID: body, limit: limit, by: context.caller)
        let now = calls.now()
        return Reply(ListResource(items: found.map { CallResource($0, now: now) }))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Reply<CallResource> {
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(CallInput.keys.union(["government_body_id"]))
        let terms = CallInput.terms(reader)
        let body = reader.uuid("government_body_id")
        // Reported by the use case with its own findings, after it has judged the caller.
        let call = try await calls.create(terms, governmentBodyID: body, problems: issues.issues, by: context.caller)
        return Reply(
            CallResource(call, now: calls.now()), status: .created,
            headers: [.location: "/v1/calls/\(call.id.lowercasedString)", .eTag: "\"\(call.version)\""]
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<CallResource> {
        let call = try await calls.find(try context.resourceID("call"), by: context.caller)
        return Reply(CallResource(call, now: calls.now()), headers: [.eTag: "\"\(call.version)\""])
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Reply<CallResource> {
        let id = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(CallInput.keys)
        let terms = CallInput.terms(reader)
        let call = try await calls.update(id, to: terms, ifMatch: request.ifMatchVersions, problems: issues.issues, by: context.caller)
        return Reply(CallResource(call, now: calls.now()), headers: [.eTag: "\"\(call.version)\""])
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> Reply<CallResource> {
        let call = try await calls.publish(try context.resourceID("call"), ifMatch: request.ifMatchVersions, by: context.caller)
        return Reply(CallResource(call, now: calls.now()), headers: [.eTag: "\"\(call.version)\""])
    }

    // MARK: - Pledges

    @Sendable func pledges(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<PledgeResource>> {
        let found = try await calls.pledges(of: try context.resourceID("call"), by: context.caller)
        return Reply(ListResource(items: found.map(PledgeResource.init)))
    }

    @Sendable func pledge(_ request: Request, context: AppRequestContext) async throws -> Reply<PledgeResource> {
        let call = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["amount_kzt", "earmark_focus_areas", "earmark_places", "business_id"])
        reader.requirePresent("amount_kzt")
        let amount = reader.integer("amount_kzt", in: 1...OrganizationInput.maxBudgetKZT) ?? 0
        let focusAreas = OrganizationInput.codeList(reader, "earmark_focus_areas")
        let places = reader.strings("earmark_places", maxCount: 50) { TextRules.kato($0, field: $1, issues: reader.issues) } ?? []
        let business = reader.uuid("business_id")
        let pledge = try await calls.pledge(
            to: call, amountKZT: amount, focusAreas: focusAreas, places: places, businessID: business, problems: issues.issues, by: context.caller
        )
        return Reply(PledgeResource(pledge), status: .created)
    }

    @Sendable func withdrawPledge(_ request: Request, context: AppRequestContext) async throws -> Reply<PledgeResource> {
        Reply(PledgeResource(try await calls.withdrawPledge(try context.resourceID("pledge"), by: context.caller)))
    }

    // MARK: - Applications

    @Sendable func applications(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ApplicationResource>> {
        let found = try await calls.applications(of: try context.resourceID("call"), by: context.caller)
        return Reply(ListResource(items: found.map(ApplicationResource.init)))
    }

    @Sendable func applicationsOfNGO(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ApplicationResource>> {
        let found = try await calls.applications(ofNGO: try context.resourceID("organization"), by: context.caller)
        return Reply(ListResource(items: found.map(ApplicationResource.init)))
    }

    @Sendable func apply(_ request: Request, context: AppRequestContext) async throws -> Reply<ApplicationResource> {
        let call = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        let draft = CallInput.application(reader, projectRequired: true)
        let application = try await calls.apply(to: call, draft, problems: issues.issues, by: context.caller)
        return Reply(
            ApplicationResource(application), status: .created,
            headers: [.location: "/v1/applications/\(application.id.lowercasedString)", .eTag: "\"\(application.version)\""]
        )
    }

    @Sendable func application(_ request: Request, context: AppRequestContext) async throws -> Reply<ApplicationResource> {
        let application = try await calls.application(try context.resourceID("application"), by: context.caller)
        return Reply(ApplicationResource(application), headers: [.eTag: "\"\(application.version)\""])
    }

    @Sendable func updateApplication(_ request: Request, context: AppRequestContext) async throws -> Reply<ApplicationResource> {
        let id = try context.resourceID("application")
        let current = try await calls.application(id, by: context.caller)
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        var draft = CallInput.application(reader, projectRequired: false)
        if !reader.has("project_id") { draft.projectID = current.draft.projectID }
        let application = try await calls.updateApplication(id, to: draft, ifMatch: request.ifMatchVersions, problems: issues.issues, by: context.caller)
        return Reply(ApplicationResource(application), headers: [.eTag: "\"\(application.version)\""])
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Reply<ApplicationResource> {
        let application = try await calls.submit(try context.resourceID("application"), ifMatch: request.ifMatchVersions, by: context.caller)
        return Reply(ApplicationResource(application), headers: [.eTag: "\"\(application.version)\""])
    }

    @Sendable func withdrawApplication(_ request: Request, context: AppRequestContext) async throws -> Reply<ApplicationResource> {
        let application = try await calls.withdrawApplication(try context.resourceID("application"), by: context.caller)
        return Reply(ApplicationResource(application), headers: [.eTag: "\"\(application.version)\""])
    }
}

/// Calls and applications as the API takes them.
enum CallInput {
    static let keys: Set<String> = [
        "title", "description", "focus_areas", "territory", "state_budget_kzt", "min_grant_kzt", "max_grant_kzt", "partial_funding",
        "eligibility", "pass_mark", "reviewers_per_application", "moderation_spread", "opens_at", "closes_at", "reviews_due_at",
        "results_at", "questions", "criteria",
    ]

    /// The terms in `reader`; what is missing or malformed is recorded in its issues and stands in
    /// as a placeholder the use case never stores.
    static func terms(_ reader: ObjectReader) -> CallTerms {
        reader.requirePresent("title", "state_budget_kzt", "min_grant_kzt", "max_grant_kzt", "pass_mark", "opens_at", "closes_at", "reviews_due_at", "results_at", "criteria")
        var title = LocalizedText()
        if let text = reader.object("title") { LocalizedInput.merge(text, into: &title, maxLength: 300) }
        var description = LocalizedText()
        if let text = reader.object("description") { LocalizedInput.merge(text, into: &description, maxLength: 20_000) }
        let territory = reader.string("territory", maxLength: 9).flatMap { TextRules.kato($0, field: "territory", issues: reader.issues) }
        var eligibility = CallEligibility()
        if let rules = reader.object("eligibility") {
            rules.rejectUnknownKeys(["verified_only", "territory_only", "min_years_active", "no_overdue_reports"])
            eligibility.verifiedOnly = rules.bool("verified_only") ?? eligibility.verifiedOnly
            eligibility.territoryOnly = rules.bool("territory_only") ?? eligibility.territoryOnly
            eligibility.minYearsActive = rules.integer("min_years_active", in: 0...Int64(CallEligibility.years.upperBound)).map(Int.init) ?? 0
            eligibility.noOverdueReports = rules.bool("no_overdue_reports") ?? eligibility.noOverdueReports
        }
        let questions = (reader.objects("questions", maxCount: CallTerms.maxQuestions) ?? []).map { item -> CallQuestion in
            item.rejectUnknownKeys(["text", "max_length"])
            item.requirePresent("text")
            var text = LocalizedText()
            if let given = item.object("text") { LocalizedInput.merge(given, into: &text, maxLength: 1_000) }
            let range = Int64(CallQuestion.maxLengthRange.lowerBound)...Int64(CallQuestion.maxLengthRange.upperBound)
            return CallQuestion(text: text, maxLength: item.integer("max_length", in: range).map(Int.init) ?? 4_000)
        }
        let criteria = (reader.objects("criteria", maxCount: CallTerms.maxCriteria) ?? []).map { item -> CallCriterion in
            item.rejectUnknownKeys(["name", "guidance", "weight", "scale_max"])
            item.requirePresent("name", "weight", "scale_max")
            var name = LocalizedText()
            if let given = item.object("name") { LocalizedInput.merge(given, into: &name, maxLength: 300) }
            var guidance = LocalizedText()
            if let given = item.object("guidance") { LocalizedInput.merge(given, into: &guidance, maxLength: 4_000) }
            return CallCriterion(
                name: name, guidance: guidance,
                weight: item.integer("weight", in: 1...100).map(Int.init) ?? 1,
                scaleMax: item.integer("scale_max", in: 1...10).map(Int.init) ?? 5
            )
        }
        let date = { (key: String) -> Date in
            guard let text = reader.string(key, maxLength: 40) else { return .distantPast }
            guard let date = RFC3339.date(text) else {
                reader.issues.add(key, "invalid_date", "\(key) must be an ISO 8601 time such as 2026-12-31T18:00:00Z.")
                return .distantPast
            }
            // To the millisecond, as times are answered: finer differences would compare one way
            // here and another in PostgreSQL, which keeps microseconds.
            return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded(.down) / 1_000)
        }
        let opens = date("opens_at")
        let closes = date("closes_at")
        let reviews = date("reviews_due_at")
        let results = date("results_at")
        return CallTerms(
            title: title, description: description, focusAreas: OrganizationInput.codeList(reader, "focus_areas"), territory: territory,
            stateBudgetKZT: reader.integer("state_budget_kzt", in: 0...OrganizationInput.maxBudgetKZT) ?? 0,
            minGrantKZT: reader.integer("min_grant_kzt", in: 1...OrganizationInput.maxBudgetKZT) ?? 1,
            maxGrantKZT: reader.integer("max_grant_kzt", in: 1...OrganizationInput.maxBudgetKZT) ?? 1,
            partialFunding: reader.bool("partial_funding") ?? false, eligibility: eligibility,
            passMark: reader.number("pass_mark", magnitude: 100) ?? 0,
            reviewersPerApplication: reader.integer("reviewers_per_application", in: 2...7).map(Int.init) ?? 2,
            moderationSpread: reader.number("moderation_spread", magnitude: 100) ?? 25,
            opensAt: opens, closesAt: closes, reviewsDueAt: reviews, resultsAt: results, questions: questions, criteria: criteria
        )
    }

    static func application(_ reader: ObjectReader, projectRequired: Bool) -> CallApplicationDraft {
        reader.rejectUnknownKeys(FrameworkInput.keys.union(["project_id", "amount_kzt", "answers"]))
        if projectRequired { reader.requirePresent("project_id") }
        reader.requirePresent("amount_kzt")
        let answers = Self.answers(reader)
        return CallApplicationDraft(
            projectID: reader.uuid("project_id") ?? UUID(),
            amountKZT: reader.integer("amount_kzt", in: 1...OrganizationInput.maxBudgetKZT) ?? 1,
            answers: answers,
            framework: FrameworkInput.framework(reader) ?? ResultsFramework()
        )
    }

    /// `answers`: one string per question, in order; unlike other lists, equal answers are kept.
    static func answers(_ reader: ObjectReader) -> [String] {
        guard let items = reader.items("answers", maxCount: CallTerms.maxQuestions, of: "strings") else { return [] }
        return items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                reader.issues.add("answers[\(index)]", "wrong_type", "answers[\(index)] must be a string, not \(item.typeName).")
                return ""
            }
            return TextRules.check(text, field: "answers[\(index)]", maxLength: 20_000, allowEmpty: true, issues: reader.issues) ?? ""
        }
    }
}

/// Reviewing and allocating a call, for its government body (reviewers score with their personal
/// tokens: `ReviewerController`).
struct CallReviewController {
    let calls: CallService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/calls/:id/reviewers", use: reviewers)
        router.post("/v1/calls/:id/reviewers", use: addReviewer)
        router.get("/v1/calls/:id/assignments", use: assignments)
        router.post("/v1/calls/:id/assignments", use: assign)
        router.post("/v1/calls/:id/assignments/automatic", use: assignAutomatically)
        router.get("/v1/calls/:id/scores", use: scores)
        router.get("/v1/calls/:id/allocation", use: allocation)
        router.post("/v1/calls/:id/allocation", use: allocate)
        router.post("/v1/calls/:id/award", use: award)
        router.post("/v1/applications/:id/moderation", use: moderate)
        router.get("/v1/calls/:id/award", use: awarded)
    }

    @Sendable func reviewers(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ReviewerResource>> {
        Reply(ListResource(items: try await calls.reviewers(of: try context.resourceID("call"), by: context.caller).map(ReviewerResource.init)))
    }

    @Sendable func addReviewer(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ReviewerResource>> {
        let call = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["email"])
        reader.requirePresent("email")
        let email = reader.string("email", maxLength: 254)
        try issues.throwIfAny()
        guard let email else { throw Problem.validation(issues.issues) }
        return Reply(ListResource(items: try await calls.addReviewer(to: call, email: email, by: context.caller).map(ReviewerResource.init)))
    }

    @Sendable func assignments(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<AssignmentResource>> {
        Reply(ListResource(items: try await calls.assignments(of: try context.resourceID("call"), by: context.caller).map(AssignmentResource.init)))
    }

    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> Reply<AssignmentResource> {
        let call = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["application_id", "person_id"])
        reader.requirePresent("application_id", "person_id")
        let application = reader.uuid("application_id")
        let person = reader.uuid("person_id")
        try issues.throwIfAny()
        guard let application, let person else { throw Problem.validation(issues.issues) }
        let made = try await calls.assign(application, to: person, inCall: call, by: context.caller)
        return Reply(AssignmentResource(made), status: .created)
    }

    @Sendable func assignAutomatically(_ request: Request, context: AppRequestContext) async throws -> Reply<AutomaticAssignmentResource> {
        let (added, short) = try await calls.assignAutomatically(try context.resourceID("call"), by: context.caller)
        return Reply(AutomaticAssignmentResource(added: added.map(AssignmentResource.init), short: short.map(\.lowercasedString)))
    }

    @Sendable func scores(_ request: Request, context: AppRequestContext) async throws -> Reply<ListResource<ScoreResource>> {
        let call = try await calls.find(try context.resourceID("call"), by: context.caller)
        let scores = try await calls.scores(of: call.id, by: context.caller)
        let items = scores.sorted { $0.key.uuidString < $1.key.uuidString }.map { id, score in
            ScoreResource(id: id, score: score, terms: call.terms)
        }
        return Reply(ListResource(items: items))
    }

    @Sendable func allocation(_ request: Request, context: AppRequestContext) async throws -> Reply<AllocationResource> {
        guard let outcome = try await calls.allocation(of: try context.resourceID("call"), by: context.caller) else {
            throw Problem.notFound("allocation")
        }
        return Reply(AllocationResource(outcome))
    }

    @Sendable func allocate(_ request: Request, context: AppRequestContext) async throws -> Reply<AllocationResource> {
        Reply(AllocationResource(try await calls.allocate(try context.resourceID("call"), by: context.caller)))
    }

    /// Publishes the results from the stored allocation; `allocation_computed_at`, when given, must
    /// be the time of the allocation stored (the one the publisher checked).
    @Sendable func award(_ request: Request, context: AppRequestContext) async throws -> Reply<AwardResource> {
        let call = try context.resourceID("call")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.optionalObject(from: request), issues: issues)
        reader.rejectUnknownKeys(["allocation_computed_at"])
        var checked: Date?
        if let text = reader.string("allocation_computed_at", maxLength: 40) {
            checked = RFC3339.date(text)
            if checked == nil { issues.add("allocation_computed_at", "invalid_date", "allocation_computed_at must be the allocation's computed_at, an ISO 8601 time.") }
        }
        try issues.throwIfAny()
        return Reply(AwardResource(try await calls.award(call, checked: checked, publisher: nil, by: context.caller)), status: .created)
    }

    /// The partnerships an awarded call's applications became (empty before the award).
    @Sendable func awarded(_ request: Request, context: AppRequestContext) async throws -> Reply<AwardResource> {
        let call = try context.resourceID("call")
        return Reply(AwardResource(CallAward(callID: call, partnerships: try await calls.awardedPartnerships(of: call, by: context.caller))))
    }

    /// The call's government body sets the score of an application its reviewers disagree on.
    @Sendable func moderate(_ request: Request, context: AppRequestContext) async throws -> Reply<ModerationResource> {
        let application = try context.resourceID("application")
        let issues = IssueCollector()
        let reader = ObjectReader(try await JSONBody.object(from: request), issues: issues)
        reader.rejectUnknownKeys(["score", "comment"])
        reader.requirePresent("score", "comment")
        let score = reader.number("score", magnitude: 100)
        let comment = reader.string("comment", maxLength: 4_000)
        try issues.throwIfAny()
        let made = try await calls.moderate(application, score: score ?? 0, comment: comment ?? "", moderator: nil, by: context.caller)
        return Reply(ModerationResource(made), status: .created)
    }
}
