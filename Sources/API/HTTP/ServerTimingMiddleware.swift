import HTTPTypes
import Hummingbird

/// Adds `Server-Timing: app;dur=<ms>` to every response: the time spent inside the service, which
/// benchmarks compare with what a client sees.
struct ServerTimingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.serverTiming] = "app;dur=\((milliseconds * 1000).rounded() / 1000)"
        return response
    }
}

extension HTTPField.Name {
    // A constant, valid token: the failable initializer cannot fail, and the fallback is never used.
    static let serverTiming = HTTPField.Name("Server-Timing") ?? .server
}
