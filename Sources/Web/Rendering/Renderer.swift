import Domain
import Foundation
import Hummingbird
import Mustache
import UseCases

/// Renders a page template inside the layout, in the reader's language.
public struct Renderer: Sendable {
    let library: MustacheLibrary
    public let messages: Messages

    public init(library: MustacheLibrary, messages: Messages) {
        self.library = library
        self.messages = messages
    }

    /// The templates and messages shipped with the target.
    public static func bundled() throws -> Renderer {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        return Renderer(library: library, messages: try Messages.bundled())
    }

    /// One page. `view` is what the template reads under `page`; `t` holds the messages and
    /// `layout` the header and footer.
    func render<Context: WebRequestContext>(
        _ template: String, title: String, view: Any, request: Request, context: Context, status: HTTPResponse.Status = .ok
    ) -> Response {
        Self.html(html(template, title: title, view: view, request: request, context: context), status: status)
    }

    func html<Context: WebRequestContext>(
        _ template: String, title: String, view: Any, request: Request, context: Context
    ) -> String {
        let language = context.page.language
        let layout = Layout(title: title, request: request, context: context, messages: messages)
        let object: [String: Any] = ["t": messages.table(language), "layout": layout, "page": view]
        return library.render(object, withTemplate: template) ?? "template \(template) is missing"
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }
}

/// The header and footer every page shares.
struct Layout {
    struct Link {
        let label: String
        let href: String
        let current: Bool
        let code: String
    }

    let lang: String
    let title: String
    let languages: [Link]
    let navigation: [Link]
    let signedIn: Bool
    let personName: String
    let csrf: String

    init<Context: WebRequestContext>(title: String, request: Request, context: Context, messages: Messages) {
        let language = context.page.language
        self.lang = language.rawValue
        self.title = title
        let here = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let next = here.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        self.languages = [(Language.kk, "Қазақша"), (.ru, "Русский"), (.en, "English")].map { code, label in
            Link(label: label, href: "/language/\(code.rawValue)?next=\(next)", current: code == language, code: code.rawValue)
        }
        let path = request.uri.path
        func link(_ key: String, _ href: String) -> Link {
            let current = href == "/" ? path == "/" : path.hasPrefix(href)
            return Link(label: messages.text(key, language), href: href, current: current, code: "")
        }
        var navigation = [
            link("nav_home", "/"), link("nav_organizations", "/organizations"), link("nav_projects", "/projects"),
            link("callpub_nav", "/calls"),
            link("nav_regions", "/regions"), link("nav_open_data", "/open-data"),
        ]
        if let session = context.page.session, !session.secondFactorPending, !session.mustEnrollSecondFactor {
            let acting = session.memberships.first { $0.organizationID == session.actingOrganizationID }
            if acting?.kind == .ngo { navigation.append(link("nav_projects_workspace", "/workspace/projects")) }
            if acting?.kind == .business { navigation.append(link("nav_recommendations", "/workspace/recommendations")) }
            if acting != nil { navigation.append(link("nav_partnerships", "/workspace/partnerships")) }
            navigation.append(link("nav_workspace_calls", "/workspace/calls"))
            if acting?.kind == .business { navigation.append(link("nav_budget", "/workspace/budget")) }
            if Self.reviews(session) { navigation.append(link("nav_reviews", "/workspace/reviews")) }
            let unread = context.page.unreadNotifications
            var inbox = link("nav_inbox", "/inbox")
            if unread > 0 {
                inbox = Link(label: messages.text("nav_inbox_unread", language, Format.integer(unread)), href: inbox.href, current: inbox.current, code: "")
            }
            navigation.append(inbox)
        }
        if context.page.personName != nil {
            navigation.append(link("nav_account", "/account"))
        } else {
            navigation.append(link("nav_sign_in", "/sign-in"))
        }
        self.navigation = navigation
        self.signedIn = context.page.personName != nil
        self.personName = context.page.personName ?? ""
        self.csrf = context.page.csrfToken
    }

    /// Whether the person reviews partnerships: an admin, or acting for a government body.
    static func reviews(_ session: AccountService.SignedIn) -> Bool {
        session.caller.isAdmin
            || session.memberships.contains { $0.organizationID == session.actingOrganizationID && $0.kind == .governmentBody }
    }
}
