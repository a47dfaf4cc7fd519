import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// An NGO's projects: publish a draft, close an open one, and for each open project the sponsor
/// and government body pairs ASAR recommends, each a step from a proposal.
struct ProjectPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/projects", use: list)
        router.get("/workspace/projects/new", use: newForm)
        router.post("/workspace/projects/new", use: create)
        router.get("/workspace/projects/{id}", use: partners)
        router.post("/workspace/projects/{id}/publish", use: publish)
        router.post("/workspace/projects/{id}/close", use: close)
    }

    // MARK: - An NGO's projects

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let projects = try await services.projects.own(limit: 100, by: context.caller)
        let acts = !context.caller.isViewer
        let rows = projects.map { project -> [String: Any] in
            let status = project.fields.status
            let places: String = project.fields.regions.map(words.placeName).joined(separator: ", ")
            var row: [String: Any] = ["id": project.id.lowercasedString, "title": words.text(project.fields.title)]
            row["status"] = words.statusName(status)
            row["need"] = Format.money(project.fields.fundingNeededKZT)
            row["places"] = places
            row["canPublish"] = acts && status == .draft
            row["canClose"] = acts && status == .open
            row["canEdit"] = acts && (status == .draft || status == .open)
            row["isOpen"] = status == .open
            return row
        }
        var view: [String: Any] = ["items": rows, "empty": rows.isEmpty, "count": Format.integer(rows.count), "canCreate": acts]
        if let done = request.uri.queryParameters["done"], ["publish", "close", "created", "edited"].contains(String(done)) {
            view["notice"] = words.t("projects_done_\(done)")
        }
        if let problem = request.uri.queryParameters["problem"], ["publish", "close"].contains(String(problem)) {
            view["problem"] = words.t("projects_problem_\(problem)")
        }
        return workspace.page("workspace-projects", title: words.t("projects_workspace_title"), view: view, request: request, context: context)
    }

    // MARK: - A new project

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        return workspace.page("project-form", title: words.t("project_form_title"), view: formView(nil, words: words), request: request, context: context)
    }

    /// A draft in the reader's language, where one region (or one of its districts) and one focus
    /// area start it; the project is published from the list once it is ready.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        guard let ngo = context.caller.member?.organizationID else { throw DomainError.forbidden(message: "Projects belong to NGOs.") }
        var errors = FieldErrors()
        let title = form["title"]
        if title.isEmpty || title.count > 300 { errors.add("title", words.t("issue_project_title")) }
        // Not "summary": the error view's summary list has that name.
        let summary = form["description"]
        if summary.count > 5000 { errors.add("description", words.t("issue_project_summary")) }
        let region = form["region"]
        if words.snapshot.unit(region)?.parentKATO != nil || words.snapshot.unit(region) == nil { errors.add("region", words.t("issue_project_region")) }
        let district = form["district"]
        if !district.isEmpty, words.snapshot.unit(district)?.parentKATO != region { errors.add("district", words.t("issue_project_district")) }
        let focus = form["focus"]
        if !words.snapshot.focusAreas.contains(where: { $0.code == focus }) { errors.add("focus", words.t("issue_project_focus")) }
        let need = form.whole("funding_needed_kzt")
        if need == nil { errors.add("funding_needed_kzt", words.t("issue_project_need")) }
        let months = form.whole("duration_months")
        if months.map({ !(1...36).contains($0) }) ?? true { errors.add("duration_months", words.t("issue_project_duration")) }
        let beneficiaries = form["beneficiaries"].isEmpty ? 0 : form.whole("beneficiaries")
        if beneficiaries.map({ $0 > 100_000_000 }) ?? true { errors.add("beneficiaries", words.t("issue_project_beneficiaries")) }
        if errors.isEmpty, let need, let months, let beneficiaries {
            var draft = ProjectDraft(
                organizationID: ngo, title: LocalizedText(words.language, title), fundingNeededKZT: need, durationMonths: Int(months)
            )
            if !summary.isEmpty { draft.summary = LocalizedText(words.language, summary) }
            draft.regions = [district.isEmpty ? region : district]
            draft.focusAreas = [focus]
            draft.beneficiaries = Int(beneficiaries)
            do {
                let project = try await services.projects.propose(draft, by: context.caller)
                return workspace.redirect("/workspace/projects?done=created#project-\(project.id.lowercasedString)")
            } catch DomainError.invalid(let issues) {
                for issue in issues { errors.add(Self.formField(issue.field), words.t("issue_project_rejected")) }
            }
        }
        var view = formView(form, words: words)
        view["errors"] = errors.view
        return workspace.page("project-form", title: words.t("project_form_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    /// The form field a use case's issue belongs beside.
    static func formField(_ field: String) -> String {
        switch field {
        case "regions": "region"
        case "focus_areas": "focus"
        case "summary": "description"
        case "funding_needed_kzt", "duration_months", "beneficiaries", "title": field
        default: "title"
        }
    }

    func formView(_ form: FormData?, words: Vocabulary) -> [String: Any] {
        let region = form?["region"] ?? ""
        return [
            "title": form?["title"] ?? "",
            "description": form?["description"] ?? "",
            "regions": words.regionOptions(selected: region),
            "districtGroups": words.districtGroups(selected: form?["district"] ?? "", region: ""),
            "focusAreas": words.focusOptions(selected: form?["focus"] ?? ""),
            "need": form?["funding_needed_kzt"] ?? "",
            "months": form?["duration_months"] ?? "12",
            "beneficiaries": form?["beneficiaries"] ?? "",
            "errors": FieldErrors().view,
        ]
    }

    @Sendable func publish(_ request: Request, context: Context) async throws -> Response {
        try await change(request, context, "publish") { try await services.projects.publish($0, by: context.caller) }
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        try await change(request, context, "close") { try await services.projects.close($0, by: context.caller) }
    }

    /// Publishing or closing; when the project cannot (a draft missing what publishing needs,
    /// partnerships still in progress), the list says so.
    func change(_ request: Request, _ context: Context, _ name: String, _ move: (UUID) async throws -> Project) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        do {
            _ = try await move(try workspace.id(context))
            return workspace.redirect("/workspace/projects?done=\(name)")
        } catch DomainError.invalid, DomainError.conflict {
            return workspace.redirect("/workspace/projects?problem=\(name)")
        }
    }

    /// What ASAR recommends for one of the NGO's projects: pairs of a sponsor and a government
    /// body, and each side on its own (sponsors to approach, government bodies that could back
    /// it), every one with its reasons.
    @Sendable func partners(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let project = try await services.projects.findOwn(try workspace.id(context), by: context.caller)
        async let triples = services.matches.triples(forProject: project.id, options: MatchOptions(limit: 10), by: context.caller)
        async let sponsors = services.matches.partners(forProject: project.id, kind: .business, options: MatchOptions(limit: 10), by: context.caller)
        async let bodies = services.matches.partners(forProject: project.id, kind: .governmentBody, options: MatchOptions(limit: 5), by: context.caller)
        let vocabulary = words.snapshot.vocabulary(words.language)
        let canPropose = !context.caller.isViewer
        let projectQuery = "/workspace/propose?project_id=\(project.id.lowercasedString)"
        let rows = try await triples.items.compactMap { ranked -> [String: Any]? in
            guard case .triple(let sponsor, let body) = ranked.item else { return nil }
            let link = projectQuery + "&business_id=\(sponsor.profile.id.lowercasedString)&government_body_id=\(body.profile.id.lowercasedString)"
            return [
                "sponsorID": sponsor.profile.id.lowercasedString, "sponsor": words.text(sponsor.name),
                "bodyID": body.profile.id.lowercasedString, "body": words.text(body.name),
                "score": Format.score(ranked.match.score),
                "reasons": ranked.match.topReasons(words.language, vocabulary, count: 3),
                "propose": link, "canPropose": canPropose,
            ]
        }
        // One side's candidates; a sponsor can be proposed to at once (the project's best
        // government body is then suggested), a government body only beside a sponsor.
        func single(_ answer: MatchAnswer, proposing: Bool) -> [[String: Any]] {
            answer.items.compactMap { ranked -> [String: Any]? in
                guard case .partner(let candidate) = ranked.item else { return nil }
                return [
                    "id": candidate.profile.id.lowercasedString, "name": words.text(candidate.name),
                    "score": Format.score(ranked.match.score),
                    "reasons": ranked.match.topReasons(words.language, vocabulary, count: 3),
                    "propose": proposing && canPropose ? projectQuery + "&business_id=\(candidate.profile.id.lowercasedString)" : false,
                ]
            }
        }
        let sponsorRows = single(try await sponsors, proposing: true)
        let bodyRows = single(try await bodies, proposing: false)
        let view: [String: Any] = [
            "id": project.id.lowercasedString,
            "title": words.text(project.fields.title),
            "status": words.statusName(project.fields.status),
            "isOpen": project.fields.status == .open,
            "items": rows, "empty": rows.isEmpty,
            "sponsors": sponsorRows, "noSponsors": sponsorRows.isEmpty,
            "bodies": bodyRows, "noBodies": bodyRows.isEmpty,
        ]
        return workspace.page("workspace-project", title: words.t("project_partners_title"), view: view, request: request, context: context)
    }
}
