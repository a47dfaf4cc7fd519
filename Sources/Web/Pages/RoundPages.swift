import Domain
import Foundation
import Hummingbird
import Matching
import UseCases

/// A government body's funding rounds: one run from a form, its allocation as a table with the
/// reasons behind each placement, the projects left unfunded and why, and accepting it, which
/// proposes every placement, behind a page that says exactly what will happen.
struct RoundPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/rounds/new", use: form)
        router.post("/workspace/rounds", use: run)
        router.get("/workspace/rounds/{id}", use: show)
        router.get("/workspace/rounds/{id}/accept", use: confirm)
        router.post("/workspace/rounds/{id}/accept", use: accept)
    }

    static var defaultDeadlineDays: Int { 14 }

    // MARK: - Running one

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        guard let scope = context.caller.reviewScope else { return notABody(words, request, context) }
        let place = scope.jurisdiction.flatMap { words.snapshot.unit($0) }
        let region = place.map { $0.parentKATO ?? $0.kato } ?? ""
        let district = place?.parentKATO != nil ? place!.kato : ""
        let deadline = Date().addingTimeInterval(Double(Self.defaultDeadlineDays) * 86_400)
        let view = formView(words: words, region: region, district: district, focus: "", mode: .split, deadline: Format.machineDate(deadline), sponsors: "")
        return workspace.page("round-form", title: words.t("round_new_title"), view: view, request: request, context: context)
    }

    @Sendable func run(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        guard context.caller.reviewScope != nil else { return notABody(words, request, context) }
        var errors = FieldErrors()
        let region = form["region"], district = form["district"], focus = form["focus"]
        if !region.isEmpty, !words.snapshot.regionCodes.contains(region) { errors.add("region", words.t("filter_error_region")) }
        if !district.isEmpty, words.snapshot.unit(district)?.parentKATO != region { errors.add("district", words.t("round_error_district")) }
        if !focus.isEmpty, !words.snapshot.focusAreaCodes.contains(focus) { errors.add("focus", words.t("filter_error_focus")) }
        let mode = FundingMode(rawValue: form["mode"])
        if mode == nil { errors.add("mode", words.t("round_error_mode")) }
        let deadline = Self.parseDay(form["consent_deadline"])
        if deadline == nil || deadline! <= Date() { errors.add("consent_deadline", words.t("round_error_deadline")) }
        // BINs as people write them: one per line, or separated by commas or spaces.
        let bins = Array(Set(form["sponsor_bins"].split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)))
        var sponsorIDs: [UUID] = []
        if bins.count > RoundRequest.maxSponsors {
            errors.add("sponsor_bins", words.t("round_error_sponsors_too_many", String(RoundRequest.maxSponsors)))
        } else if let invalid = bins.sorted().first(where: { !BIN.isValid($0) }) {
            errors.add("sponsor_bins", words.t("round_error_sponsor_bin", invalid))
        } else {
            let found = try await services.organizations.ids(byBIN: bins)
            if let unknown = bins.sorted().first(where: { found[$0] == nil }) {
                errors.add("sponsor_bins", words.t("round_error_sponsor_unknown", unknown))
            }
            sponsorIDs = bins.sorted().compactMap { found[$0] }
        }
        if errors.isEmpty, let mode, let deadline {
            let place = !district.isEmpty ? district : (region.isEmpty ? nil : region)
            let input = RoundInput(
                jurisdiction: place, focusAreas: focus.isEmpty ? [] : [focus], mode: mode, consentDeadline: deadline, governmentBodyID: nil,
                sponsorIDs: sponsorIDs
            )
            do {
                let round = try await services.rounds.run(input, by: context.caller)
                return workspace.redirect("/workspace/rounds/\(round.round.id.lowercasedString)")
            } catch DomainError.forbidden {
                errors.add(district.isEmpty ? "region" : "district", words.t("round_error_outside"))
            } catch DomainError.invalid(let issues) {
                if issues.contains(where: { $0.field.hasPrefix("sponsor_ids") }) {
                    errors.add("sponsor_bins", words.t("round_error_sponsor_not_business"))
                } else {
                    errors.add("region", words.t("filter_error_region"))
                }
            }
        }
        let view = formView(
            words: words, region: region, district: district, focus: focus, mode: mode ?? .split, deadline: form["consent_deadline"],
            sponsors: form["sponsor_bins"], errors: errors
        )
        return workspace.page("round-form", title: words.t("round_new_title"), view: view, request: request, context: context, status: .unprocessableContent)
    }

    func formView(
        words: Vocabulary, region: String, district: String, focus: String, mode: FundingMode, deadline: String, sponsors: String,
        errors: FieldErrors = FieldErrors()
    ) -> [String: Any] {
        [
            "regions": words.regionOptions(selected: region),
            "districtGroups": words.districtGroups(selected: district, region: region),
            "focusAreas": words.focusOptions(selected: focus),
            "modes": FundingMode.allCases.map { option -> [String: Any] in
                ["value": option.rawValue, "label": words.t("round_mode_\(option.rawValue)"), "checked": option == mode]
            },
            "deadline": deadline,
            "sponsors": sponsors,
            "errors": errors.view,
        ]
    }

    func notABody(_ words: Vocabulary, _ request: Request, _ context: Context) -> Response {
        let view: [String: Any] = ["message": words.t("round_not_a_body"), "link": "/workspace/reviews", "linkLabel": words.t("reviews_title")]
        return workspace.page("message", title: words.t("round_new_title"), view: view, request: request, context: context, status: .forbidden)
    }

    // MARK: - One round

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let round = try await services.rounds.find(try workspace.id(context), by: context.caller)
        var view = roundView(round, words: words, context: context)
        if request.uri.queryParameters["done"] == "accept" { view["notice"] = words.t("round_done_accept") }
        return workspace.page("round", title: words.t("round_title"), view: view, request: request, context: context)
    }

    /// Check your answers: what accepting will do, before it is done.
    @Sendable func confirm(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let round = try await services.rounds.find(try workspace.id(context), by: context.caller)
        guard round.round.state == .computed else {
            return workspace.redirect("/workspace/rounds/\(round.round.id.lowercasedString)")
        }
        return workspace.page("round-accept", title: words.t("round_accept_title"), view: roundView(round, words: words, context: context), request: request, context: context)
    }

    @Sendable func accept(_ request: Request, context: Context) async throws -> Response {
        _ = try await FormData.read(request, context: context)
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let id = try workspace.id(context)
        do {
            _ = try await services.rounds.accept(id, by: context.caller)
            return workspace.redirect("/workspace/rounds/\(id.lowercasedString)?done=accept")
        } catch DomainError.conflict {
            // Accepted already, by a colleague or an earlier press.
            var view = roundView(try await services.rounds.find(id, by: context.caller), words: words, context: context)
            view["problem"] = words.t("round_already_accepted")
            return workspace.page("round", title: words.t("round_title"), view: view, request: request, context: context, status: .conflict)
        }
    }

    func roundView(_ explained: ExplainedRound, words: Vocabulary, context: Context) -> [String: Any] {
        let round = explained.round
        let vocabulary = words.snapshot.vocabulary(words.language)
        let placed = round.placements.reduce(Int64(0)) { $0 + $1.amountKZT }
        let sponsorsUsed = Set(round.placements.map(\.sponsorID)).count
        let placements = round.placements.enumerated().map { offset, placement -> [String: Any] in
            let project = explained.projects[placement.projectID]
            let sponsor = explained.sponsors[placement.sponsorID]
            let reasons = explained.placementMatches[offset]?.topReasons(words.language, vocabulary, count: 2) ?? []
            var entry: [String: Any] = [
                "projectID": placement.projectID.lowercasedString,
                "project": project.map { words.text($0.title) } ?? ["text": "—"],
                "sponsorID": placement.sponsorID.lowercasedString,
                "sponsor": sponsor.map { words.text($0.name) } ?? ["text": "—"],
                "amount": Format.money(placement.amountKZT),
                "score": Format.score(placement.score),
                "reasons": reasons.joined(separator: "; "),
                "partnership": placement.partnershipID.map { $0.lowercasedString } ?? false,
                "skipped": Vocabulary.shown(placement.skippedReason ?? ""),
            ]
            entry["hasReasons"] = !reasons.isEmpty
            return entry
        }
        let unfunded = round.unfunded.map { item -> [String: Any] in
            [
                "projectID": item.projectID.lowercasedString,
                "project": explained.projects[item.projectID].map { words.text($0.title) } ?? ["text": "—"],
                "need": Format.money(item.needKZT),
                "placed": Format.money(item.placedKZT),
                "reason": words.t("round_unfunded_\(item.reason.rawValue)"),
            ]
        }
        let blocking = round.strongestBlockingPairs.map { pair -> [String: Any] in
            [
                "projectID": pair.projectID.lowercasedString,
                "project": explained.projects[pair.projectID].map { words.text($0.title) } ?? ["text": "—"],
                "sponsorID": pair.sponsorID.lowercasedString,
                "sponsor": explained.sponsors[pair.sponsorID].map { words.text($0.name) } ?? ["text": "—"],
                "score": Format.score(pair.score),
                "sponsorWhy": words.t(pair.sponsorHasRoom ? "round_blocking_sponsor_budget_left" : "round_blocking_sponsor_better_fit"),
                "projectWhy": words.t(pair.projectHasRoom ? "round_blocking_project_need_left" : "round_blocking_project_better_fit"),
            ]
        }
        let request = round.request
        return [
            "id": round.id.lowercasedString,
            "place": request.national ? words.t("dashboard_whole_country") : words.placeName(request.jurisdiction),
            "focus": request.focusAreas.isEmpty ? words.t("filter_any") : request.focusAreas.map(words.focusName).joined(separator: ", "),
            "mode": words.t("round_mode_\(request.mode.rawValue)"),
            "sponsors": request.sponsorIDs.isEmpty ? words.t("round_sponsors_any")
                : request.sponsorIDs.compactMap { explained.sponsors[$0]?.name.preferred(words.language) }.joined(separator: ", "),
            "deadline": words.time(request.consentDeadline),
            "created": words.time(round.createdAt, withClock: true),
            "state": words.t("round_state_\(round.state.rawValue)"),
            "accepted": round.state == .accepted,
            "mayAccept": round.state == .computed && !context.caller.isViewer,
            "figures": [
                ["label": words.t("round_projects_in_scope"), "value": Format.integer(round.projectsInScope)],
                ["label": words.t("round_sponsors_in_scope"), "value": Format.integer(round.sponsorsInScope)],
                ["label": words.t("round_placed"), "value": Format.money(placed)],
                ["label": words.t("round_need"), "value": Format.money(round.needInScopeKZT)],
                ["label": words.t("round_quality"), "value": round.upperBound > 0 ? "\(Int((round.objective / round.upperBound * 100).rounded(.down)))%" : "—"],
                ["label": words.t("round_blocking_pairs"), "value": Format.integer(round.blockingPairs)],
            ],
            "placements": placements,
            "hasPlacements": !placements.isEmpty,
            "unfunded": unfunded,
            "hasUnfunded": !unfunded.isEmpty,
            "blocking": blocking,
            "hasBlocking": !blocking.isEmpty,
            "blockingMore": blocking.count < round.blockingPairs
                ? words.t("round_blocking_more", Format.integer(blocking.count), Format.integer(round.blockingPairs)) : false,
            "summary": words.t("round_accept_summary", Format.integer(placements.count), Format.integer(sponsorsUsed), Format.money(placed)),
        ]
    }

    // MARK: - Dates as a date input sends them (`Format.machineDate` writes them)

    /// The end of the given day in Kazakhstan's time: consent may come in all that day.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Format.timeZone
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: start) == parts[2] else { return nil }
        return start.addingTimeInterval(86_399)
    }
}
