import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

/// What ASAR recommends to a business (or a government body): open projects, narrowed by place,
/// focus area and unfunded need, each a step from a proposal, a place on the shortlist, or set
/// aside as "not interested". And the shortlist itself, with what was set aside.
struct RecommendationPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/recommendations", use: recommendations)
        router.post("/workspace/recommendations/{id}/dismiss", use: dismiss)
        router.post("/workspace/recommendations/{id}/restore", use: restore)
        router.get("/workspace/shortlist", use: shortlist)
        router.post("/workspace/shortlist/{id}", use: add)
        router.post("/workspace/shortlist/{id}/remove", use: remove)
    }

    /// The organization the person acts for: a business, or a government body (projects in its jurisdiction).
    func actingOrganization(_ context: Context) throws -> UUID {
        guard let member = context.caller.member else { throw DomainError.forbidden(message: "Act for a business to see its recommendations.") }
        return member.organizationID
    }

    /// The filters as read from the query; what could not be read is named beside its field.
    struct Filters {
        var search: SearchFilters
        var maxGap = ""
        var maxGapKZT: Int64?
        var nearby = false
        var errors = FieldErrors()

        init(_ request: Request, words: Vocabulary) {
            search = SearchFilters(request, reference: words.snapshot)
            let query = FormData.query(of: request)
            for error in search.errors where ["region", "district", "focus"].contains(error.field) { errors.add(error.field, words.t(error.key)) }
            maxGap = (query["max_gap"] ?? "").trimmingCharacters(in: .whitespaces)
            if !maxGap.isEmpty {
                let digits = maxGap.filter { !$0.isWhitespace }
                if digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int64(digits), amount <= 1_000_000_000_000 {
                    maxGapKZT = amount
                } else {
                    errors.add("max_gap", words.t("filter_error_amount"))
                }
            }
            nearby = query["scope"] == "local"
        }

        var restriction: ProjectRestriction {
            ProjectRestriction(place: search.place, focusAreas: search.focus.isEmpty ? [] : [search.focus], maxGapKZT: maxGapKZT)
        }

        var isNarrowed: Bool { !restriction.isEmpty || nearby }

        /// The query that shows this list again, for links and for coming back after a form.
        var query: String {
            var pairs: [(String, String)] = []
            if !search.region.isEmpty { pairs.append(("region", search.region)) }
            if !search.district.isEmpty { pairs.append(("district", search.district)) }
            if !search.focus.isEmpty { pairs.append(("focus", search.focus)) }
            if let maxGapKZT { pairs.append(("max_gap", String(maxGapKZT))) }
            if nearby { pairs.append(("scope", "local")) }
            return SearchFilters.query(pairs)
        }

        /// The public project search with the same place and area: every open project, not only
        /// recommended ones (it filters on the whole need, not the unfunded part, so not on that).
        var searchAll: String {
            var pairs: [(String, String)] = [("status", "open")]
            if !search.region.isEmpty { pairs.append(("region", search.region)) }
            if !search.district.isEmpty { pairs.append(("district", search.district)) }
            if !search.focus.isEmpty { pairs.append(("focus", search.focus)) }
            return "/projects" + SearchFilters.query(pairs)
        }
    }

    // MARK: - Recommendations

    @Sendable func recommendations(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        // An NGO's recommendations are per project, on its projects' pages.
        if context.caller.member?.kind == .ngo { return workspace.redirect("/workspace/projects") }
        let organization = try actingOrganization(context)
        var filters = Filters(request, words: words)
        // A government body's list is its jurisdiction, always.
        if context.caller.member?.kind != .business { filters.nearby = false }
        var rows: [[String: Any]] = []
        var notice: Any = false
        if filters.errors.isEmpty {
            let options = MatchOptions(limit: 20, scope: filters.nearby ? .local : .all, restriction: filters.restriction)
            let answer = try await services.matches.forOrganization(organization, options: options, by: context.caller)
            let saved = try await services.shortlists.projectIDs(for: organization, by: context.caller)
            let isBusiness = context.caller.member?.kind == .business
            let acts = !context.caller.isViewer
            let vocabulary = words.snapshot.vocabulary(words.language)
            let back = "/workspace/recommendations" + filters.query
            rows = answer.items.compactMap { ranked -> [String: Any]? in
                guard case .project(let project) = ranked.item else { return nil }
                let id = project.profile.id.lowercasedString
                return [
                    "id": id, "title": words.text(project.title), "ngo": words.text(project.ownerName),
                    "places": project.profile.regions.map(words.placeName).joined(separator: ", "),
                    "gap": Format.money(project.profile.fundingGapKZT),
                    "score": Format.score(ranked.match.score),
                    "reasons": ranked.match.topReasons(words.language, vocabulary, count: 3),
                    "propose": "/workspace/propose?project_id=\(id)&business_id=\(organization.lowercasedString)",
                    "canPropose": acts && isBusiness,
                    "canSave": acts && isBusiness && !saved.contains(project.profile.id),
                    "saved": isBusiness && saved.contains(project.profile.id),
                    "canDismiss": acts,
                    "back": back,
                ]
            }
            if let said = answer.notice {
                notice = words.t(said == MatchService.partnershipLimitReached ? "recommendations_limit_reached" : "recommendations_inactive")
            }
        }
        var view: [String: Any] = [
            "items": rows, "empty": rows.isEmpty && filters.errors.isEmpty, "notice": notice,
            "narrowed": filters.isNarrowed, "searchAll": filters.searchAll,
            "regions": words.regionOptions(selected: filters.search.region),
            "districtGroups": words.districtGroups(selected: filters.search.district, region: filters.search.region),
            "focusAreas": words.focusOptions(selected: filters.search.focus),
            "maxGap": filters.maxGap, "nearby": filters.nearby,
            "errors": filters.errors.view,
            "isBusiness": context.caller.member?.kind == .business,
        ]
        if let done = request.uri.queryParameters["done"], ["saved", "dismissed", "restored"].contains(String(done)) {
            // A government body keeps no shortlist, so its notice does not point there.
            let plain = done == "dismissed" && context.caller.member?.kind != .business
            view["notice"] = words.t("recommendations_done_\(done)" + (plain ? "_plain" : ""))
        }
        // Just set aside: one press brings it back.
        if request.uri.queryParameters["done"] == "dismissed", let project = FormData.query(of: request)["project"].flatMap(UUID.init(uuidString:)),
           !context.caller.isViewer {
            view["undo"] = ["id": project.lowercasedString, "back": "/workspace/recommendations" + filters.query]
        }
        return workspace.page(
            "recommendations", title: words.t("recommendations_title"), view: view, request: request, context: context,
            status: filters.errors.isEmpty ? .ok : .badRequest
        )
    }

    /// "Not interested": the list comes back without the project, with a button to undo it.
    @Sendable func dismiss(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        let project = try workspace.id(context)
        _ = try await services.dismissals.dismiss(project, for: try actingOrganization(context), reason: nil, person: session.person.id, by: context.caller)
        return workspace.redirect(Self.back(form, or: "/workspace/recommendations", done: "dismissed") + "&project=" + project.lowercasedString)
    }

    /// Recommends a project set aside again: from the undo button, or from the shortlist page.
    @Sendable func restore(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        try await services.dismissals.undo(try workspace.id(context), for: try actingOrganization(context), by: context.caller)
        return workspace.redirect(Self.back(form, or: "/workspace/shortlist", done: "restored"))
    }

    /// Where a form on a list returns: the list it was sent from (the recommendations or the
    /// shortlist, with their query), told what was done; anything else goes to `fallback`.
    static func back(_ form: FormData, or fallback: String, done: String) -> String {
        let back = form["back"]
        let lists = ["/workspace/recommendations", "/workspace/shortlist"]
        let isList = lists.contains { back == $0 || back.hasPrefix($0 + "?") }
        let path = isList && !back.contains("\\") && !back.contains("//") ? back : fallback
        return path + (path.contains("?") ? "&" : "?") + "done=" + done
    }

    // MARK: - The shortlist

    @Sendable func shortlist(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let organization = try actingOrganization(context)
        guard context.caller.member?.kind == .business else { return workspace.redirect("/workspace/recommendations") }
        let entries = try await services.shortlists.list(for: organization, by: context.caller)
        let dismissed = try await services.dismissals.list(for: organization, by: context.caller).filter { $0.candidateKind == .project }
        let acts = !context.caller.isViewer
        let items = entries.map { entry -> [String: Any] in
            let project = entry.project
            let id = project.id.lowercasedString
            let isOpen = project.fields.status == .open
            return [
                "id": id, "title": words.text(project.fields.title), "ngo": words.text(entry.projectOwnerName),
                "places": project.fields.regions.map(words.placeName).joined(separator: ", "),
                "gap": Format.money(entry.fundingGapKZT),
                "status": isOpen ? false : words.statusName(project.fields.status),
                "note": entry.note ?? false,
                "added": words.time(entry.addedAt, withClock: false),
                "propose": "/workspace/propose?project_id=\(id)&business_id=\(organization.lowercasedString)",
                "canPropose": acts && isOpen, "canRemove": acts,
            ]
        }
        let setAside = dismissed.map { dismissal -> [String: Any] in
            [
                "id": dismissal.candidateID.lowercasedString, "title": words.text(dismissal.candidateName),
                "reason": dismissal.reason ?? false, "canRestore": acts,
            "dismissed": words.time(dismissal.dismissedAt, withClock: false),
            ]
        }
        var view: [String: Any] = [
            "items": items, "empty": items.isEmpty, "count": Format.integer(items.count),
            "setAside": setAside, "hasSetAside": !setAside.isEmpty,
        ]
        if let done = request.uri.queryParameters["done"], ["saved", "removed", "restored"].contains(String(done)) {
            view["notice"] = words.t("shortlist_done_\(done)")
        }
        return workspace.page("shortlist", title: words.t("shortlist_title"), view: view, request: request, context: context)
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        _ = try await services.shortlists.add(
            try workspace.id(context), for: try actingOrganization(context), note: nil, keepingNote: true, person: session.person.id,
            by: context.caller
        )
        return workspace.redirect(Self.back(form, or: "/workspace/shortlist", done: "saved"))
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        try await services.shortlists.remove(try workspace.id(context), for: try actingOrganization(context), by: context.caller)
        return workspace.redirect("/workspace/shortlist?done=removed")
    }
}
