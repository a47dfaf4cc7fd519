import Foundation
import Hummingbird
import UseCases

/// Reads `Authorization: Bearer <token>`. A request without one is anonymous; a request with a
/// bad, revoked or expired one is refused, so a client never silently falls back to anonymous.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthenticated
        }
        guard let caller = try await tokens.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw Problem.unauthenticated
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }
}
