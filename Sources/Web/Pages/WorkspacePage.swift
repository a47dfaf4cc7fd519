import Domain
import Foundation
import Hummingbird
import UseCases

/// What every page of a signed-in person's work needs: the reader's words, responses no browser
/// or proxy stores, a fully signed-in person, and the id the path names.
struct WorkspacePage<Context: WebRequestContext>: Sendable {
    let services: Services
    let renderer: Renderer

    func words(_ context: Context) async throws -> Vocabulary {
        Vocabulary(snapshot: try await services.reference.snapshot(), language: context.page.language, messages: renderer.messages)
    }

    func page(_ template: String, title: String, view: [String: Any], request: Request, context: Context, status: HTTPResponse.Status = .ok) -> Response {
        var response = renderer.render(template, title: title, view: view, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The fully signed-in person, or a redirect to sign in (or finish signing in) and come back.
    static func signedIn(_ request: Request, _ context: Context) throws -> AccountService.SignedIn {
        guard let session = context.page.session, !session.secondFactorPending, !session.mustEnrollSecondFactor else {
            if context.page.session?.mustEnrollSecondFactor == true { throw PageRedirect(location: "/account/two-factor") }
            if context.page.session?.secondFactorPending == true { throw PageRedirect(location: "/sign-in/code") }
            // The query too: a link to a proposal names its project and sponsor there.
            let here = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            throw PageRedirect(location: "/sign-in?next=" + AccountPages<Context>.encoded(here))
        }
        return session
    }

    func requireSignedIn(_ request: Request, _ context: Context) throws {
        _ = try Self.signedIn(request, context)
    }

    /// After a form that changed something: see the result, and never store it.
    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    func id(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        return id
    }
}
