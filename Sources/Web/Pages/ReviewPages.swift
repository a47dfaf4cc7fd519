import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

/// A government body's review work: the queue of partnerships waiting in its jurisdiction, and one
/// partnership with everything a decision rests on (the triple's fit, the sponsor's budget, the
/// history) and the decision itself. Every decision carries the version the reviewer saw, so a
/// colleague's decision in the meantime is shown instead of being overwritten.
struct ReviewPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var views: PartnershipViews<Context> { PartnershipViews(services: services) }
    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/reviews", use: queue)
        router.get("/workspace/reviews/{id}", use: review)
        router.post("/workspace/reviews/{id}", use: decide)
        router.post("/workspace/reviews/{id}/framework", use: decideFrameworkChange)
    }

    // MARK: - The queue

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let items = try await services.partnerships.reviewQueue(limit: 100, by: context.caller)
        let changeQueue = try await services.partnerships.frameworkChangeQueue(limit: 100, by: context.caller)
        let named = try await views.parties(of: items.map { ($0.partnership, $0.match) } + changeQueue.map { ($0.0, nil) }, context: context)
        var rows: [[String: Any]] = []
        for item in items {
            let parties = named[item.partnership.id]!
            rows.append([
                "id": item.partnership.id.lowercasedString,
                "project": words.text(parties.projectTitle),
                "ngo": words.text(parties.ngo),
                "sponsor": words.text(parties.sponsor),
                "pledge": Format.money(item.partnership.pledgeKZT),
                "waiting": waiting(item.waitingSeconds, words),
                "submitted": words.time(item.partnership.submittedAt ?? item.partnership.createdAt),
                "score": item.match.map { Format.score($0.match.score) } ?? "—",
                "budget": budgetCheck(item, words).short,
                "budgetFits": budgetCheck(item, words).fits,
            ])
        }
        var changes: [[String: Any]] = []
        for (partnership, change) in changeQueue {
            let parties = named[partnership.id]!
            changes.append([
                "id": partnership.id.lowercasedString,
                "project": words.text(parties.projectTitle),
                "ngo": words.text(parties.ngo),
                "stage": words.stageName(partnership.state),
                "requested": words.time(change.requestedAt),
                "reason": change.reason,
            ])
        }
        var view: [String: Any] = [
            "items": rows, "empty": rows.isEmpty, "count": Format.integer(rows.count),
            "changes": changes, "hasChanges": !changes.isEmpty, "changeCount": Format.integer(changes.count),
            // The jurisdiction's dashboard (a region; a district's region): national bodies see the country's.
            "dashboard": context.caller.reviewScope.map { scope -> String in
                guard let code = scope.jurisdiction, let unit = words.snapshot.unit(code) else { return "/dashboard" }
                return unit.parentKATO.map { "/dashboard?region=\($0)&district=\(code)" } ?? "/dashboard?region=\(code)"
            } ?? false,
        ]
        let done = request.uri.queryParameters["done"].map(String.init)
        if let action = done.flatMap(PartnershipLifecycle.Action.init(rawValue:)), ReviewDecision.actions.contains(action) {
            view["notice"] = words.t("review_done_\(action.rawValue)")
        } else if done == "framework_accepted" || done == "framework_declined" {
            view["notice"] = words.t("review_done_\(done!)")
        }
        return workspace.page("reviews", title: words.t("reviews_title"), view: view, request: request, context: context)
    }

    // MARK: - One partnership

    @Sendable func review(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let item = try await services.partnerships.reviewItem(try workspace.id(context), by: context.caller)
        let view = try await reviewView(item, words: words, context: context)
        return workspace.page("review", title: words.t("review_title"), view: view, request: request, context: context)
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        guard let action = PartnershipLifecycle.Action(rawValue: form["action"]), ReviewDecision.actions.contains(action),
              let version = Int(form["version"]) else { throw PageError.badRequest }
        let comment = form["comment"].trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        var notice = ""
        let status: HTTPResponse.Status
        do {
            _ = try await services.partnerships.perform(
                action, on: id, comment: comment.isEmpty ? nil : comment, ifMatch: [version], by: context.caller
            )
            return workspace.redirect("/workspace/reviews?done=\(action.rawValue)")
        } catch DomainError.invalid(let issues) {
            for issue in issues where issue.field == "comment" { errors.add("comment", words.t("issue_review_comment_required")) }
            if errors.isEmpty { throw DomainError.invalid(issues) }
            status = .unprocessableContent
        } catch DomainError.preconditionFailed {
            notice = words.t("review_stale")
            status = .conflict
        } catch DomainError.conflict(let code, _) {
            notice = words.t(code == "budget_exceeded" ? "review_budget_exceeded" : "review_not_possible")
            status = .conflict
        }
        let item = try await services.partnerships.reviewItem(id, by: context.caller)
        var view = try await reviewView(item, words: words, context: context, comment: comment, errors: errors)
        if !notice.isEmpty { view["problem"] = notice }
        return workspace.page("review", title: words.t("review_title"), view: view, request: request, context: context, status: status)
    }

    /// Accepting or declining a party's change to the results framework.
    @Sendable func decideFrameworkChange(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        let accept: Bool
        switch form["decision"] {
        case "accept": accept = true
        case "decline": accept = false
        default: throw PageError.badRequest
        }
        let comment = form["framework_comment"]
        var errors = FieldErrors()
        var problem = ""
        let status: HTTPResponse.Status
        do {
            _ = try await services.partnerships.decideFrameworkChange(id, accept: accept, comment: comment.isEmpty ? nil : comment, by: context.caller)
            return workspace.redirect("/workspace/reviews?done=framework_\(accept ? "accepted" : "declined")")
        } catch DomainError.invalid {
            errors.add("framework_comment", words.t("issue_framework_decline_comment"))
            status = .unprocessableContent
        } catch DomainError.conflict {
            // A colleague decided first.
            problem = words.t("framework_already_decided")
            status = .conflict
        }
        let item = try await services.partnerships.reviewItem(id, by: context.caller)
        var view = try await reviewView(item, words: words, context: context, frameworkComment: comment, errors: errors)
        if !problem.isEmpty { view["problem"] = problem }
        return workspace.page("review", title: words.t("review_title"), view: view, request: request, context: context, status: status)
    }

    func reviewView(
        _ item: PartnershipService.ReviewItem, words: Vocabulary, context: Context, comment: String = "", frameworkComment: String = "",
        errors: FieldErrors = FieldErrors()
    ) async throws -> [String: Any] {
        let partnership = item.partnership
        let framework = try await services.partnerships.framework(of: partnership.id, by: context.caller)
        let parties = try await views.parties(of: item.partnership, match: item.match, context: context)
        let history = try await views.history(of: partnership, parties: parties, words: words, context: context)
        let reasons = item.match.map { $0.match.topReasons(words.language, words.snapshot.vocabulary(words.language)) } ?? []
        let budget = budgetCheck(item, words)
        let waitsForReview = partnership.state == .underReview
        let mayDecide = item.mayDecide
        var view: [String: Any] = [
            "id": partnership.id.lowercasedString,
            "version": String(partnership.version),
            "stage": words.stageName(partnership.state),
            "waiting": waiting(item.waitingSeconds, words),
            "waitsForReview": waitsForReview,
            "mayDecide": mayDecide,
            "score": Vocabulary.shown(item.match.map { Format.score($0.match.score) } ?? ""),
            "veto": Vocabulary.shown(item.match?.match.veto.map { words.t("review_veto", words.t("veto_\($0.rawValue)")) } ?? ""),
            "hasReasons": !reasons.isEmpty,
            "reasons": reasons,
            "budget": waitsForReview ? budget.sentence : words.t("review_budget_decided"),
            "budgetFits": budget.fits || !waitsForReview,
            "history": history,
            "hasHistory": !history.isEmpty,
            "partnership": views.facts(of: partnership, parties: parties, words: words),
            "comment": comment,
            "framework": FrameworkForm.progressView(
                framework.progress, periodDays: framework.framework.reportingPeriodDays, words: words, pending: framework.pendingChange
            ),
            "mayDecideChange": framework.mayDecideChange,
            "frameworkComment": frameworkComment,
            "errors": errors.view,
        ]
        if !waitsForReview { view["notWaiting"] = words.t("review_not_waiting", words.stageName(partnership.state)) }
        return view
    }

    /// Whether approving fits the sponsor's budget as the database will check it: pledges of
    /// approved and active partnerships plus this one within the declared budget.
    func budgetCheck(_ item: PartnershipService.ReviewItem, _ words: Vocabulary) -> (fits: Bool, short: String, sentence: String) {
        let pledge = item.partnership.pledgeKZT
        guard let budget = item.sponsorBudget else {
            return (false, words.t("review_budget_unknown_short"), words.t("review_budget_unknown"))
        }
        guard budget.declaredKZT != nil || pledge == 0 else {
            return (false, words.t("review_budget_none_short"), words.t("review_budget_none"))
        }
        let fits = pledge <= budget.remainingKZT
        return (
            fits,
            words.t(fits ? "review_budget_fits_short" : "review_budget_exceeds_short", Format.money(budget.remainingKZT)),
            words.t(fits ? "review_budget_fits" : "review_budget_exceeds", Format.money(budget.remainingKZT), Format.money(pledge))
        )
    }

    func waiting(_ seconds: Int, _ words: Vocabulary) -> String {
        let days = max(0, seconds) / 86_400
        return days == 0 ? words.t("review_waiting_today") : words.t("review_waiting_days", Format.integer(days))
    }
}

/// What a reviewer decides on the review page.
enum ReviewDecision {
    static let actions: [PartnershipLifecycle.Action] = [.approve, .return, .reject]
}
