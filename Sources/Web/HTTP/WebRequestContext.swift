import Domain
import Hummingbird
import UseCases

/// What a request context must carry for the pages; the service's one context conforms.
public protocol WebRequestContext: RequestContext {
    /// Who is asking, as the use cases see it.
    var caller: Caller { get set }
    /// The reader's language, CSRF token and signed-in person, set by `PageMiddleware`.
    var page: PageState { get set }
    /// The client's IP address, for sign-in throttling; empty when unknown.
    var clientAddress: String { get }
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
    /// The session cookie's token, also while a second factor is still owed.
    public var sessionToken: String?
    /// The session behind the cookie, fully signed in or not.
    public var session: AccountService.SignedIn?
    /// The signed-in person's unread notifications, counted in the header.
    public var unreadNotifications = 0

    public init() {}
}
