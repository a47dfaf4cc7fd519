import Domain
import Foundation
import Hummingbird
import Web

/// The request context of every ASAR route.
public struct AppRequestContext: RequestContext, WebRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is asking; `AuthMiddleware` sets it from a valid bearer token.
    public var caller: Caller = .anonymous
    /// The reader's language, CSRF token and signed-in person on page routes.
    public var page = PageState()

    public let clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    // The body limit is enforced per route by JSONBody; this is the framework's outer bound.
    public var maxUploadSize: Int { JSONBody.maxRequestBytes }
}
