import Hummingbird
import NIOConcurrencyHelpers
import Logging
import NIOCore
import Postgres
import Domain

/// Turns every error into an `application/problem+json` response; details go to the log only.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = problem(for: error, request: request, context: context)
            return JSONBody.problem(problem)
        }
    }

    private func problem(for error: any Error, request: Request, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as DomainError:
            switch error {
            case .unauthenticated: return .unauthenticated
            case .notFound(let resource): return .notFound(resource)
            case .invalid(let issues): return .validation(issues)
            case .conflict(let code, let message):
                return Problem(.conflict, code: code.replacingOccurrences(of: "_", with: "-"), title: "Conflict.", detail: message)
            case .forbidden(let message):
                return .forbidden(message)
            case .preconditionFailed(let version):
                return .preconditionFailed(currentVersion: version)
            }
        case let error as PostgresError where error.isUnavailable:
            context.logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
            return .unavailable
        case let error as HTTPError where error.status == .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            return allowed.isEmpty ? .unknownRoute : .methodNotAllowed(allowed: allowed)
        case let error as any HTTPResponseError where error.status.code < 500:
            return Problem(error.status, code: "http-\(error.status.code)", title: error.status.reasonPhrase)
        default:
            context.logger.error("request failed", metadata: [
                "error": "\(String(reflecting: error))",
                "path": "\(request.uri.path)",
                "method": "\(request.method.rawValue)",
            ])
            return .internalError
        }
    }
}

/// The paths and methods the router serves, to tell 405 from 404 and fill `Allow`. Filled from
/// the router once every route is registered, so it cannot drift from what is served.
final class RouteTable: Sendable {
    private let routes = NIOLockedValueBox<[(segments: [String], methods: [HTTPRequest.Method])]>([])

    func load(_ described: [Router<AppRequestContext>.RouteDescription]) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for route in described {
            let path = route.path.description
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(route.method)
        }
        routes.withLockedValue { routes in
            routes = order.map { (Self.segments($0), Self.ordered(byPath[$0] ?? [])) }
        }
    }

    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let requested = Self.segments(path)
        return routes.withLockedValue { routes in
            for route in routes where route.segments.count == requested.count {
                let matches = zip(route.segments, requested).allSatisfy { pattern, segment in
                    pattern.hasPrefix(":") || pattern.hasPrefix("{") || pattern == segment
                }
                if matches { return route.methods }
            }
            return []
        }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    /// A stable, conventional order for `Allow`.
    private static func ordered(_ methods: [HTTPRequest.Method]) -> [HTTPRequest.Method] {
        let rank: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
        return methods.sorted { (rank.firstIndex(of: $0) ?? rank.count) < (rank.firstIndex(of: $1) ?? rank.count) }
    }
}
