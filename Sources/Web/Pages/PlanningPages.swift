import Domain
import Foundation
import Hummingbird
import UseCases

/// Planning the next call, for a government body: in a territory of its jurisdiction, the open
/// projects' unfunded need by focus area and by district, the NGOs working there, and what past
/// calls offered against what NGOs asked of them, each table with its CSV and how to read it.
struct PlanningPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    var workspace: WorkspacePage<Context> { WorkspacePage(services: services, renderer: renderer) }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/workspace/planning", use: show)
        router.get("/workspace/planning.csv", use: download)
    }

    static var tables: [String] { ["focus", "places", "demand"] }

    /// The territory the query names; nil for the caller's whole jurisdiction.
    func territory(_ request: Request) -> String? {
        let text = FormData.query(of: request)["territory"]?.trimmingCharacters(in: .whitespaces) ?? ""
        return text.isEmpty ? nil : text
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        var errors = FieldErrors()
        let overview: PlanningOverview
        do {
            overview = try await services.planning.overview(territory: territory(request), by: context.caller)
        } catch DomainError.invalid {
            // A code that names nothing: the jurisdiction's own figures, the message beside the field.
            errors.add("territory", words.t("planning_error_territory"))
            overview = try await services.planning.overview(territory: nil, by: context.caller)
        }
        let view = overviewView(overview, words: words, errors: errors)
        return workspace.page("planning", title: words.t("planning_title"), view: view, request: request, context: context, status: errors.isEmpty ? .ok : .badRequest)
    }

    func overviewView(_ overview: PlanningOverview, words: Vocabulary, errors: FieldErrors) -> [String: Any] {
        let scope = overview.territory.map(words.placeName) ?? words.t("dashboard_whole_country")
        let query = overview.territory.map { [("territory", $0)] } ?? []
        let isCountry = overview.territory == nil
        let isRegion = overview.territory.map { words.snapshot.unit($0)?.parentKATO == nil } ?? false
        let total = overview.total
        let focusRows = Self.sorted(overview.byFocusArea).map { needRow($0, name: words.focusName($0.key), href: nil) }
        let placeRows = Self.sorted(overview.byPlace).map { row in
            // The units of one territory: their own names, without the territory's.
            needRow(row, name: words.regionName(row.key), href: "/workspace/planning" + SearchFilters.query([("territory", row.key)]))
        }
        let demandRows = overview.demand.sorted { ($0.askedKZT, $1.key) > ($1.askedKZT, $0.key) }.map { row in
            demandRow(row, name: row.key.isEmpty ? words.t("planning_any_focus") : words.focusName(row.key), words: words)
        }
        return [
            "errors": errors.view,
            "territoryOptions": territoryOptions(jurisdiction: overview.jurisdiction, selected: overview.territory, words: words),
            "scope": scope,
            "asOf": words.time(overview.asOf, withClock: true),
            "figures": [
                ["label": words.t("planning_open_projects"), "value": Format.integer(total.openProjects)],
                ["label": words.t("planning_need"), "value": Format.money(total.needKZT)],
                ["label": words.t("planning_pledged"), "value": Format.money(total.pledgedKZT)],
                ["label": words.t("planning_unfunded"), "value": Format.money(total.unfundedKZT)],
                ["label": words.t("planning_ngos"), "value": Format.integer(total.ngos)],
            ],
            "focus": Self.withBars(focusRows, overview.byFocusArea),
            "focusCharted": overview.byFocusArea.contains { $0.needKZT > 0 },
            "focusTotal": needRow(total, name: words.t("planning_total"), href: nil),
            "focusCSV": "/workspace/planning.csv" + SearchFilters.query(query + [("table", "focus")]),
            "hasPlaces": !placeRows.isEmpty,
            "places": Self.withBars(placeRows, overview.byPlace),
            "placesCharted": overview.byPlace.contains { $0.needKZT > 0 },
            "placesTotal": needRow(total, name: words.t("planning_total"), href: nil),
            "placesHeading": words.t(isCountry ? "planning_by_region" : "planning_by_district"),
            "placesCSV": "/workspace/planning.csv" + SearchFilters.query(query + [("table", "places")]),
            "noPlaces": !isCountry && !isRegion,
            "demand": demandRows,
            "hasDemand": overview.demandTotal.calls > 0,
            "demandTotal": demandRow(overview.demandTotal, name: words.t("planning_total_calls"), words: words),
            "demandCSV": "/workspace/planning.csv" + SearchFilters.query(query + [("table", "demand")]),
        ]
    }

    /// Largest unfunded need first; ties by code, so the order holds from one day to the next.
    static func sorted(_ rows: [PlanningNeed]) -> [PlanningNeed] {
        rows.sorted { ($0.unfundedKZT, $1.key) > ($1.unfundedKZT, $0.key) }
    }

    /// The rows with their bars' lengths out of 100 (need, and pledged within it), the largest need being 100.
    static func withBars(_ rows: [[String: Any]], _ figures: [PlanningNeed]) -> [[String: Any]] {
        let sorted = Self.sorted(figures)
        let scale = Double(max(1, sorted.map { max($0.needKZT, $0.pledgedKZT) }.max() ?? 1))
        return zip(rows, sorted).map { row, figure in
            var row = row
            row["needLength"] = String(format: "%.2f", Double(figure.needKZT) / scale * 100)
            row["pledgedLength"] = String(format: "%.2f", Double(min(figure.pledgedKZT, figure.needKZT)) / scale * 100)
            // The chart leaves out what needs nothing; the table keeps every row.
            row["charted"] = figure.needKZT > 0
            return row
        }
    }

    func needRow(_ row: PlanningNeed, name: String, href: String?) -> [String: Any] {
        [
            "name": name, "href": href ?? false, "open": Format.integer(row.openProjects), "need": Format.money(row.needKZT),
            "pledged": Format.money(row.pledgedKZT), "unfunded": Format.money(row.unfundedKZT), "ngos": Format.integer(row.ngos),
        ]
    }

    func demandRow(_ row: PlanningDemand, name: String, words: Vocabulary) -> [String: Any] {
        [
            "name": name, "calls": Format.integer(row.calls), "money": Format.money(row.moneyKZT), "applications": Format.integer(row.applications),
            "asked": Format.money(row.askedKZT), "askedPercent": row.askedPercent.map { "\(Format.integer($0))%" } ?? "—",
            "awarded": Format.money(row.awardedKZT),
        ]
    }

    /// The places the caller may choose: the whole country and every region and district for a
    /// national body; a region and its districts; a district alone.
    func territoryOptions(jurisdiction: String?, selected: String?, words: Vocabulary) -> [[String: Any]] {
        func option(_ kato: String?, _ label: String) -> [String: Any] {
            ["value": kato ?? "", "label": label, "selected": kato == selected]
        }
        func region(_ kato: String) -> [String: Any] {
            let name = words.regionName(kato)
            let districts = words.snapshot.districts(of: kato)
                .sorted { words.placePrecedes($0.kato, $1.kato) }
                .map { option($0.kato, $0.name.preferred(words.language)) }
            return ["label": name, "options": [option(kato, words.t("planning_whole_region", name))] + districts]
        }
        guard let jurisdiction else {
            let regions = words.snapshot.regions.filter { $0.level == 1 }.sorted { words.placePrecedes($0.kato, $1.kato) }
            return [["label": words.t("dashboard_whole_country"), "options": [option(nil, words.t("dashboard_whole_country"))]]] + regions.map { region($0.kato) }
        }
        if words.snapshot.unit(jurisdiction)?.parentKATO == nil { return [region(jurisdiction)] }
        return [["label": words.placeName(jurisdiction), "options": [option(jurisdiction, words.placeName(jurisdiction))]]]
    }

    // MARK: - Downloads

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        try workspace.requireSignedIn(request, context)
        let words = try await workspace.words(context)
        let table = FormData.query(of: request)["table"] ?? "focus"
        guard Self.tables.contains(table) else { throw PageError.badRequest }
        let overview: PlanningOverview
        do {
            overview = try await services.planning.overview(territory: territory(request), by: context.caller)
        } catch DomainError.invalid {
            throw PageError.badRequest
        }
        var csv: CSV
        switch table {
        case "demand":
            csv = CSV(header: ["focus_area", "name", "calls", "money_kzt", "applications", "asked_kzt", "asked_percent", "awarded_kzt"])
            // "*": calls open to any focus area; the last row, with no code, counts each call once.
            let rows = overview.demand.map { (code: $0.key.isEmpty ? "*" : $0.key, name: $0.key.isEmpty ? words.t("planning_any_focus") : words.focusName($0.key), row: $0) }
            for (code, name, row) in rows + [(code: "", name: "total", row: overview.demandTotal)] {
                csv.append([
                    code, name, String(row.calls), String(row.moneyKZT), String(row.applications),
                    String(row.askedKZT), row.askedPercent.map(String.init) ?? "", String(row.awardedKZT),
                ])
            }
        default:
            let byPlace = table == "places"
            csv = CSV(header: [byPlace ? "kato" : "focus_area", "name", "open_projects", "need_kzt", "pledged_kzt", "unfunded_kzt", "ngos"])
            for row in Self.sorted(byPlace ? overview.byPlace : overview.byFocusArea) + [overview.total] {
                let name = row.key.isEmpty ? "total" : (byPlace ? words.placeName(row.key) : words.focusName(row.key))
                csv.append([row.key, name, String(row.openProjects), String(row.needKZT), String(row.pledgedKZT), String(row.unfundedKZT), String(row.ngos)])
            }
        }
        let place = overview.territory ?? "kz"
        return Response(
            status: .ok,
            headers: [
                .contentType: CSV.contentType, .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"asar-planning-\(place)-\(table).csv\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: csv.data))
        )
    }
}
