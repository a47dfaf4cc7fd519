import Hummingbird

/// The request context of every ASAR route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    // The body limit is enforced per route by JSONBody; this is the framework's outer bound.
    public var maxUploadSize: Int { JSONBody.maxRequestBytes }
}
