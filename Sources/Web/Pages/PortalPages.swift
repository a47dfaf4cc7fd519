import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import UseCases

/// The portal's maps, regions and open-data pages, and the CSV downloads of the list pages.
struct PortalPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    /// A list download holds at most this many rows; the JSON API pages through the rest.
    static var csvRowCap: Int { 10_000 }

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/regions", use: regions)
        router.get("/regions/{kato}", use: region)
        router.get("/open-data", use: openData)
        router.get("/open-data/partnerships-360giving.json", use: grantsJSON)
        router.get("/open-data/partnerships.csv", use: grantsCSV)
        router.get("/open-data/organizations.csv", use: registryOrganizationsCSV)
        router.get("/open-data/projects.csv", use: registryProjectsCSV)
        router.get("/organizations.csv", use: organizationsCSV)
        router.get("/projects.csv", use: projectsCSV)
    }

    func vocabulary(_ context: Context) async throws -> Vocabulary {
        Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
    }

    // MARK: - Regions

    /// `measure` from the query: the default when absent, an error beside the field when unknown.
    static func measure(_ request: Request, words: Vocabulary) -> (PortalMeasure, FieldErrors) {
        var errors = FieldErrors()
        let text = request.uri.queryParameters["measure"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        if text.isEmpty { return (.openNeed, errors) }
        if let measure = PortalMeasure(rawValue: text) { return (measure, errors) }
        errors.add("measure", words.t("regions_error_measure"))
        return (.openNeed, errors)
    }

    /// The measure picker: a select (in a GET form) and the same choices as plain links.
    func measureView(_ measure: PortalMeasure, words: Vocabulary, base: String) -> [[String: Any]] {
        PortalMeasure.allCases.map { choice in
            [
                "value": choice.rawValue, "label": words.measureName(choice), "selected": choice == measure,
                "href": base + SearchFilters.query([("measure", choice.rawValue)]),
            ]
        }
    }

    @Sendable func regions(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let (measure, errors) = Self.measure(request, words: words)
        let overview = try await services.portal.regions(measure, by: context.caller)
        let measureLabel = words.measureName(measure)
        var units: [String: MapView.Unit] = [:]
        var rows: [[String: Any]] = []
        for row in overview.regions.sorted(by: { words.placePrecedes($0.code, $1.code) }) {
            let name = words.regionName(row.code)
            let value = row.figures.value(measure)
            let href = "/regions/\(row.code)" + SearchFilters.query([("measure", measure.rawValue)])
            units[row.code] = MapView.Unit(kato: row.code, name: name, value: value, figure: words.measureFigure(measure, value), href: href)
            var cells = words.figureCells(row.figures)
            cells["name"] = name
            cells["href"] = href
            rows.append(cells)
        }
        var view: [String: Any] = [
            "errors": errors.view,
            "measures": measureView(measure, words: words, base: "/regions"),
            "formAction": "/regions",
            "measureLabel": measureLabel,
            "measureText": words.measureDescription(measure),
            "asOf": words.time(overview.asOf, withClock: true),
            "rows": rows,
        ]
        if let maps = RegionMaps.bundled {
            let map = MapView(
                map: maps.country, units: units, titleID: "map-title", title: words.t("regions_map_title", measureLabel),
                measureLabel: measureLabel, format: { words.measureFigure(measure, $0) }, noData: words.t("map_no_data")
            )
            view["map"] = map.svg
            view["legend"] = map.legend
        }
        return page(
            "regions", title: words.t("regions_title"), view: view, request: request, context: context,
            status: errors.isEmpty ? .ok : .badRequest
        )
    }

    @Sendable func region(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        guard let kato = context.parameters.get("kato"), words.snapshot.regions.contains(where: { $0.kato == kato }) else {
            throw PageError.notFound
        }
        let (measure, errors) = Self.measure(request, words: words)
        let found = try await services.portal.region(kato, by: context.caller)
        let regionName = found.region.name.preferred(words.language)
        let measureLabel = words.measureName(measure)
        var units: [String: MapView.Unit] = [:]
        var districts: [[String: Any]] = []
        for row in found.districts.sorted(by: { words.placePrecedes($0.code, $1.code) }) {
            let name = words.snapshot.unit(row.code)?.name.preferred(words.language) ?? row.code
            let value = row.figures.value(measure)
            let href = "/projects" + SearchFilters.query([("region", kato), ("district", row.code)])
            units[row.code] = MapView.Unit(kato: row.code, name: name, value: value, figure: words.measureFigure(measure, value), href: href)
            var cells = words.figureCells(row.figures)
            cells["name"] = name
            cells["href"] = href
            districts.append(cells)
        }
        let focusAreas: [[String: Any]] = found.focusAreas.sorted(by: { words.focusPrecedes($0.code, $1.code) }).map { row in
            var cells = words.figureCells(row.figures)
            cells["name"] = words.focusName(row.code)
            cells["href"] = "/projects" + SearchFilters.query([("region", kato), ("focus", row.code)])
            return cells
        }
        let needs: [[String: Any]] = found.largestUnfundedNeeds.map { need in
            [
                "id": need.projectID.lowercasedString,
                "title": words.text(need.title),
                "ngo": words.party(need.ngo),
                "need": Format.money(need.needKZT),
                "pledged": Format.money(need.pledgedKZT),
                "remaining": Format.money(need.remainingKZT),
            ]
        }
        let totals = found.totals
        var view: [String: Any] = [
            "name": regionName,
            "kato": kato,
            "errors": errors.view,
            "measures": measureView(measure, words: words, base: "/regions/\(kato)"),
            "formAction": "/regions/\(kato)",
            "measureLabel": measureLabel,
            "measureText": words.measureDescription(measure),
            "asOf": words.time(found.asOf, withClock: true),
            "back": "/regions" + SearchFilters.query([("measure", measure.rawValue)]),
            "totals": [
                ["label": words.t("figure_open_projects"), "value": Format.integer(totals.openProjects)],
                ["label": words.measureName(.openNeed), "value": Format.money(totals.openNeedKZT)],
                ["label": words.measureName(.fundingPlaced), "value": Format.money(totals.fundingPlacedKZT)],
                ["label": words.measureName(.activePartnerships), "value": Format.integer(totals.activePartnerships)],
                ["label": words.measureName(.ngos), "value": Format.integer(totals.ngos)],
            ],
            "districts": districts,
            "hasDistricts": !districts.isEmpty,
            "focusAreas": focusAreas,
            "needs": needs,
            "hasNeeds": !needs.isEmpty,
            "openProjects": "/projects" + SearchFilters.query([("region", kato), ("status", "open")]),
        ]
        if let map = RegionMaps.bundled?.districts(of: kato), !units.isEmpty {
            let drawn = MapView(
                map: map, units: units, titleID: "map-title", title: words.t("region_map_title", regionName, measureLabel),
                measureLabel: measureLabel, format: { words.measureFigure(measure, $0) }, noData: words.t("map_no_data")
            )
            view["map"] = drawn.svg
            view["legend"] = drawn.legend
        }
        return page(
            "region", title: regionName, view: view, request: request, context: context,
            status: errors.isEmpty ? .ok : .badRequest
        )
    }

    // MARK: - Open data

    @Sendable func openData(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let modified = try await services.openData.modified(by: context.caller)
        func file(_ href: String, _ title: String, _ text: String, _ format: String, _ date: Date?) -> [String: Any] {
            var file: [String: Any] = ["href": href, "title": title, "text": text, "format": format]
            if let date { file["modified"] = words.time(date, withClock: true) }
            return file
        }
        let view: [String: Any] = [
            "license": OpenDataService.license,
            "licenseName": OpenDataService.licenseName,
            "schemaVersion": OpenDataService.schemaVersion,
            "files": [
                file("/open-data/partnerships-360giving.json", words.t("open_data_grants_json"), words.t("open_data_grants_json_text"),
                     "JSON · 360Giving \(OpenDataService.schemaVersion)", modified.grants),
                file("/open-data/partnerships.csv", words.t("open_data_grants_csv"), words.t("open_data_grants_csv_text"), "CSV · UTF-8", modified.grants),
                file("/open-data/organizations.csv", words.t("open_data_organizations_csv"), words.t("open_data_organizations_csv_text"),
                     "CSV · UTF-8", modified.organizations),
                file("/open-data/projects.csv", words.t("open_data_projects_csv"), words.t("open_data_projects_csv_text"), "CSV · UTF-8", modified.projects),
            ],
        ]
        return page("open-data", title: words.t("open_data_title"), view: view, request: request, context: context)
    }

    @Sendable func grantsJSON(_ request: Request, context: Context) async throws -> Response {
        download(try await services.openData.grantsPackage(by: context.caller), request: request, context: context)
    }

    @Sendable func grantsCSV(_ request: Request, context: Context) async throws -> Response {
        download(try await services.openData.grantsCSV(by: context.caller), request: request, context: context)
    }

    @Sendable func registryOrganizationsCSV(_ request: Request, context: Context) async throws -> Response {
        download(try await services.openData.organizationsCSV(by: context.caller), request: request, context: context)
    }

    @Sendable func registryProjectsCSV(_ request: Request, context: Context) async throws -> Response {
        download(try await services.openData.projectsCSV(by: context.caller), request: request, context: context)
    }

    /// An open-data file with its validators: a strong ETag of the bytes, Last-Modified, and 304
    /// when the reader's copy is current. Everyone gets the same file, so shared caches may keep it,
    /// except when this response also sets the reader's CSRF cookie.
    func download(_ file: OpenDataService.File, request: Request, context: Context) -> Response {
        let tag = "\"" + PortalFormat.fnv1a(file.data) + "\""
        var headers: HTTPFields = [
            .contentType: file.contentType,
            .eTag: tag,
            .lastModified: PortalFormat.httpDate(file.modified),
            .cacheControl: context.page.issuesCSRFCookie ? "private, max-age=300" : "public, max-age=300",
        ]
        if file.contentType.hasPrefix("text/csv") {
            headers[.contentDisposition] = "attachment; filename=\"\(file.filename)\""
        } else {
            headers[.contentDisposition] = "inline; filename=\"\(file.filename)\""
        }
        headers[HTTPField.Name("Link")!] = "<\(file.license)>; rel=\"license\""
        let current: Bool
        if let match = request.headers[.ifNoneMatch] {
            current = match.split(separator: ",").contains { part in
                let value = part.trimmingCharacters(in: .whitespaces)
                return value == "*" || value == tag || value == "W/" + tag
            }
        } else if let since = request.headers[.ifModifiedSince].flatMap(PortalFormat.parseHTTPDate) {
            current = file.modified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        } else {
            current = false
        }
        if current {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.data)))
    }

    // MARK: - List downloads

    /// The filters of a list page, or a plain-text 400 naming each bad one.
    func listFilters(_ request: Request, words: Vocabulary) -> Result<SearchFilters, BadFilters> {
        let filters = SearchFilters(request, reference: words.snapshot)
        // A download holds every page, so a page cursor has no meaning here.
        let errors = filters.errors.filter { $0.field != "cursor" }
        guard errors.isEmpty else {
            return .failure(BadFilters(text: errors.map { "\($0.field): \(words.t($0.key))" }.joined(separator: "\n") + "\n"))
        }
        return .success(filters)
    }

    struct BadFilters: Error {
        let text: String

        var response: Response {
            Response(
                status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    @Sendable func organizationsCSV(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let filters: SearchFilters
        switch listFilters(request, words: words) {
        case .success(let found): filters = found
        case .failure(let bad): return bad.response
        }
        var csv = CSV(header: [
            "id", "org_id", "kind", "bin", "legal_form", "name_kk", "name_ru", "name_en", "website", "nationwide",
            "regions", "focus_areas", "founded_year", "verification", "registered_at", "updated_at", "profile",
        ])
        var cursor: PageCursor?
        var count = 0
        repeat {
            let page = try await services.organizations.list(
                filters.organizationFilter, after: cursor, limit: min(500, Self.csvRowCap - count), by: context.caller
            )
            for item in page.items {
                let o = item.organization
                let f = o.fields
                csv.append([
                    o.id.lowercasedString, "KZ-BIN-\(f.bin)", f.kind.rawValue, f.bin, f.legalForm,
                    f.name.kk ?? "", f.name.ru ?? "", f.name.en ?? "", f.website ?? "", f.nationwide ? "true" : "false",
                    f.regions.joined(separator: ";"), f.focusAreas.joined(separator: ";"), f.foundedYear.map(String.init) ?? "",
                    o.verification.rawValue, PortalFormat.timestamp(o.createdAt), PortalFormat.timestamp(o.updatedAt),
                    "/organizations/\(o.id.lowercasedString)",
                ])
            }
            count += page.items.count
            cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
        } while cursor != nil && count < Self.csvRowCap
        return listDownload(csv, filename: "asar-organizations-search.csv", truncated: cursor != nil, request: request)
    }

    @Sendable func projectsCSV(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let filters: SearchFilters
        switch listFilters(request, words: words) {
        case .success(let found): filters = found
        case .failure(let bad): return bad.response
        }
        var csv = CSV(header: [
            "id", "organization_id", "status", "title_kk", "title_ru", "title_en", "summary_kk", "summary_ru", "summary_en",
            "focus_areas", "regions", "funding_needed_kzt", "duration_months", "beneficiaries", "created_at", "updated_at", "page",
        ])
        var cursor: PageCursor?
        var count = 0
        repeat {
            let page = try await services.projects.publicList(filters.projectFilter, after: cursor, limit: min(500, Self.csvRowCap - count))
            for project in page.items {
                let f = project.fields
                csv.append([
                    project.id.lowercasedString, f.organizationID.lowercasedString, f.status.rawValue,
                    f.title.kk ?? "", f.title.ru ?? "", f.title.en ?? "", f.summary.kk ?? "", f.summary.ru ?? "", f.summary.en ?? "",
                    f.focusAreas.joined(separator: ";"), f.regions.joined(separator: ";"), String(f.fundingNeededKZT),
                    String(f.durationMonths), String(f.beneficiaries),
                    PortalFormat.timestamp(project.createdAt), PortalFormat.timestamp(project.updatedAt),
                    "/projects/\(project.id.lowercasedString)",
                ])
            }
            count += page.items.count
            cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
        } while cursor != nil && count < Self.csvRowCap
        return listDownload(csv, filename: "asar-projects-search.csv", truncated: cursor != nil, request: request)
    }

    /// A list's CSV: what the list page shows to this reader, so revalidated like a page.
    func listDownload(_ csv: CSV, filename: String, truncated: Bool, request: Request) -> Response {
        var response = Caching.publicResponse(String(decoding: csv.data, as: UTF8.self), contentType: CSV.contentType, request: request)
        response.headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        if truncated { response.headers[HTTPField.Name("X-Rows-Truncated")!] = String(Self.csvRowCap) }
        return response
    }

    // MARK: - Rendering

    func page(
        _ template: String, title: String, view: [String: Any], request: Request, context: Context, status: HTTPResponse.Status = .ok
    ) -> Response {
        let html = renderer.html(template, title: title, view: view, request: request, context: context)
        guard status == .ok else { return Renderer.html(html, status: status) }
        return Caching.publicResponse(html, request: request)
    }
}
