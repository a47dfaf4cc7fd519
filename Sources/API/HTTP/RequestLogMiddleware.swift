import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One id per request, Hummingbird's own (`context.id`, on every log line as `hb.request.id`):
/// the client's `X-Request-Id` replaces it when it is sensible, so a trace keeps its id. It is
/// echoed on the response, and one line per request is logged.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = request.headers[.requestID].flatMap(Self.acceptable) {
            context.logger[metadataKey: "hb.request.id"] = .string(id)
        }
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible(((ContinuousClock.now - start) / .microseconds(1)).rounded() / 1000),
        ])
        return response
    }

    /// Up to 128 visible ASCII characters; anything else is replaced, so logs stay clean.
    static func acceptable(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 128, value.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return value
    }
}

extension HTTPField.Name {
    // A constant, valid token: the failable initializer cannot fail, and the fallback is never used.
    static let requestID = HTTPField.Name("X-Request-Id") ?? .server
}
