import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the client's `X-Request-Id` when it is sensible, else a new one),
/// puts it on every log line of the request and on the response, and logs one line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = id
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
