import Domain
import Hummingbird

/// What a request context must carry for the pages; the service's one context conforms.
public protocol WebRequestContext: RequestContext {
    /// Who is asking, as the use cases see it.
    var caller: Caller { get set }
    /// The reader's language, CSRF token and signed-in person, set by `PageMiddleware`.
    var page: PageState { get set }
}

/// Per-request facts every page needs.
public struct PageState: Sendable {
    public var language: Language = .kk
    /// The double-submit token every state-changing form carries and the `asar_csrf` cookie holds.
    public var csrfToken = ""
    /// Set when the CSRF cookie was created on this request and must be sent back.
    var issuesCSRFCookie = false
    /// The signed-in person's name, shown in the header; nil when nobody is signed in.
    public var personName: String?
    public var sessionToken: String?

    public init() {}
}
