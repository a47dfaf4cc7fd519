import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres
import UseCases

/// Runs around every page: picks the language, keeps the CSRF cookie, adds the security headers,
/// and turns errors into pages in the reader's language (never problem+json).
struct PageMiddleware<Context: WebRequestContext>: RouterMiddleware {
    let renderer: Renderer
    let settings: WebSettings
    let accounts: AccountService
    let notifications: NotificationService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // Pages act for the person signed in with a session cookie, never for an API token.
        context.caller = .anonymous
        context.page.language = Self.language(for: request)
        if let token = Cookies.value(Cookies.csrf, in: request), RandomToken.isWellFormed(token) {
            context.page.csrfToken = token
        } else {
            context.page.csrfToken = RandomToken.make()
            context.page.issuesCSRFCookie = true
        }
        var response: Response
        do {
            if let token = Cookies.value(Cookies.session, in: request), token.utf8.count <= 200,
               let session = try await accounts.session(token) {
                context.page.session = session
                context.page.sessionToken = token
                if !session.secondFactorPending && !session.mustEnrollSecondFactor {
                    context.caller = session.caller
                    context.page.personName = session.person.displayName
                    context.page.unreadNotifications = try await notifications.unreadCount(of: session)
                }
            }
            response = try await next(request, context)
        } catch {
            response = errorPage(error, request: request, context: context)
        }
        if context.page.issuesCSRFCookie {
            response.headers[values: .setCookie].append(
                Cookies.header(name: Cookies.csrf, value: context.page.csrfToken, maxAge: nil, secure: settings.secureCookies)
            )
        }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        // A response with a policy of its own (a download's sandbox) keeps it.
        headers[.contentSecurityPolicy] = headers[.contentSecurityPolicy] ?? [
            "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
            "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
        headers[.referrerPolicy] = "strict-origin-when-cross-origin"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.xFrameOptions] = "DENY"
        headers[.permissionsPolicy] = "camera=(), microphone=(), geolocation=()"
    }

    /// The `lang` cookie, else the first of Kazakh, Russian, English the browser accepts, else Kazakh.
    static func language(for request: Request) -> Language {
        if let code = Cookies.value(Cookies.language, in: request), let language = Language(rawValue: code) {
            return language
        }
        guard let header = request.headers[.acceptLanguage] else { return .kk }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";")
            let tag = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { return nil }
            let quality = pieces.dropFirst().compactMap { piece -> Double? in
                let kv = piece.trimmingCharacters(in: .whitespaces)
                return kv.hasPrefix("q=") ? Double(kv.dropFirst(2)) : nil
            }.first ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0 ?? .kk
    }

    func errorPage(_ error: any Error, request: Request, context: Context) -> Response {
        let language = context.page.language
        let messages = renderer.messages
        let status: HTTPResponse.Status
        let message: String
        switch error {
        case let redirect as PageRedirect:
            return Response(status: .seeOther, headers: [.location: redirect.location, .cacheControl: "no-store"])
        case let error as PageError:
            status = error.status
            message = messages.text(error.messageKey, language)
        case let error as DomainError:
            switch error {
            case .notFound: status = .notFound; message = messages.text("error_not_found", language)
            case .unauthenticated: status = .unauthorized; message = messages.text("error_sign_in_needed", language)
            case .forbidden: status = .forbidden; message = messages.text("error_forbidden", language)
            case .invalid, .conflict, .preconditionFailed:
                status = .unprocessableContent; message = messages.text("error_invalid", language)
            }
        case let error as PostgresError where error.isUnavailable:
            context.logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
            status = .serviceUnavailable
            message = messages.text("error_unavailable", language)
        case let error as HTTPError where error.status.code < 500:
            status = error.status
            message = messages.text(error.status == .notFound ? "error_not_found" : "error_invalid", language)
        default:
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            status = .internalServerError
            message = messages.text("error_internal", language)
        }
        let title = messages.text("error_title", language, String(status.code))
        var response = renderer.render(
            "error", title: title, view: ["status": status.code, "message": message], request: request, context: context, status: status
        )
        response.headers[.cacheControl] = "no-store"
        if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
        return response
    }
}

/// Sends the reader elsewhere (303), e.g. to sign in first.
struct PageRedirect: Error {
    let location: String
}

/// A refusal a page shows as an error page with a message key.
struct PageError: Error {
    let status: HTTPResponse.Status
    let messageKey: String

    static let notFound = PageError(status: .notFound, messageKey: "error_not_found")
    static let csrf = PageError(status: .forbidden, messageKey: "error_csrf")
    static let badRequest = PageError(status: .badRequest, messageKey: "error_invalid")
}

/// How the pages are set up.
public struct WebSettings: Sendable {
    /// Cookies get `Secure` when the service is reached over HTTPS.
    public var secureCookies: Bool

    public init(secureCookies: Bool = false) {
        self.secureCookies = secureCookies
    }

    public static func fromEnvironment() -> WebSettings {
        WebSettings(secureCookies: ProcessInfo.processInfo.environment["ASAR_COOKIE_SECURE"] == "1")
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
