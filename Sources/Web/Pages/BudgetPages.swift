import Domain
import Foundation
import Hummingbird
import UseCases

/// A business's budget page: what it declared, what approved and active partnerships pledge
/// against it, what waits to be counted, what was disbursed and what is left; and the declared
/// budget changed from the same page, refused (with the reason) where the database would refuse it.
struct BudgetPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/budget", use: show)
        router.post("/workspace/budget", use: change)
    }

    /// The business the person acts for; anyone else is refused by the use case.
    func business(_ context: Context) throws -> UUID {
        guard let id = context.caller.member?.organizationID else {
            throw DomainError.forbidden(message: "Act for a business to see its budget.")
        }
        return id
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let budget = try await services.partnerships.budget(of: try business(context), by: context.caller)
        var view = budgetView(budget, words: words, context: context)
        if request.uri.queryParameters["done"] != nil { view["notice"] = words.t("budget_changed") }
        return workspace.page("budget", title: words.t("budget_title"), view: view, request: request, context: context)
    }

    @Sendable func change(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try business(context)
        // Read first: the use case refuses anyone but a business, before any update is tried.
        let budget = try await services.partnerships.budget(of: id, by: context.caller)
        var errors = FieldErrors()
        let typed = form["annual_csr_budget_kzt"]
        if let declared = form.whole("annual_csr_budget_kzt") {
            do {
                _ = try await services.organizations.update(id, by: context.caller) { $0.annualCSRBudgetKZT = declared }
                return workspace.redirect("/workspace/budget?done=1")
            } catch DomainError.conflict(code: "budget_below_pledges", _) {
                errors.add("annual_csr_budget_kzt", words.t("issue_budget_below_pledges", Format.money(budget.committedKZT)))
            } catch DomainError.invalid {
                errors.add("annual_csr_budget_kzt", words.t("issue_budget_amount"))
            }
        } else {
            errors.add("annual_csr_budget_kzt", words.t("issue_budget_amount"))
        }
        let view = budgetView(budget, words: words, context: context, typed: typed, errors: errors)
        return workspace.page("budget", title: words.t("budget_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    func budgetView(_ budget: SponsorBudget, words: Vocabulary, context: Context, typed: String? = nil, errors: FieldErrors = FieldErrors()) -> [String: Any] {
        [
            "declared": budget.declaredKZT.map(Format.money) ?? words.t("budget_none"),
            "committed": Format.money(budget.committedKZT),
            "waiting": Format.money(budget.waitingKZT),
            "disbursed": Format.money(budget.disbursedKZT),
            "remaining": Format.money(budget.remainingKZT),
            "minimum": words.t("budget_minimum", Format.money(budget.committedKZT)),
            "value": typed ?? budget.declaredKZT.map { String($0) } ?? "",
            "asOf": words.time(Date(), withClock: true),
            "canChange": !context.caller.isViewer,
            "dashboard": context.caller.member.map { "/dashboard?sponsor=\($0.organizationID.lowercasedString)" } ?? false,
            "errors": errors.view,
        ]
    }
}
