import Domain
import Foundation
import Hummingbird
import UseCases

/// Proposing a partnership from a recommendation: the project, the sponsor and the government
/// body come from the list the person was reading; the pledge starts at what the project still
/// needs or what the sponsor has left, whichever is smaller, and can be changed before proposing.
struct ProposePages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/propose", use: form)
        router.post("/workspace/propose", use: propose)
    }

    /// The triple named by the query or the form; a government body left open is the project's best.
    struct Choice {
        let project: UUID
        let sponsor: UUID
        let governmentBody: UUID?
    }

    func choice(_ fields: (String) -> String?) throws -> Choice {
        guard let project = fields("project_id").flatMap(UUID.init(uuidString:)),
              let sponsor = fields("business_id").flatMap(UUID.init(uuidString:)) else { throw PageError.badRequest }
        return Choice(project: project, sponsor: sponsor, governmentBody: fields("government_body_id").flatMap(UUID.init(uuidString:)))
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let query = request.uri.queryParameters
        let choice = try choice { query[Substring($0)].map(String.init) }
        let view = try await proposeView(choice, words: words, context: context, pledge: nil)
        return workspace.page("propose", title: words.t("propose_title"), view: view, request: request, context: context)
    }

    @Sendable func propose(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let choice = try choice { form[$0].isEmpty ? nil : form[$0] }
        var errors = FieldErrors()
        let typed = form["pledge_kzt"]
        let pledge = form.whole("pledge_kzt")
        if pledge == nil || pledge == 0 { errors.add("pledge_kzt", words.t("issue_propose_pledge")) }
        if choice.governmentBody == nil { errors.add("government_body_id", words.t("issue_propose_government_body")) }
        let framework = FrameworkForm.read(form, words: words, errors: &errors)
        if errors.isEmpty, let pledge, let body = choice.governmentBody, let framework {
            do {
                var draft = PartnershipDraft(projectID: choice.project, businessID: choice.sponsor, governmentBodyID: body, pledgeKZT: pledge)
                draft.framework = framework
                let partnership = try await services.partnerships.propose(draft, by: context.caller)
                return workspace.redirect("/workspace/partnerships/\(partnership.id.lowercasedString)?done=propose")
            } catch DomainError.invalid(let issues) {
                for issue in issues {
                    let (field, key) = Self.message(for: issue)
                    errors.add(field, words.t(key, Format.money(pledge)))
                }
            } catch DomainError.conflict(let code, _) {
                errors.add("pledge_kzt", words.t(code == "duplicate_partnership" ? "issue_propose_duplicate" : "issue_propose_not_possible"))
            }
        }
        var view = try await proposeView(choice, words: words, context: context, pledge: typed)
        view["errors"] = errors.view
        view["fw"] = FrameworkForm.view(nil, form: form, errors: errors, words: words)
        return workspace.page("propose", title: words.t("propose_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    /// Where a refused proposal's reason is shown, and in which words.
    static func message(for issue: FieldIssue) -> (field: String, key: String) {
        switch (issue.field, issue.code) {
        case ("pledge_kzt", "over_budget"): ("pledge_kzt", "issue_propose_over_budget")
        case ("government_body_id", "outside_jurisdiction"): ("government_body_id", "issue_propose_outside_jurisdiction")
        case ("government_body_id", _): ("government_body_id", "issue_propose_government_body")
        case ("project_id", _): ("pledge_kzt", "issue_propose_project_not_open")
        default: ("pledge_kzt", "issue_propose_partner_unavailable")
        }
    }

    func proposeView(_ choice: Choice, words: Vocabulary, context: Context, pledge: String?) async throws -> [String: Any] {
        let terms = try await services.matches.proposalTerms(
            project: choice.project, sponsor: choice.sponsor, governmentBody: choice.governmentBody, by: context.caller
        )
        var options = terms.governmentBodies.map { candidate -> [String: Any] in
            ["value": candidate.profile.id.lowercasedString, "label": words.text(candidate.name), "selected": candidate.profile.id == terms.governmentBodyID]
        }
        if let body = terms.governmentBodyID, !terms.governmentBodies.contains(where: { $0.profile.id == body }), let name = terms.governmentBodyName {
            options.insert(["value": body.lowercasedString, "label": words.text(name), "selected": true], at: 0)
        }
        let reasons = terms.match.map { $0.match.topReasons(words.language, words.snapshot.vocabulary(words.language)) } ?? []
        return [
            "projectID": choice.project.lowercasedString,
            "project": words.text(terms.projectTitle),
            "sponsorID": choice.sponsor.lowercasedString,
            "sponsor": words.text(terms.sponsorName),
            "bodies": options,
            "hasBodies": !options.isEmpty,
            "gap": Format.money(terms.fundingGapKZT),
            "remaining": terms.sponsorRemainingKZT.map(Format.money) ?? words.t("budget_none"),
            "pledge": pledge ?? String(terms.suggestedPledgeKZT),
            "score": Vocabulary.shown(terms.match.map { Format.score($0.match.score) } ?? ""),
            "reasons": reasons,
            "hasReasons": !reasons.isEmpty,
            "errors": FieldErrors().view,
            "fw": FrameworkForm.view(nil, form: nil, errors: FieldErrors(), words: words),
        ]
    }
}
