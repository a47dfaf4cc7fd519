import Domain
import Foundation
import Hummingbird
import UseCases

/// The portal's maps, regions and open-data pages.
struct PortalPages<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    func addRoutes(to router: RouterGroup<Context>) {}
}
