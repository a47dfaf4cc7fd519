import Domain
import Foundation
import Hummingbird
import UseCases

/// The monitoring dashboard: for a region or district, a focus area or a sponsor, what the
/// partnerships past approval pledged, disbursed and reached, at what cost per person, how many
/// targets they met and how many reports are overdue, with the table behind every figure as CSV.
struct DashboardPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/dashboard", use: dashboard)
        router.get("/dashboard.csv", use: download)
    }

    struct Selection {
        let filters: SearchFilters
        let sponsor: UUID?
        let sponsorError: Bool

        var filter: DashboardFilter { DashboardFilter(place: filters.place, focusArea: filters.focus.isEmpty ? nil : filters.focus, sponsor: sponsor) }

        var query: [(String, String)] {
            var pairs: [(String, String)] = []
            if !filters.region.isEmpty { pairs.append(("region", filters.region)) }
            if !filters.district.isEmpty { pairs.append(("district", filters.district)) }
            if !filters.focus.isEmpty { pairs.append(("focus", filters.focus)) }
            if let sponsor { pairs.append(("sponsor", sponsor.lowercasedString)) }
            return pairs
        }
    }

    func selection(_ request: Request, words: Vocabulary) -> Selection {
        let text = FormData.query(of: request)["sponsor"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let sponsor = text.isEmpty ? nil : UUID(uuidString: text)
        return Selection(filters: SearchFilters(request, reference: words.snapshot), sponsor: sponsor, sponsorError: !text.isEmpty && sponsor == nil)
    }

    @Sendable func dashboard(_ request: Request, context: Context) async throws -> Response {
        let words = Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
        let chosen = selection(request, words: words)
        var errors = FieldErrors()
        for error in chosen.filters.errors where ["region", "district", "focus"].contains(error.field) { errors.add(error.field, words.t(error.key)) }
        if chosen.sponsorError { errors.add("sponsor", words.t("dashboard_error_sponsor")) }
        // SearchFilters has already set aside unknown codes (named beside their fields above).
        let found = try await services.dashboards.dashboard(chosen.filter, placeField: "region", focusAreaField: "focus", by: context.caller)
        var sponsorName: Any = false
        if let sponsor = chosen.sponsor {
            sponsorName = (try? await services.organizations.find(sponsor, by: context.caller)).map { words.text($0.organization.fields.name) } ?? false
        }
        let query = SearchFilters.query(chosen.query)
        let view: [String: Any] = [
            "regions": words.regionOptions(selected: chosen.filters.region),
            "districtGroups": words.districtGroups(selected: chosen.filters.district, region: chosen.filters.region),
            "focusAreas": words.focusOptions(selected: chosen.filters.focus),
            "sponsorID": chosen.sponsor?.lowercasedString ?? false,
            "sponsorName": sponsorName,
            "errors": errors.view,
            "scope": scopeText(chosen, words: words),
            "figures": headline(found.total, words: words),
            "places": found.places.map { row(for: $0, name: words.placeName($0.key), words: words) },
            "hasPlaces": !found.places.isEmpty,
            "placesHeading": words.t(chosen.filters.place == nil ? "dashboard_by_region" : "dashboard_by_district"),
            "focus": found.focusAreas.map { row(for: $0, name: words.focusName($0.key), words: words) },
            "hasFocus": !found.focusAreas.isEmpty,
            "empty": found.total.partnerships == 0,
            "placesCSV": "/dashboard.csv" + SearchFilters.query(chosen.query + [("table", "places")]),
            "focusCSV": "/dashboard.csv" + SearchFilters.query(chosen.query + [("table", "focus")]),
            "pipelineFigures": pipelineHeadline(found.pipeline, words: words),
            "pipelinePlaces": pipelineRows(found.pipelineByPlace, name: words.placeName),
            "hasPipelinePlaces": !found.pipelineByPlace.isEmpty,
            "pipelineFocus": pipelineRows(found.pipelineByFocusArea, name: words.focusName),
            "hasPipelineFocus": !found.pipelineByFocusArea.isEmpty,
            "pipelinePlacesCSV": "/dashboard.csv" + SearchFilters.query(chosen.query + [("table", "stages-places")]),
            "pipelineFocusCSV": "/dashboard.csv" + SearchFilters.query(chosen.query + [("table", "stages-focus")]),
            "asOf": words.time(found.asOf, withClock: true),
            "self": "/dashboard" + query,
        ]
        let html = renderer.html("dashboard", title: words.t("dashboard_title"), view: view, request: request, context: context)
        return Renderer.html(html, status: errors.isEmpty ? .ok : .badRequest)
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let words = Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
        let chosen = selection(request, words: words)
        guard chosen.filters.errors.isEmpty, !chosen.sponsorError else { throw PageError.badRequest }
        let table = FormData.query(of: request)["table"] ?? "places"
        guard ["places", "focus", "stages-places", "stages-focus"].contains(table) else { throw PageError.badRequest }
        let found = try await services.dashboards.dashboard(chosen.filter, placeField: "region", focusAreaField: "focus", by: context.caller)
        if table.hasPrefix("stages-") {
            let byPlace = table == "stages-places"
            var csv = CSV(header: [
                byPlace ? "kato" : "focus_area", "name", "open_projects", "funded_projects", "closed_projects", "open_need_kzt", "placed_kzt",
                "unfunded_kzt", "placed_percent", "proposed", "under_review", "approved", "active", "completed", "ended",
            ])
            for row in (byPlace ? found.pipelineByPlace : found.pipelineByFocusArea) + [found.pipeline] {
                let name = row.key.isEmpty ? "total" : (byPlace ? words.placeName(row.key) : words.focusName(row.key))
                csv.append([
                    row.key, name, String(row.open), String(row.funded), String(row.closed), String(row.openNeedKZT), String(row.placedKZT),
                    String(row.unfundedKZT), row.placedPercent.map(String.init) ?? "", String(row.proposed), String(row.underReview),
                    String(row.approved), String(row.active), String(row.completed), String(row.ended),
                ])
            }
            var response = Caching.publicResponse(String(decoding: csv.data, as: UTF8.self), contentType: CSV.contentType, request: request)
            response.headers[.contentDisposition] = "attachment; filename=\"asar-dashboard-\(table).csv\""
            return response
        }
        var csv = CSV(header: [
            table == "places" ? "kato" : "focus_area", "name", "partnerships", "active", "completed", "pledged_kzt", "disbursed_kzt",
            "disbursed_percent", "beneficiaries_reached", "cost_per_beneficiary_kzt", "indicators", "indicators_met", "targets_met_percent",
            "overdue", "overdue_percent",
        ])
        for row in (table == "places" ? found.places : found.focusAreas) + [found.total] {
            let name = row.key.isEmpty ? "total" : (table == "places" ? words.placeName(row.key) : words.focusName(row.key))
            func optional(_ value: Int?) -> String { value.map(String.init) ?? "" }
            csv.append([
                row.key, name, String(row.partnerships), String(row.active), String(row.completed), String(row.pledgedKZT), String(row.disbursedKZT),
                optional(row.disbursedPercent), String(row.beneficiariesReached), row.costPerBeneficiaryKZT.map { String($0) } ?? "",
                String(row.indicators), String(row.indicatorsMet), optional(row.targetsMetPercent), String(row.overdue), optional(row.overduePercent),
            ])
        }
        var response = Caching.publicResponse(String(decoding: csv.data, as: UTF8.self), contentType: CSV.contentType, request: request)
        response.headers[.contentDisposition] = "attachment; filename=\"asar-dashboard-\(table).csv\""
        return response
    }

    func scopeText(_ chosen: Selection, words: Vocabulary) -> String {
        var parts: [String] = [chosen.filters.place.map(words.placeName) ?? words.t("dashboard_whole_country")]
        if !chosen.filters.focus.isEmpty { parts.append(words.focusName(chosen.filters.focus)) }
        return parts.joined(separator: " · ")
    }

    func percent(_ value: Int?) -> String { value.map { "\($0)%" } ?? "—" }

    func headline(_ total: DashboardFigures, words: Vocabulary) -> [[String: Any]] {
        [
            ["label": words.t("dashboard_partnerships"), "value": Format.integer(total.partnerships),
             "note": words.t("dashboard_partnerships_note", Format.integer(total.active), Format.integer(total.completed))],
            ["label": words.t("dashboard_reached"), "value": Format.integer(total.beneficiariesReached), "note": false],
            ["label": words.t("dashboard_disbursed"), "value": Format.money(total.disbursedKZT),
             "note": words.t("dashboard_disbursed_note", percent(total.disbursedPercent), Format.money(total.pledgedKZT))],
            ["label": words.t("dashboard_cost"), "value": total.costPerBeneficiaryKZT.map(Format.money) ?? "—", "note": false],
            ["label": words.t("dashboard_targets"), "value": percent(total.targetsMetPercent),
             "note": words.t("dashboard_targets_note", Format.integer(total.indicatorsMet), Format.integer(total.indicators))],
            ["label": words.t("dashboard_overdue"), "value": percent(total.overduePercent),
             "note": words.t("dashboard_overdue_note", Format.integer(total.overdue), Format.integer(total.active))],
        ]
    }

    func pipelineHeadline(_ total: ProjectPipeline, words: Vocabulary) -> [[String: Any]] {
        [
            ["label": words.t("dashboard_open_projects"), "value": Format.integer(total.open),
             "note": words.t("dashboard_open_projects_note", Format.integer(total.funded), Format.integer(total.closed))],
            ["label": words.t("dashboard_open_need"), "value": Format.money(total.openNeedKZT),
             "note": words.t("dashboard_open_need_note", Format.money(total.placedKZT), percent(total.placedPercent))],
            ["label": words.t("dashboard_unfunded"), "value": Format.money(total.unfundedKZT), "note": false],
            ["label": words.t("dashboard_in_progress"), "value": Format.integer(total.proposed + total.underReview),
             "note": words.t("dashboard_in_progress_note", Format.integer(total.proposed), Format.integer(total.underReview))],
        ]
    }

    /// The rows with, for their chart, the need and the money placed as lengths out of 100, the
    /// largest figure among the rows being 100.
    func pipelineRows(_ rows: [ProjectPipeline], name: (String) -> String) -> [[String: Any]] {
        let scale = Double(max(1, rows.map { max($0.openNeedKZT, $0.placedKZT) }.max() ?? 1))
        let length = { (amount: Int64) in String(format: "%.2f", Double(amount) / scale * 100) }
        return rows.map { row in
            var entry = pipelineRow(row, name: name(row.key))
            entry["needLength"] = length(row.openNeedKZT)
            entry["placedLength"] = length(row.placedKZT)
            return entry
        }
    }

    func pipelineRow(_ row: ProjectPipeline, name: String) -> [String: Any] {
        [
            "name": name, "open": Format.integer(row.open), "need": Format.money(row.openNeedKZT), "placed": Format.money(row.placedKZT),
            "placedPercent": percent(row.placedPercent), "unfunded": Format.money(row.unfundedKZT),
            "proposed": Format.integer(row.proposed), "underReview": Format.integer(row.underReview), "approved": Format.integer(row.approved),
            "active": Format.integer(row.active), "completed": Format.integer(row.completed), "ended": Format.integer(row.ended),
        ]
    }

    func row(for figures: DashboardFigures, name: String, words: Vocabulary) -> [String: Any] {
        [
            "name": name,
            "partnerships": Format.integer(figures.partnerships),
            "active": Format.integer(figures.active),
            "pledged": Format.money(figures.pledgedKZT),
            "disbursed": Format.money(figures.disbursedKZT),
            "disbursedPercent": percent(figures.disbursedPercent),
            "reached": Format.integer(figures.beneficiariesReached),
            "cost": figures.costPerBeneficiaryKZT.map(Format.money) ?? "—",
            "targets": percent(figures.targetsMetPercent),
            "overdue": Format.integer(figures.overdue),
        ]
    }
}
