import Domain
import Foundation
import Hummingbird
import UseCases

/// Calls for proposals as anyone reads them: the published calls by phase and place (and as CSV),
/// and a call's page with its terms, rubric, co-funders and, once awarded, its results: winners
/// with each funder's share, the cut-off, the counts, and the reviewers' scores per criterion in
/// aggregate only.
struct CallPublicPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/calls", use: list)
        router.get("/calls.csv", use: download)
        router.get("/calls/{id}", use: show)
    }

    func vocabulary(_ context: Context) async throws -> Vocabulary {
        Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
    }

    /// The phases a reader filters by; `deciding` reads as reviewing.
    static var phases: [CallPhase] { [.upcoming, .open, .reviewing, .awarded] }

    struct Filters {
        var phase: CallPhase?
        var region = ""
        var district = ""
        var errors = FieldErrors()

        var place: String? { !district.isEmpty ? district : (region.isEmpty ? nil : region) }

        var query: [(String, String)] {
            var pairs: [(String, String)] = []
            if let phase { pairs.append(("phase", phase.rawValue)) }
            if !region.isEmpty { pairs.append(("region", region)) }
            if !district.isEmpty { pairs.append(("district", district)) }
            return pairs
        }
    }

    /// The filters from the query string; a value that names nothing is set aside and named beside its field.
    func filters(_ request: Request, words: Vocabulary) -> Filters {
        let query = FormData.query(of: request)
        func value(_ name: String) -> String { query[name]?.trimmingCharacters(in: .whitespaces) ?? "" }
        var filters = Filters()
        let phase = value("phase")
        if !phase.isEmpty {
            if let found = CallPhase(rawValue: phase), Self.phases.contains(found) {
                filters.phase = found
            } else {
                filters.errors.add("phase", words.t("callpub_error_phase"))
            }
        }
        let region = value("region")
        if !region.isEmpty {
            if words.snapshot.unit(region)?.parentKATO == nil && words.snapshot.regionCodes.contains(region) {
                filters.region = region
            } else {
                filters.errors.add("region", words.t("filter_error_region"))
            }
        }
        let district = value("district")
        if !district.isEmpty {
            if let unit = words.snapshot.unit(district), let parent = unit.parentKATO, filters.region.isEmpty || parent == filters.region {
                filters.district = district
            } else {
                filters.errors.add("district", words.t("filter_error_region"))
            }
        }
        return filters
    }

    // MARK: - The list

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let chosen = filters(request, words: words)
        let found = chosen.errors.isEmpty
            ? try await services.calls.publicCalls(phase: chosen.phase, place: chosen.place, by: context.caller) : []
        let items = found.map { item(for: $0, words: words) }
        let query = SearchFilters.query(chosen.query)
        var view: [String: Any] = [
            "errors": chosen.errors.view,
            "phases": Self.phases.map { phase -> [String: Any] in
                ["value": phase.rawValue, "label": phaseName(phase, words), "selected": phase == chosen.phase]
            },
            "regions": words.regionOptions(selected: chosen.region),
            "districtGroups": words.districtGroups(selected: chosen.district, region: chosen.region),
            "calls": items,
            "empty": items.isEmpty && chosen.errors.isEmpty,
            "count": words.t("callpub_count", Format.integer(items.count)),
            "capped": items.count >= CallService.publicListLimit ? words.t("callpub_capped", Format.integer(CallService.publicListLimit)) : false,
            "csv": "/calls.csv" + query,
            "asOf": words.time(services.calls.now(), withClock: true),
            "plans": context.caller.isAdmin || context.caller.member?.kind == .governmentBody,
        ]
        view["filtered"] = !chosen.query.isEmpty
        let html = renderer.html("call-public-list", title: words.t("callpub_list_title"), view: view, request: request, context: context)
        guard chosen.errors.isEmpty else { return Renderer.html(html, status: .badRequest) }
        return Caching.publicResponse(html, request: request)
    }

    func item(for found: CallService.PublicCall, words: Vocabulary) -> [String: Any] {
        let terms = found.call.terms
        return [
            "id": found.call.id.lowercasedString,
            "title": Self.named(terms.title, words),
            "issuer": found.issuer.map { ["id": $0.id.lowercasedString, "name": Self.named($0.fields.name, words)] as [String: Any] } ?? false,
            "phase": phaseName(found.phase, words),
            "phaseClass": found.phase.rawValue,
            "territory": territoryName(terms.territory, words),
            "focus": focusNames(terms.focusAreas, words),
            "stateBudget": Format.money(terms.stateBudgetKZT),
            "pledged": Format.money(found.figures.pledgedKZT),
            "coFunders": Format.integer(found.figures.coFunders),
            "total": Format.money(terms.stateBudgetKZT + found.figures.pledgedKZT),
            "received": Format.integer(found.figures.received),
            "opens": words.time(terms.opensAt),
            "closes": words.time(terms.closesAt, withClock: true),
            "resultsDate": words.time(terms.resultsAt),
        ]
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let chosen = filters(request, words: words)
        guard chosen.errors.isEmpty else {
            let text = chosen.errors.items.map { "\($0.field): \($0.message)" }.joined(separator: "\n") + "\n"
            return Response(
                status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
        let found = try await services.calls.publicCalls(phase: chosen.phase, place: chosen.place, by: context.caller)
        var csv = CSV(header: [
            "id", "title_kk", "title_ru", "title_en", "government_body_id", "government_body", "phase", "territory", "focus_areas",
            "state_budget_kzt", "pledged_kzt", "co_funders", "applications", "min_grant_kzt", "max_grant_kzt", "partial_funding", "pass_mark",
            "opens_at", "closes_at", "reviews_due_at", "results_at", "page",
        ])
        for item in found {
            let terms = item.call.terms
            csv.append([
                item.call.id.lowercasedString, terms.title.kk ?? "", terms.title.ru ?? "", terms.title.en ?? "",
                item.call.governmentBodyID.lowercasedString, item.issuer.map { ShownText($0.fields.name, words.language).text } ?? "",
                (item.phase == .deciding ? CallPhase.reviewing : item.phase).rawValue, terms.territory ?? "",
                terms.focusAreas.joined(separator: ";"), String(terms.stateBudgetKZT), String(item.figures.pledgedKZT),
                String(item.figures.coFunders), String(item.figures.received), String(terms.minGrantKZT), String(terms.maxGrantKZT),
                terms.partialFunding ? "true" : "false", String(terms.passMark),
                PortalFormat.timestamp(terms.opensAt), PortalFormat.timestamp(terms.closesAt), PortalFormat.timestamp(terms.reviewsDueAt),
                PortalFormat.timestamp(terms.resultsAt), "/calls/\(item.call.id.lowercasedString)",
            ])
        }
        var response = Caching.publicResponse(String(decoding: csv.data, as: UTF8.self), contentType: CSV.contentType, request: request)
        response.headers[.contentDisposition] = "attachment; filename=\"asar-calls.csv\""
        return response
    }

    // MARK: - One call

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        let words = try await vocabulary(context)
        let found = try await services.calls.publicPage(id, by: context.caller)
        let view = pageView(found, words: words)
        let title = ShownText(found.summary.call.terms.title, words.language).text
        let html = renderer.html("call-public-page", title: title, view: view, request: request, context: context)
        return Caching.publicResponse(html, request: request)
    }

    func pageView(_ found: CallService.PublicPage, words: Vocabulary) -> [String: Any] {
        let call = found.summary.call
        let terms = call.terms
        let organizations = found.organizations
        func name(_ id: UUID) -> [String: Any] {
            organizations[id].map { Self.named($0.fields.name, words) } ?? ["text": "—"]
        }
        var view = item(for: found.summary, words: words)
        let weights = max(1, terms.criteria.reduce(0) { $0 + $1.weight })
        view["description"] = Self.shownText(terms.description, words)
        view["grants"] = words.t("callpub_grant_range", Format.money(terms.minGrantKZT), Format.money(terms.maxGrantKZT))
        view["partial"] = words.t(terms.partialFunding ? "callpub_partial_yes" : "callpub_partial_no")
        view["passMark"] = words.t("callpub_points", Self.decimal(terms.passMark, words))
        view["reviewers"] = Format.integer(terms.reviewersPerApplication)
        view["asOf"] = words.time(services.calls.now(), withClock: true)
        view["coFundersCount"] = words.t("callpub_co_funders_count", Format.integer(found.summary.figures.coFunders))
        view["dates"] = [
            ["label": words.t("callpub_date_opens"), "date": words.time(terms.opensAt, withClock: true)],
            ["label": words.t("callpub_date_closes"), "date": words.time(terms.closesAt, withClock: true)],
            ["label": words.t("callpub_date_reviews"), "date": words.time(terms.reviewsDueAt, withClock: true)],
            ["label": words.t("callpub_date_results"), "date": words.time(terms.resultsAt, withClock: true)],
        ]
        view["eligibility"] = eligibilityRules(terms, words: words)
        view["questions"] = terms.questions.map { question -> [String: Any] in
            ["text": Self.named(question.text, words), "limit": words.t("callpub_answer_limit", Format.integer(question.maxLength))]
        }
        view["hasQuestions"] = !terms.questions.isEmpty
        view["criteria"] = terms.criteria.map { criterion -> [String: Any] in
            [
                "name": Self.named(criterion.name, words),
                "weight": "\(Format.integer(criterion.weight)) (\(Int((Double(criterion.weight) / Double(weights) * 100).rounded()))%)",
                "scale": words.t("callpub_scale", Format.integer(criterion.scaleMax)),
                "guidance": Self.shownText(criterion.guidance, words),
            ]
        }
        view["pledges"] = found.pledges.map { pledge -> [String: Any] in
            [
                "id": pledge.businessID.lowercasedString,
                "name": name(pledge.businessID),
                "amount": Format.money(pledge.amountKZT),
                "earmark": earmarkText(pledge, words: words),
                "date": words.time(pledge.createdAt),
            ]
        }
        view["hasPledges"] = !found.pledges.isEmpty
        view["awarded"] = found.results != nil
        if let results = found.results {
            view["results"] = resultsView(results, terms: terms, found: found, words: words)
        }
        return view
    }

    func resultsView(_ results: CallResults, terms: CallTerms, found: CallService.PublicPage, words: Vocabulary) -> [String: Any] {
        let issuer = found.summary.call.governmentBodyID
        func name(_ id: UUID) -> [String: Any] {
            found.organizations[id].map { Self.named($0.fields.name, words) } ?? ["text": "—"]
        }
        let granted = results.winners.reduce(Int64(0)) { $0 + $1.amountKZT }
        let winners = results.winners.map { winner -> [String: Any] in
            let project = found.projects[winner.projectID]
            return [
                "projectID": winner.projectID.lowercasedString,
                "project": project.map { Self.named($0.title, words) } ?? ["text": "—"],
                "projectLink": project?.isPublic ?? false,
                "ngoID": winner.ngoID.lowercasedString,
                "ngo": name(winner.ngoID),
                "score": Self.decimal(winner.score, words),
                "asked": Format.money(winner.askedKZT),
                "amount": Format.money(winner.amountKZT),
                "funders": winner.funders.map { funder -> [String: Any] in
                    [
                        "id": funder.organizationID.lowercasedString,
                        "name": name(funder.organizationID),
                        "role": words.t(funder.isState ? "callpub_funder_state" : "callpub_funder_business"),
                        "amount": Format.money(funder.amountKZT),
                        "isIssuer": funder.organizationID == issuer,
                    ]
                },
            ]
        }
        let criteria = results.criteria.compactMap { scores -> [String: Any]? in
            guard scores.position < terms.criteria.count else { return nil }
            let criterion = terms.criteria[scores.position]
            let scale = Double(max(1, criterion.scaleMax))
            return [
                "name": Self.named(criterion.name, words),
                "scale": Format.integer(criterion.scaleMax),
                "reviews": Format.integer(scores.reviews),
                "mean": Self.decimal(scores.mean, words),
                "spread": words.t("callpub_spread", Self.decimal(scores.standardDeviation, words), Format.integer(scores.lowest), Format.integer(scores.highest)),
                "fundedMean": scores.fundedMean.map { Self.decimal($0, words) } ?? "—",
                "meanLength": String(format: "%.2f", min(1, max(0, scores.mean / scale)) * 100),
                "fundedLength": scores.fundedMean.map { String(format: "%.2f", min(1, max(0, $0 / scale)) * 100) } ?? false,
                "barText": words.t("callpub_bar_text", Self.decimal(scores.mean, words), Format.integer(criterion.scaleMax)),
            ]
        }
        return [
            "figures": [
                ["label": words.t("callpub_received"), "value": Format.integer(results.received)],
                ["label": words.t("callpub_eligible"), "value": Format.integer(results.eligible)],
                ["label": words.t("callpub_funded"), "value": Format.integer(results.funded)],
                ["label": words.t("callpub_granted"), "value": Format.money(granted)],
                ["label": words.t("callpub_cut_off"), "value": results.cutOff.map { words.t("callpub_points", Self.decimal($0, words)) } ?? "—"],
            ],
            "winners": winners,
            "hasWinners": !winners.isEmpty,
            "criteria": criteria,
            "hasCriteria": !criteria.isEmpty,
            "withheld": results.withheld ? words.t("callpub_scores_withheld", Format.integer(CallResults.minimumGroup)) : false,
        ]
    }

    // MARK: - Words

    func phaseName(_ phase: CallPhase, _ words: Vocabulary) -> String {
        words.t("callpub_phase_\(phase.rawValue)")
    }

    func territoryName(_ territory: String?, _ words: Vocabulary) -> String {
        territory.map(words.placeName) ?? words.t("callpub_whole_country")
    }

    func focusNames(_ codes: [String], _ words: Vocabulary) -> String {
        codes.isEmpty ? words.t("callpub_any_focus") : codes.map(words.focusName).joined(separator: ", ")
    }

    /// The rules an applicant must meet, one sentence each.
    func eligibilityRules(_ terms: CallTerms, words: Vocabulary) -> [String] {
        let rules = terms.eligibility
        var lines = [words.t("callpub_rule_ngo", Format.money(terms.minGrantKZT), Format.money(terms.maxGrantKZT))]
        if rules.verifiedOnly { lines.append(words.t("callpub_rule_verified")) }
        if rules.territoryOnly, let territory = terms.territory { lines.append(words.t("callpub_rule_territory", words.placeName(territory))) }
        if rules.minYearsActive > 0 { lines.append(words.t("callpub_rule_years", Format.integer(rules.minYearsActive))) }
        if rules.noOverdueReports { lines.append(words.t("callpub_rule_overdue")) }
        return lines
    }

    /// What a pledge may pay for, in words.
    func earmarkText(_ pledge: CallPledge, words: Vocabulary) -> String {
        if pledge.earmarkFocusAreas.isEmpty && pledge.earmarkPlaces.isEmpty { return words.t("callpub_earmark_none") }
        var parts: [String] = []
        if !pledge.earmarkFocusAreas.isEmpty { parts.append(words.t("callpub_earmark_focus", pledge.earmarkFocusAreas.map(words.focusName).joined(separator: ", "))) }
        if !pledge.earmarkPlaces.isEmpty { parts.append(words.t("callpub_earmark_places", pledge.earmarkPlaces.map(words.placeName).joined(separator: ", "))) }
        return parts.joined(separator: " ")
    }

    /// A text as `Vocabulary.text` gives it, with `lang` false rather than nil when the text is in the
    /// page's language: mustache opens a section for a nil inside `Any`, which would write `lang="nil"`.
    static func named(_ text: LocalizedText, _ words: Vocabulary) -> [String: Any] {
        let shown = ShownText(text, words.language)
        return ["text": shown.text, "lang": shown.lang.map { $0 as Any } ?? false]
    }

    /// A text in the reader's language where given, or false (a closed section) when empty.
    static func shownText(_ text: LocalizedText, _ words: Vocabulary) -> Any {
        let shown = ShownText(text, words.language)
        return shown.text.isEmpty ? false : named(text, words)
    }

    /// A score with one decimal, the decimal mark as the language writes it.
    static func decimal(_ value: Double, _ words: Vocabulary) -> String {
        let text = String(format: "%.1f", value)
        return words.language == .en ? text : text.replacingOccurrences(of: ".", with: ",")
    }
}
