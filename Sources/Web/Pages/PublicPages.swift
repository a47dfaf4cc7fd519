import Domain
import Foundation
import Hummingbird
import Storage
import UseCases

/// The portal anyone reads without signing in: home, search, profiles, projects.
struct PublicPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    func addRoutes(to router: RouterGroup<Context>) {
        router.get("/", use: home)
        router.get("/language/{code}", use: switchLanguage)
        router.get("/search", use: search)
        router.get("/organizations", use: organizations)
        router.get("/projects", use: projects)
        router.get("/organizations/{id}", use: organization)
        router.get("/projects/{id}", use: project)
    }

    func vocabulary(_ context: Context) async throws -> Vocabulary {
        Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let home = try await services.portal.home(by: context.caller)
        let view: [String: Any] = ["q": "", "figures": homeFigures(home, words: words)]
        return page("home", title: words.t("home_title"), view: view, request: request, context: context)
    }

    /// Sets the language cookie and returns the reader to the page they were on.
    @Sendable func switchLanguage(_ request: Request, context: Context) async throws -> Response {
        guard let language = context.parameters.get("code").flatMap(Language.init(rawValue:)) else { throw PageError.notFound }
        var next = request.uri.queryParameters["next"].map(String.init) ?? "/"
        // Only a path on this site: never `//host` or a scheme, so the switch cannot redirect away.
        if !next.hasPrefix("/") || next.hasPrefix("//") || next.hasPrefix("/\\") { next = "/" }
        var response = Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
        response.headers[values: .setCookie].append(
            Cookies.header(name: Cookies.language, value: language.rawValue, maxAge: 365 * 24 * 3600, secure: false, httpOnly: true)
        )
        return response
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let filters = SearchFilters(request, reference: words.snapshot)
        var view: [String: Any] = ["q": filters.q, "searched": !filters.q.isEmpty]
        if !filters.q.isEmpty {
            let organizations = try await services.organizations.list(filters.organizationFilter, after: nil, limit: 10, by: context.caller)
            var projectFilter = filters.projectFilter
            projectFilter.status = nil
            let projects = try await services.projects.publicList(projectFilter, after: nil, limit: 10)
            let query = SearchFilters.query([("q", filters.q)])
            view["organizations"] = organizations.items.map { words.organizationSummary($0.organization) }
            view["projects"] = projects.items.map(words.projectSummary)
            view["noOrganizations"] = organizations.items.isEmpty
            view["noProjects"] = projects.items.isEmpty
            view["moreOrganizations"] = "/organizations" + query
            view["moreProjects"] = "/projects" + query
        }
        return page("search", title: words.t("search_title"), view: view, request: request, context: context)
    }

    @Sendable func organizations(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let filters = SearchFilters(request, reference: words.snapshot)
        var view = filterView(filters, words: words, base: "/organizations", api: "/v1/organizations")
        view["kinds"] = words.kindOptions(selected: filters.kind)
        if filters.errors.isEmpty {
            let page = try await services.organizations.list(
                filters.organizationFilter, after: filters.cursor, limit: SearchFilters.pageSize, by: context.caller
            )
            view["results"] = page.items.map { words.organizationSummary($0.organization) }
            view["empty"] = page.items.isEmpty
            if let cursor = page.nextCursor {
                view["next"] = "/organizations" + SearchFilters.query(filters.pageParameters + [("cursor", cursor)])
            }
        }
        return page(
            "organizations", title: words.t("organizations_title"), view: view, request: request, context: context,
            status: filters.errors.isEmpty ? .ok : .badRequest
        )
    }

    @Sendable func projects(_ request: Request, context: Context) async throws -> Response {
        let words = try await vocabulary(context)
        let filters = SearchFilters(request, reference: words.snapshot)
        var view = filterView(filters, words: words, base: "/projects", api: "/v1/projects")
        view["statuses"] = words.statusOptions(selected: filters.status)
        view["minNeed"] = filters.minNeed.map(String.init) ?? (FormData.query(of: request)["min_need"] ?? "")
        view["maxNeed"] = filters.maxNeed.map(String.init) ?? (FormData.query(of: request)["max_need"] ?? "")
        if filters.errors.isEmpty {
            let page = try await services.projects.publicList(filters.projectFilter, after: filters.cursor, limit: SearchFilters.pageSize)
            view["results"] = page.items.map(words.projectSummary)
            view["empty"] = page.items.isEmpty
            if let cursor = page.nextCursor {
                view["next"] = "/projects" + SearchFilters.query(filters.pageParameters + [("cursor", cursor)])
            }
        }
        return page(
            "projects", title: words.t("projects_title"), view: view, request: request, context: context,
            status: filters.errors.isEmpty ? .ok : .badRequest
        )
    }

    func filterView(_ filters: SearchFilters, words: Vocabulary, base: String, api: String) -> [String: Any] {
        var errors = FieldErrors()
        for error in filters.errors { errors.add(error.field, words.t(error.key)) }
        return [
            "q": filters.q,
            "regions": words.regionOptions(selected: filters.region),
            "districtGroups": words.districtGroups(selected: filters.district, region: filters.region),
            "focusAreas": words.focusOptions(selected: filters.focus),
            "errors": errors.view,
            "csv": base + ".csv" + SearchFilters.query(filters.pageParameters),
            "json": api + SearchFilters.query(filters.apiParameters),
            "hasFirstPage": filters.cursor != nil,
            "firstPage": base + SearchFilters.query(filters.pageParameters),
        ]
    }

    @Sendable func organization(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.id(context)
        let words = try await vocabulary(context)
        let profile = try await services.portal.organizationProfile(id, by: context.caller)
        let view = organizationView(profile, words: words)
        let title = ShownText(profile.organization.fields.name, context.page.language).text
        return page("organization", title: title, view: view, request: request, context: context)
    }

    @Sendable func project(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.id(context)
        let words = try await vocabulary(context)
        let found = try await services.portal.projectPage(id, by: context.caller)
        let view = projectView(found, words: words)
        let title = ShownText(found.project.fields.title, context.page.language).text
        return page("project", title: title, view: view, request: request, context: context)
    }

    static func id(_ context: Context) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw PageError.notFound }
        return id
    }

    /// A public page: with an ETag, revalidated by the browser each time.
    func page(
        _ template: String, title: String, view: [String: Any], request: Request, context: Context, status: HTTPResponse.Status = .ok
    ) -> Response {
        let html = renderer.html(template, title: title, view: view, request: request, context: context)
        guard status == .ok else { return Renderer.html(html, status: status) }
        return Caching.publicResponse(html, request: request)
    }
}
