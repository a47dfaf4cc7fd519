import Domain
import Foundation
import Hummingbird
import UseCases

/// The pages people use, over the same use cases as the JSON API.
public struct WebPages: Sendable {
    let services: Services
    let renderer: Renderer
    let settings: WebSettings
    let assets: [String: (contentType: String, body: String)]

    public init(services: Services, settings: WebSettings = .fromEnvironment()) throws {
        self.services = services
        self.settings = settings
        self.renderer = try Renderer.bundled()
        var assets: [String: (String, String)] = [:]
        for (name, type) in [("site.css", "text/css; charset=utf-8")] {
            if let url = Bundle.module.url(forResource: "Assets/\(name)", withExtension: nil) {
                assets[name] = (type, try String(contentsOf: url, encoding: .utf8))
            }
        }
        self.assets = assets
    }

    /// Adds every page route, each behind `PageMiddleware`.
    public func addRoutes<Context: WebRequestContext>(to router: Router<Context>) {
        let pages = router.group().add(middleware: PageMiddleware<Context>(
            renderer: renderer, settings: settings, accounts: services.accounts, notifications: services.notifications
        ))
        PublicPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        PortalPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        AccountPages<Context>(services: services, renderer: renderer, settings: settings).addRoutes(to: pages)
        ReviewPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        PartnershipPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        BudgetPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        ProjectPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        RecommendationPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        ProposePages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        InboxPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        DashboardPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        RoundPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        CallPublicPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        PlanningPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        ProjectEditPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        CallParticipantPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        CallPages<Context>(services: services, renderer: renderer).addRoutes(to: pages)
        let assets = self.assets
        router.get("/assets/{name}") { request, context -> Response in
            guard let name = context.parameters.get("name"), let asset = assets[name] else { throw HTTPError(.notFound) }
            var response = Caching.publicResponse(asset.body, contentType: asset.contentType, request: request)
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
    }
}
