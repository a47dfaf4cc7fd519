import Domain
import Foundation
import Hummingbird
import UseCases

/// Calls for proposals in the workspace: the list for every party, and the government body's
/// pages for its own calls — the terms form, the page it runs the call from (pledges,
/// applications, reviewers, moderation, the allocation) and the check page before the results.
struct CallPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/calls", use: list)
        router.get("/workspace/calls/new", use: newForm)
        router.post("/workspace/calls/new", use: create)
        router.get("/workspace/calls/{id}", use: show)
        router.get("/workspace/calls/{id}/edit", use: editForm)
        router.post("/workspace/calls/{id}/edit", use: update)
        router.post("/workspace/calls/{id}/publish", use: publish)
        router.post("/workspace/calls/{id}/reviewers", use: addReviewer)
        router.post("/workspace/calls/{id}/assignments", use: assign)
        router.post("/workspace/calls/{id}/assignments/automatic", use: assignAutomatically)
        router.post("/workspace/calls/{id}/moderation", use: moderate)
        router.post("/workspace/calls/{id}/allocation", use: allocate)
        router.get("/workspace/calls/{id}/results", use: checkResults)
        router.post("/workspace/calls/{id}/results", use: award)
    }

    // MARK: - The list

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let caller = context.caller
        let now = services.calls.now()
        let kind = caller.member?.kind
        var view: [String: Any] = ["isBody": kind == .governmentBody, "isNGO": kind == .ngo, "isBusiness": kind == .business]
        if kind == .governmentBody, let own = caller.member?.organizationID {
            let calls = try await services.calls.list(governmentBodyID: own, limit: 200, by: caller)
            view["own"] = calls.map { callRow($0, words: words, now: now) }
            view["hasOwn"] = !calls.isEmpty
        }
        if kind == .ngo || kind == .business {
            let open = try await services.calls.list(governmentBodyID: nil, limit: 200, by: caller).filter {
                let phase = $0.phase(at: now)
                return phase == .open || (kind == .business && phase == .upcoming)
            }
            view["open"] = open.map { call -> [String: Any] in
                var row = callRow(call, words: words, now: now)
                row["act"] = "/workspace/calls/\(call.id.lowercasedString)/\(kind == .ngo ? "apply" : "pledge")"
                return row
            }
            view["hasOpen"] = !open.isEmpty
        }
        if kind == .ngo, let ngo = caller.member?.organizationID {
            let applications = try await services.calls.applications(ofNGO: ngo, by: caller)
            let titles = try await services.calls.titles(of: Array(Set(applications.map(\.callID))), by: caller)
            view["applications"] = applications.map { application -> [String: Any] in
                [
                    "call": titles[application.callID].map { words.text($0) } ?? words.text(LocalizedText(en: "—")),
                    "href": "/workspace/calls/\(application.callID.lowercasedString)/apply",
                    "amount": Format.money(application.draft.amountKZT),
                    "state": words.t("call_application_state_\(application.state.rawValue)"),
                ]
            }
            view["hasApplications"] = !applications.isEmpty
        }
        return workspace.page("calls", title: words.t("calls_title"), view: view, request: request, context: context)
    }

    func callRow(_ call: Call, words: Vocabulary, now: Date) -> [String: Any] {
        [
            "id": call.id.lowercasedString,
            "title": words.text(call.terms.title),
            "phase": words.t("call_phase_\(call.phase(at: now).rawValue)"),
            "territory": call.terms.territory.map(words.placeName) ?? words.t("call_territory_country"),
            "budget": Format.money(call.terms.stateBudgetKZT),
            "closes": words.time(call.terms.closesAt),
            "results": words.time(call.terms.resultsAt),
        ]
    }

    // MARK: - Terms

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        guard let body = try await issuingBody(context) else { return forbidden(words, request, context) }
        let today = Date()
        let form = CallForm(
            values: [
                "state_budget": "", "min_grant": "", "max_grant": "", "pass_mark": "60", "reviewers": "2", "spread": "25", "min_years": "0",
                "verified_only": "1", "territory_only": "1", "no_overdue": "1",
                "opens": Format.machineDate(today), "closes": Format.machineDate(today.addingTimeInterval(30 * 86_400)),
                "reviews_due": Format.machineDate(today.addingTimeInterval(45 * 86_400)), "results": Format.machineDate(today.addingTimeInterval(60 * 86_400)),
                "territory": body.fields.level == .national ? "" : body.fields.jurisdiction ?? "",
                "criterion_weight_1": "1", "criterion_scale_1": "5",
            ]
        )
        return formPage(form, body: body, call: nil, errors: FieldErrors(), words: words, request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        guard let body = try await issuingBody(context) else { return forbidden(words, request, context) }
        let form = CallForm(data)
        var errors = FieldErrors()
        let terms = form.terms(words: words, errors: &errors)
        if errors.isEmpty, let terms {
            do {
                let call = try await services.calls.create(terms, governmentBodyID: nil, by: context.caller)
                return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=created")
            } catch DomainError.invalid(let issues) {
                CallForm.add(issues, to: &errors, words: words)
            }
        }
        return formPage(form, body: body, call: nil, errors: errors, words: words, request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let call = try await ownCall(context)
        guard let body = try await issuingBody(context, named: call.governmentBodyID) else { return forbidden(words, request, context) }
        guard CallForm.fits(call.terms) else { return tooRich(call, words: words, request: request, context: context) }
        return formPage(CallForm(call.terms), body: body, call: call, errors: FieldErrors(), words: words, request: request, context: context)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let call = try await ownCall(context)
        guard let body = try await issuingBody(context, named: call.governmentBodyID) else { return forbidden(words, request, context) }
        guard CallForm.fits(call.terms) else { return tooRich(call, words: words, request: request, context: context) }
        let form = CallForm(data)
        var errors = FieldErrors()
        let terms = form.terms(words: words, errors: &errors)
        if errors.isEmpty, let terms {
            do {
                _ = try await services.calls.update(call.id, to: terms, ifMatch: data.whole("version").map { [Int($0)] }, by: context.caller)
                return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=saved")
            } catch DomainError.invalid(let issues) {
                CallForm.add(issues, to: &errors, words: words)
            } catch DomainError.preconditionFailed {
                errors.add("title_ru", words.t("call_error_changed"))
            } catch DomainError.conflict {
                errors.add("title_ru", words.t("call_error_published"))
            }
        }
        return formPage(form, body: body, call: call, errors: errors, words: words, request: request, context: context)
    }

    /// Terms written through the API in more than the form holds (questions or criteria in
    /// several languages, more criteria than its rows, answer limits of its own): changed there.
    func tooRich(_ call: Call, words: Vocabulary, request: Request, context: Context) -> Response {
        workspace.page("call-forbidden", title: words.t("call_edit_title"), view: ["message": words.t("call_edit_api_only")],
                       request: request, context: context, status: .conflict)
    }

    func formPage(_ form: CallForm, body: Organization, call: Call?, errors: FieldErrors, words: Vocabulary, request: Request, context: Context) -> Response {
        var view = form.view(words: words, territories: territories(of: body, words: words, selected: form["territory"]), errors: errors)
        view["errors"] = errors.view
        view["action"] = call.map { "/workspace/calls/\($0.id.lowercasedString)/edit" } ?? "/workspace/calls/new"
        view["version"] = call.map { String($0.version) } ?? false
        view["back"] = call.map { "/workspace/calls/\($0.id.lowercasedString)" } ?? "/workspace/calls"
        let title = words.t(call == nil ? "call_new_title" : "call_edit_title")
        view["heading"] = title
        return workspace.page("call-form", title: title, view: view, request: request, context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Where a body may issue calls: its jurisdiction and the districts in it; the whole country
    /// and every region for a national body.
    func territories(of body: Organization, words: Vocabulary, selected: String) -> [[String: Any]] {
        var places: [(value: String, label: String)] = []
        if body.fields.level == .national {
            places.append(("", words.t("call_territory_country")))
            places += words.snapshot.regions.filter { $0.level == 1 }.sorted { words.placePrecedes($0.kato, $1.kato) }
                .map { ($0.kato, $0.name.preferred(words.language)) }
        } else if let jurisdiction = body.fields.jurisdiction {
            places.append((jurisdiction, words.placeName(jurisdiction)))
            places += words.snapshot.districts(of: jurisdiction).sorted { words.placePrecedes($0.kato, $1.kato) }
                .map { ($0.kato, $0.name.preferred(words.language)) }
        }
        return places.map { ["value": $0.value, "label": $0.label, "selected": $0.value == selected] }
    }

    // MARK: - Running a call

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let call = try await ownCall(context)
        // What the last form did, said once after its redirect.
        let done = request.uri.queryParameters["done"].map(String.init).flatMap { Self.doneNotices.contains($0) ? words.t("call_done_\($0)") : nil }
        let view = try await runView(call, words: words, context: context, request: request, notice: done)
        return workspace.page("call-run", title: ShownText(call.terms.title, words.language).text, view: view, request: request, context: context)
    }

    static var doneNotices: Set<String> { ["created", "saved", "published", "reviewer", "assigned", "moderated"] }

    func runView(_ call: Call, words: Vocabulary, context: Context, request: Request, errors: FieldErrors = FieldErrors(), notice: String? = nil) async throws -> [String: Any] {
        let caller = context.caller
        let now = services.calls.now()
        let phase = call.phase(at: now)
        let id = call.id.lowercasedString
        let pledges = try await services.calls.pledges(of: call.id, by: caller).filter { $0.withdrawnAt == nil }
        let applications = call.state == .draft ? [] : try await services.calls.applications(of: call.id, by: caller).filter { $0.state == .submitted }
        let reviewers = call.state == .draft ? [] : try await services.calls.reviewers(of: call.id, by: caller)
        let assignments = call.state == .draft ? [] : try await services.calls.assignments(of: call.id, by: caller)
        let scores = call.state == .draft ? [:] : try await services.calls.scores(of: call.id, by: caller)
        let allocation = try await services.calls.allocation(of: call.id, by: caller)
        let organizations = try await services.organizations.find(Set(pledges.map(\.businessID) + applications.map(\.ngoID)), by: caller)
        let projects = try await services.projects.find(Set(applications.map(\.draft.projectID)), by: caller)
        func name(_ id: UUID) -> [String: Any] { organizations[id].map { words.text($0.organization.fields.name) } ?? words.text(LocalizedText(en: "—")) }
        let reviewerNames = Dictionary(uniqueKeysWithValues: reviewers.map { ($0.personID, $0.name) })
        let byApplication = Dictionary(grouping: assignments, by: \.applicationID)
        let spread = call.terms.moderationSpread

        var view: [String: Any] = [
            "id": id, "title": words.text(call.terms.title), "phase": words.t("call_phase_\(phase.rawValue)"),
            "isDraft": call.state == .draft, "version": String(call.version),
            "territory": call.terms.territory.map(words.placeName) ?? words.t("call_territory_country"),
            "focus": call.terms.focusAreas.isEmpty ? false : call.terms.focusAreas.map(words.focusName).joined(separator: ", "),
            "budget": Format.money(call.terms.stateBudgetKZT),
            "pledged": Format.money(pledges.reduce(0) { $0 + $1.amountKZT }),
            "grants": words.t("call_grant_limits", Format.money(call.terms.minGrantKZT), Format.money(call.terms.maxGrantKZT)),
            "funding": words.t(call.terms.partialFunding ? "call_funding_partial" : "call_funding_whole"),
            "passMark": Format.number(call.terms.passMark), "reviewersPer": String(call.terms.reviewersPerApplication),
            "opens": words.time(call.terms.opensAt), "closes": words.time(call.terms.closesAt),
            "reviewsDue": words.time(call.terms.reviewsDueAt), "results": words.time(call.terms.resultsAt),
            "inReview": phase == .reviewing, "allocatable": phase == .reviewing || phase == .deciding, "awardable": phase == .deciding,
            "awarded": phase == .awarded, "public": call.state != .draft ? "/calls/\(id)" : false,
            "errors": errors.view, "notice": notice.map { $0 as Any } ?? false,
        ]
        view["pledges"] = pledges.map { pledge -> [String: Any] in
            let earmarks = pledge.earmarkFocusAreas.map(words.focusName) + pledge.earmarkPlaces.map(words.placeName)
            return ["business": name(pledge.businessID), "amount": Format.money(pledge.amountKZT),
                    "earmarks": earmarks.isEmpty ? words.t("call_pledge_any") : earmarks.joined(separator: ", ")]
        }
        view["hasPledges"] = !pledges.isEmpty
        var awaitingModeration: [[String: Any]] = []
        view["applications"] = applications.map { application -> [String: Any] in
            let score = scores[application.id] ?? ApplicationScore(totals: [], expected: 0)
            let assigned = (byApplication[application.id] ?? []).map { reviewerNames[$0.personID] ?? "—" }
            let title = projects[application.draft.projectID].map { words.text($0.fields.title) } ?? words.text(LocalizedText(en: "—"))
            var status: String
            if let moderated = score.moderated {
                status = words.t("call_score_moderated", Format.number(moderated))
            } else if score.isComplete, let mean = score.mean {
                status = words.t("call_score_mean", Format.number(mean))
                if score.awaitsModeration(limit: spread) {
                    status = words.t("call_score_disagree", Format.number(mean))
                    awaitingModeration.append([
                        "application": application.id.lowercasedString, "project": title,
                        "totals": score.totals.map(Format.number).joined(separator: " · "),
                    ])
                }
            } else {
                status = words.t("call_score_waiting", String(score.totals.count), String(max(score.expected, call.terms.reviewersPerApplication)))
            }
            return [
                "id": application.id.lowercasedString, "ngo": name(application.ngoID), "ngoID": application.ngoID.lowercasedString,
                "project": title, "projectID": application.draft.projectID.lowercasedString,
                "amount": Format.money(application.draft.amountKZT),
                "reviewers": assigned.isEmpty ? words.t("call_reviewers_none") : assigned.joined(separator: ", "),
                "score": status,
            ]
        }
        view["hasApplications"] = !applications.isEmpty
        view["moderation"] = awaitingModeration
        view["hasModeration"] = !awaitingModeration.isEmpty
        view["reviewers"] = reviewers.map { ["id": $0.personID.lowercasedString, "name": $0.name, "email": $0.email, "load": String($0.load)] }
        view["hasReviewers"] = !reviewers.isEmpty
        view["assignable"] = phase == .reviewing && !reviewers.isEmpty && !applications.isEmpty
        if let allocation {
            view["allocation"] = [
                "computed": words.time(allocation.computedAt, withClock: true),
                "funded": String(Set(allocation.grants.map(\.applicationID)).count),
                "total": Format.money(allocation.grants.reduce(0) { $0 + $1.amountKZT }),
                "cutOff": allocation.cutOff.map(Format.number) ?? "—",
                "unfunded": String(allocation.unfunded.count),
            ] as [String: Any]
        }
        return view
    }

    @Sendable func publish(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        do {
            _ = try await services.calls.publish(call.id, ifMatch: data.whole("version").map { [Int($0)] }, by: context.caller)
        } catch DomainError.invalid(let issues) {
            var errors = FieldErrors()
            CallForm.add(issues, to: &errors, words: words)
            return try await rerun(call, errors: errors, words: words, request: request, context: context)
        } catch DomainError.conflict, DomainError.preconditionFailed {
            var errors = FieldErrors()
            errors.add("publish", words.t("call_error_changed"))
            return try await rerun(call, errors: errors, words: words, request: request, context: context)
        }
        return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=published")
    }

    @Sendable func addReviewer(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        do {
            _ = try await services.calls.addReviewer(to: call.id, email: data["email"], by: context.caller)
        } catch DomainError.invalid, DomainError.notFound {
            var errors = FieldErrors()
            errors.add("email", words.t("call_error_reviewer_email"))
            return try await rerun(call, errors: errors, words: words, request: request, context: context)
        }
        return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=reviewer#reviewers")
    }

    @Sendable func assign(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        var errors = FieldErrors()
        if let application = UUID(uuidString: data["application"]), let person = UUID(uuidString: data["reviewer"]) {
            do {
                _ = try await services.calls.assign(application, to: person, inCall: call.id, by: context.caller)
                return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=assigned#applications")
            } catch DomainError.invalid(let issues) where issues.contains(where: { $0.code == "conflict_of_interest" }) {
                // The use case names each rule in its message; the page says them in the reader's language.
                let rules = ReviewConflict.allCases.filter { rule in issues.contains { $0.message.contains(rule.message) } }
                errors.add("reviewer", words.t("call_error_conflict", rules.map { words.t("call_conflict_\($0.rawValue)") }.joined(separator: " ")))
            } catch DomainError.invalid {
                errors.add("reviewer", words.t("call_error_assign"))
            } catch DomainError.conflict, DomainError.notFound {
                errors.add("reviewer", words.t("call_error_assign"))
            }
        } else {
            errors.add("reviewer", words.t("call_error_assign_choose"))
        }
        return try await rerun(call, errors: errors, words: words, request: request, context: context)
    }

    @Sendable func assignAutomatically(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        do {
            let (added, short) = try await services.calls.assignAutomatically(call.id, by: context.caller)
            let notice = words.t("call_assigned_automatically", String(added.count)) + (short.isEmpty ? "" : " " + words.t("call_assigned_short", String(short.count)))
            return try await rerun(call, errors: FieldErrors(), notice: notice, words: words, request: request, context: context, status: .ok)
        } catch DomainError.conflict {
            var errors = FieldErrors()
            errors.add("automatic", words.t("call_error_assign"))
            return try await rerun(call, errors: errors, words: words, request: request, context: context)
        }
    }

    @Sendable func moderate(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        var errors = FieldErrors()
        let score = Double(data["score"].replacingOccurrences(of: ",", with: "."))
        guard let application = UUID(uuidString: data["application"]) else { throw PageError.badRequest }
        if !(score.map { (0...100).contains($0) } ?? false) { errors.add("score_\(application.lowercasedString)", words.t("call_error_moderation_score")) }
        if data["comment"].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("comment_\(application.lowercasedString)", words.t("call_error_moderation_comment"))
        }
        if errors.isEmpty, let score {
            do {
                _ = try await services.calls.moderate(application, score: score, comment: data["comment"], moderator: session.person.id, by: context.caller)
                return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)?done=moderated#applications")
            } catch DomainError.conflict, DomainError.invalid {
                errors.add("score_\(application.lowercasedString)", words.t("call_error_moderation_state"))
            }
        }
        return try await rerun(call, errors: errors, words: words, request: request, context: context)
    }

    @Sendable func allocate(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        do {
            _ = try await services.calls.allocate(call.id, by: context.caller)
        } catch DomainError.conflict {
            var errors = FieldErrors()
            errors.add("allocate", words.t("call_error_allocate"))
            return try await rerun(call, errors: errors, words: words, request: request, context: context)
        }
        return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)/results")
    }

    func rerun(
        _ call: Call, errors: FieldErrors, notice: String? = nil, words: Vocabulary, request: Request, context: Context,
        status: HTTPResponse.Status = .unprocessableContent
    ) async throws -> Response {
        let fresh = try await services.calls.find(call.id, by: context.caller)
        let view = try await runView(fresh, words: words, context: context, request: request, errors: errors, notice: notice)
        return workspace.page("call-run", title: ShownText(call.terms.title, words.language).text, view: view, request: request, context: context, status: status)
    }

    // MARK: - Results

    /// Check your answers: what publishing will do, funder by funder, and why the rest is not funded.
    @Sendable func checkResults(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let call = try await ownCall(context)
        return try await resultsPage(call, errors: FieldErrors(), words: words, request: request, context: context)
    }

    func resultsPage(_ call: Call, errors: FieldErrors, words: Vocabulary, request: Request, context: Context) async throws -> Response {
        let caller = context.caller
        guard let allocation = try await services.calls.allocation(of: call.id, by: caller) else {
            return workspace.redirect("/workspace/calls/\(call.id.lowercasedString)")
        }
        let applications = Dictionary(uniqueKeysWithValues: try await services.calls.applications(of: call.id, by: caller).map { ($0.id, $0) })
        let funders = Set(allocation.grants.map(\.funderID))
        let organizations = try await services.organizations.find(funders.union(applications.values.map(\.ngoID)), by: caller)
        let projects = try await services.projects.find(Set(applications.values.map(\.draft.projectID)), by: caller)
        func name(_ id: UUID) -> [String: Any] { organizations[id].map { words.text($0.organization.fields.name) } ?? words.text(LocalizedText(en: "—")) }
        func project(_ application: UUID) -> [String: Any] {
            applications[application].flatMap { projects[$0.draft.projectID] }.map { words.text($0.fields.title) } ?? words.text(LocalizedText(en: "—"))
        }
        let byApplication = Dictionary(grouping: allocation.grants, by: \.applicationID)
        let winners = byApplication.sorted { ($0.value.first?.score ?? 0, $1.key.uuidString) > ($1.value.first?.score ?? 0, $0.key.uuidString) }
        let phase = call.phase(at: services.calls.now())
        let view: [String: Any] = [
            "id": call.id.lowercasedString, "title": words.text(call.terms.title),
            "computed": words.time(allocation.computedAt, withClock: true),
            "computedAt": Format.instant(allocation.computedAt),
            "winners": winners.map { application, grants -> [String: Any] in
                [
                    "ngo": applications[application].map { name($0.ngoID) } ?? words.text(LocalizedText(en: "—")),
                    "project": project(application),
                    "score": Format.number(grants.first?.score ?? 0),
                    "total": Format.money(grants.reduce(0) { $0 + $1.amountKZT }),
                    "funders": grants.map { grant -> [String: Any] in
                        ["name": name(grant.funderID), "amount": Format.money(grant.amountKZT),
                         "role": words.t(grant.pledgeID == nil ? "partnership_funder_state" : "partnership_funder_business")]
                    },
                ]
            },
            "hasWinners": !winners.isEmpty,
            "unfunded": allocation.unfunded.map { entry -> [String: Any] in
                [
                    "ngo": applications[entry.applicationID].map { name($0.ngoID) } ?? words.text(LocalizedText(en: "—")),
                    "project": project(entry.applicationID),
                    "score": entry.score.map(Format.number) ?? "—",
                    "reason": words.t("call_unfunded_\(entry.reason.rawValue)"),
                    "detail": entry.detail.isEmpty ? false : entry.detail,
                ]
            },
            "hasUnfunded": !allocation.unfunded.isEmpty,
            "total": Format.money(allocation.grants.reduce(0) { $0 + $1.amountKZT }),
            "state": Format.money(allocation.grants.filter { $0.pledgeID == nil }.reduce(0) { $0 + $1.amountKZT }),
            "business": Format.money(allocation.grants.filter { $0.pledgeID != nil }.reduce(0) { $0 + $1.amountKZT }),
            "cutOff": allocation.cutOff.map(Format.number) ?? "—",
            "gap": allocation.isExact ? false : Format.number(allocation.gap * 100),
            "awardable": phase == .deciding, "awarded": phase == .awarded,
            "notYet": phase == .reviewing ? words.t("call_results_not_yet", words.time(call.terms.resultsAt)["text"] as? String ?? "") : false,
            "errors": errors.view,
        ]
        return workspace.page("call-results", title: words.t("call_results_title"), view: view, request: request, context: context,
                              status: errors.isEmpty ? .ok : .conflict)
    }

    @Sendable func award(_ request: Request, context: Context) async throws -> Response {
        let data = try await FormData.read(request, context: context)
        let session = try WorkspacePage<Context>.signedIn(request, context)
        let call = try await ownCall(context)
        let words = try await workspace.words(context)
        guard let checked = Format.instant(data["computed_at"]) else {
            var errors = FieldErrors()
            errors.add("publish", words.t("call_error_award_changed"))
            return try await resultsPage(call, errors: errors, words: words, request: request, context: context)
        }
        do {
            _ = try await services.calls.award(call.id, checked: checked, publisher: session.person.id, by: context.caller)
        } catch DomainError.conflict(let code, _) {
            var errors = FieldErrors()
            errors.add("publish", words.t(code == "allocation_changed" ? "call_error_award_changed" : "call_error_award_state"))
            return try await resultsPage(try await services.calls.find(call.id, by: context.caller), errors: errors, words: words, request: request, context: context)
        }
        return workspace.redirect("/calls/\(call.id.lowercasedString)")
    }

    // MARK: - Access

    /// The call named in the path, when the caller runs it (its government body or an admin).
    func ownCall(_ context: Context) async throws -> Call {
        do {
            return try await services.calls.callToRun(try workspace.id(context), by: context.caller)
        } catch DomainError.forbidden, DomainError.unauthenticated {
            // Another body's call, or a person acting for no organization: the page does not say it exists.
            throw PageError.notFound
        }
    }

    /// The government body the signed-in person issues calls for; nil for anyone who does not.
    func issuingBody(_ context: Context, named id: UUID? = nil) async throws -> Organization? {
        do {
            return try await services.calls.issuer(id, by: context.caller)
        } catch DomainError.forbidden, DomainError.invalid, DomainError.unauthenticated {
            return nil
        }
    }

    func forbidden(_ words: Vocabulary, _ request: Request, _ context: Context) -> Response {
        workspace.page("call-forbidden", title: words.t("calls_title"), view: [:], request: request, context: context, status: .forbidden)
    }
}
