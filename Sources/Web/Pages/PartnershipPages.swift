import Domain
import Foundation
import Hummingbird
import UseCases

/// A party's partnerships: each with what it waits for next and from whom, and one partnership's
/// page with the moves the person may make now (consent, start the work, withdraw, cancel) and its
/// milestone reports and final evaluation. Every move carries the version the page showed.
struct PartnershipPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var views: PartnershipViews<Context> { PartnershipViews(services: services) }
    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/partnerships", use: list)
        router.get("/workspace/partnerships/{id}", use: show)
        router.post("/workspace/partnerships/{id}", use: act)
        router.post("/workspace/partnerships/{id}/reports", use: report)
        router.post("/workspace/partnerships/{id}/framework", use: requestFrameworkChange)
        router.post("/workspace/partnerships/{id}/terms", use: amend)
    }

    // MARK: - The list

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let entries = try await services.partnerships.partyViews(limit: 200, by: context.caller)
        let named = try await views.parties(of: entries.map { ($0.partnership, nil) }, context: context)
        var rows: [[String: Any]] = []
        for entry in entries {
            let parties = named[entry.partnership.id]!
            rows.append([
                "id": entry.partnership.id.lowercasedString,
                "partnership": views.facts(of: entry.partnership, parties: parties, words: words),
                "roles": roles(entry.roles, words),
                "next": nextStep(entry, words),
                "yourTurn": entry.waitsOnCaller,
            ])
        }
        var view: [String: Any] = ["items": rows, "empty": rows.isEmpty, "count": Format.integer(rows.count)]
        if let done = Self.done(request) { view["notice"] = words.t("partnership_done_\(done)") }
        return workspace.page("partnerships", title: words.t("partnerships_title"), view: view, request: request, context: context)
    }

    /// What the page says was just done, from the redirect's query: a move or a proposal.
    static func done(_ request: Request) -> String? {
        let moves = ["propose", "consent", "activate", "withdraw", "cancel", "report", "complete", "framework", "amend"]
        return request.uri.queryParameters["done"].map(String.init).flatMap { moves.contains($0) ? $0 : nil }
    }

    func roles(_ roles: Set<PartyRole>, _ words: Vocabulary) -> String {
        PartyRole.allCases.filter(roles.contains).map(words.roleName).joined(separator: ", ")
    }

    /// What the partnership waits for and from whom, saying so when it is the reader's turn.
    func nextStep(_ entry: PartnershipService.PartyView, _ words: Vocabulary) -> String {
        switch entry.nextStep {
        case .consent(let missing):
            // A viewer cannot consent: for them every missing consent is someone else's.
            let yours = entry.waitsOnCaller
            let others = missing.filter { !yours || !entry.roles.contains($0) }.map(words.roleName).joined(separator: ", ")
            if yours { return others.isEmpty ? words.t("next_your_consent") : words.t("next_your_consent_and", others) }
            return words.t("next_consent", others)
        case .review: return words.t("next_review")
        case .activation: return words.t(entry.actions.contains(.activate) ? "next_your_activation" : "next_activation")
        case .reports: return words.t(entry.actions.contains(.report) ? "next_your_reports" : "next_reports")
        case .none: return words.t("next_none")
        }
    }

    // MARK: - One partnership

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let entry = try await services.partnerships.partyView(try workspace.id(context), by: context.caller)
        var view = try await detailView(entry, words: words, context: context)
        if let done = Self.done(request) { view["notice"] = words.t("partnership_done_\(done)") }
        return workspace.page("partnership", title: words.t("partnership_title"), view: view, request: request, context: context)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        guard let action = PartnershipLifecycle.Action(rawValue: form["action"]), PartyMoves.fromDecisionForm.contains(action),
              let version = Int(form["version"]) else { throw PageError.badRequest }
        let comment = form["comment"].trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        let problem: String
        let status: HTTPResponse.Status
        do {
            _ = try await services.partnerships.perform(action, on: id, comment: comment.isEmpty ? nil : comment, ifMatch: [version], by: context.caller)
            return redirect(id, done: action)
        } catch DomainError.invalid(let issues) where issues.contains(where: { $0.field == "comment" }) {
            errors.add("comment", words.t("issue_partnership_comment_required"))
            problem = ""
            status = .unprocessableContent
        } catch DomainError.preconditionFailed {
            problem = words.t("partnership_stale")
            status = .conflict
        } catch DomainError.conflict(let code, _) {
            problem = words.t(code == "consent_deadline_passed" ? "partnership_consent_lapsed" : "partnership_not_possible")
            status = .conflict
        }
        return try await pageAgain(id, comment: comment, errors: errors, problem: problem, status: status, words: words, request: request, context: context)
    }

    /// A milestone report, or (kind "final") the final evaluation that completes the partnership.
    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        guard let version = Int(form["version"]) else { throw PageError.badRequest }
        let final = form["kind"] == "final"
        var errors = FieldErrors()
        let amount = form.whole("amount_disbursed_kzt")
        if amount == nil { errors.add("amount_disbursed_kzt", words.t("issue_report_amount")) }
        let reached = form.whole("beneficiaries_reached")
        if reached == nil || reached! > 100_000_000 { errors.add("beneficiaries_reached", words.t("issue_report_beneficiaries")) }
        let text = form["text"]
        if text.isEmpty || text.count > 10_000 { errors.add("text", words.t("issue_report_text")) }
        let rating = Int(form["rating"])
        if final, rating.map({ !(1...5).contains($0) }) ?? true { errors.add("rating", words.t("issue_report_rating")) }
        let lessons = form["lessons"]
        if lessons.count > 10_000 { errors.add("lessons", words.t("issue_report_text")) }
        let framework = try await services.partnerships.framework(of: id, by: context.caller).framework
        let values = FrameworkForm.values(form, framework: framework, words: words, errors: &errors)
        var problem = ""
        var status = HTTPResponse.Status.unprocessableContent
        if errors.isEmpty, let amount, let reached {
            let draft = ReportDraft(
                amountDisbursedKZT: amount, beneficiariesReached: Int(reached), text: text, rating: final ? rating : nil,
                values: values, lessons: final && !lessons.isEmpty ? lessons : nil
            )
            do {
                if final {
                    _ = try await services.partnerships.perform(.complete, on: id, comment: nil, finalEvaluation: draft, ifMatch: [version], by: context.caller)
                    return redirect(id, done: .complete)
                }
                _ = try await services.partnerships.report(id, draft, ifMatch: [version], by: context.caller)
                return redirect(id, done: .report)
            } catch DomainError.invalid(let issues) where issues.contains(where: { $0.field == "amount_disbursed_kzt" }) {
                errors.add("amount_disbursed_kzt", words.t("issue_report_over_pledge"))
            } catch DomainError.preconditionFailed {
                problem = words.t("partnership_stale")
                status = .conflict
            } catch DomainError.conflict {
                problem = words.t("partnership_not_possible")
                status = .conflict
            }
        }
        return try await pageAgain(id, report: form, errors: errors, problem: problem, status: status, words: words, request: request, context: context)
    }

    /// A party asks to change the results framework of an approved or active partnership; a
    /// reviewer decides on the review page.
    @Sendable func requestFrameworkChange(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        var errors = FieldErrors()
        let framework = FrameworkForm.read(form, words: words, errors: &errors)
        let reason = form["reason"].trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty || reason.count > 2000 { errors.add("reason", words.t("issue_framework_reason")) }
        var problem = ""
        var status = HTTPResponse.Status.unprocessableContent
        if errors.isEmpty, let framework {
            do {
                _ = try await services.partnerships.requestFrameworkChange(id, framework: framework, reason: reason, by: context.caller)
                return workspace.redirect("/workspace/partnerships/\(id.lowercasedString)?done=framework")
            } catch DomainError.conflict {
                problem = words.t("framework_change_not_possible")
                status = .conflict
            }
        }
        return try await pageAgain(id, change: form, errors: errors, problem: problem, status: status, words: words, request: request, context: context)
    }

    /// New terms for a proposal (after a return with comments, say): the pledge and the results
    /// framework. The party that changes them consents to them; the others consent again.
    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        guard let version = Int(form["version"]) else { throw PageError.badRequest }
        var errors = FieldErrors()
        let pledge = form.whole("pledge_kzt")
        if pledge == nil || pledge == 0 { errors.add("pledge_kzt", words.t("issue_propose_pledge")) }
        let framework = FrameworkForm.read(form, words: words, errors: &errors)
        var problem = ""
        var status = HTTPResponse.Status.unprocessableContent
        if errors.isEmpty, let pledge, let framework {
            do {
                _ = try await services.partnerships.amend(id, pledgeKZT: pledge, inKind: nil, framework: framework, ifMatch: [version], by: context.caller)
                return redirect(id, done: .amend)
            } catch DomainError.invalid(let issues) {
                for issue in issues {
                    let (field, key) = ProposePages<Context>.message(for: issue)
                    errors.add(field, words.t(key, Format.money(pledge)))
                }
            } catch DomainError.preconditionFailed {
                // Someone changed it first: the terms shown are theirs, not what was typed over them.
                return try await pageAgain(
                    id, errors: errors, problem: words.t("partnership_stale"), status: .conflict, words: words, request: request, context: context
                )
            } catch DomainError.conflict {
                problem = words.t("partnership_not_possible")
                status = .conflict
            }
        }
        return try await pageAgain(id, terms: form, errors: errors, problem: problem, status: status, words: words, request: request, context: context)
    }

    /// The partnership's page again after a refused form: what was typed, beside each field what
    /// was wrong, and above them what stood in the way.
    func pageAgain(
        _ id: UUID, comment: String = "", report: FormData? = nil, change: FormData? = nil, terms: FormData? = nil, errors: FieldErrors,
        problem: String, status: HTTPResponse.Status, words: Vocabulary, request: Request, context: Context
    ) async throws -> Response {
        let entry = try await services.partnerships.partyView(id, by: context.caller)
        var view = try await detailView(entry, words: words, context: context, comment: comment, report: report, change: change, terms: terms, errors: errors)
        if !problem.isEmpty { view["problem"] = problem }
        return workspace.page("partnership", title: words.t("partnership_title"), view: view, request: request, context: context, status: status)
    }

    func redirect(_ id: UUID, done: PartnershipLifecycle.Action) -> Response {
        workspace.redirect("/workspace/partnerships/\(id.lowercasedString)?done=\(done.rawValue)")
    }

    func detailView(
        _ entry: PartnershipService.PartyView, words: Vocabulary, context: Context, comment: String = "", report: FormData? = nil,
        change: FormData? = nil, terms: FormData? = nil, errors: FieldErrors = FieldErrors()
    ) async throws -> [String: Any] {
        let framework = try await services.partnerships.framework(of: entry.partnership.id, by: context.caller)
        let partnership = entry.partnership
        let parties = try await views.parties(of: partnership, match: nil, context: context)
        let history = try await views.history(of: partnership, parties: parties, words: words, context: context)
        let moves = entry.actions.filter(PartyMoves.fromDecisionForm.contains)
        let reports = try await services.partnerships.reports(of: partnership.id, by: context.caller).map { report -> [String: Any] in
            let current = report.createdAt >= (framework.framework.changedAt ?? .distantPast)
            let values = report.values.compactMap { value -> String? in
                guard current, framework.framework.indicators.indices.contains(value.position - 1) else { return nil }
                let indicator = framework.framework.indicators[value.position - 1]
                return "\(indicator.name): \(FrameworkForm.text(value.actual, words)) \(indicator.unit)"
            }
            return [
                "kind": words.reportKindName(report.kind),
                "date": words.time(report.createdAt),
                "disbursed": Format.money(report.amountDisbursedKZT),
                "reached": Format.integer(report.beneficiariesReached),
                "text": report.text,
                "rating": Vocabulary.shown(report.rating.map { String($0) } ?? ""),
                "lessons": Vocabulary.shown(report.lessons ?? ""),
                "values": values,
                "hasValues": !values.isEmpty,
            ]
        }
        let canReport = entry.actions.contains(.report)
        let canComplete = entry.actions.contains(.complete)
        let kind = report?["kind"] == "final" && canComplete ? "final" : "milestone"
        return [
            "id": partnership.id.lowercasedString,
            "version": String(partnership.version),
            "partnership": views.facts(of: partnership, parties: parties, words: words),
            "roles": roles(entry.roles, words),
            "next": nextStep(entry, words),
            "history": history,
            "hasHistory": !history.isEmpty,
            "reports": reports,
            "hasReports": !reports.isEmpty,
            "moves": moves.map { action -> [String: Any] in
                ["action": action.rawValue, "label": words.t("partnership_move_\(action.rawValue)"), "warning": action == .cancel || action == .withdraw]
            },
            "hasMoves": !moves.isEmpty,
            "comment": comment,
            "canReport": canReport,
            "canComplete": canComplete,
            "finalChosen": kind == "final",
            "amount": report?["amount_disbursed_kzt"] ?? "",
            "reached": report?["beneficiaries_reached"] ?? "",
            "text": report?["text"] ?? "",
            "ratings": (1...5).map { value -> [String: Any] in
                ["value": String(value), "label": words.t("report_rating_\(value)"), "selected": report?["rating"] == String(value)]
            },
            "remaining": Format.money(partnership.pledgeKZT - partnership.totals.amountDisbursedKZT),
            "valueFields": FrameworkForm.valueFields(framework.framework, form: report, errors: errors, words: words),
            "lessons": report?["lessons"] ?? "",
            "framework": FrameworkForm.progressView(
                framework.progress, periodDays: framework.framework.reportingPeriodDays, words: words, pending: framework.pendingChange
            ),
            "mayRequestChange": framework.mayRequestChange,
            "changeOpen": change != nil,
            // The framework's fields serve one form at a time: a proposal's terms, or a change asked for later.
            "canAmend": entry.actions.contains(.amend) && !framework.mayRequestChange,
            "termsOpen": terms != nil,
            "pledgeValue": terms?["pledge_kzt"] ?? String(partnership.pledgeKZT),
            "fw": FrameworkForm.view(framework.framework, form: change ?? terms, errors: errors, words: words),
            "reason": change?["reason"] ?? "",
            "errors": errors.view,
        ]
    }
}

/// The moves made from a partnership page's decision form; reports and the final evaluation have a form of their own.
enum PartyMoves {
    static let fromDecisionForm: [PartnershipLifecycle.Action] = [.consent, .activate, .withdraw, .cancel]
}
