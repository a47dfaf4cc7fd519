import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Postgres

/// Request counts and latency histograms per method, route and status, in Prometheus text format.
final class RequestMetrics: Sendable {
    struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: RequestMetrics.bounds.count)
    }

    /// Upper bounds of the latency buckets, in seconds.
    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private let series = NIOLockedValueBox<[Key: Series]>([:])

    func record(method: String, route: String, status: Int, seconds: Double) {
        series.withLockedValue { all in
            var entry = all[Key(method: method, route: route, status: status)] ?? Series()
            entry.count += 1
            entry.sum += seconds
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
            all[Key(method: method, route: route, status: status)] = entry
        }
    }

    func render(pool: (open: Int, idle: Int, leased: Int, waiting: Int)) -> String {
        let snapshot = series.withLockedValue { $0 }.sorted {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }
        var lines = [
            "# HELP asar_http_requests_total HTTP requests answered, by method, route and status.",
            "# TYPE asar_http_requests_total counter",
        ]
        for (key, entry) in snapshot {
            lines.append("asar_http_requests_total{\(labels(key))} \(entry.count)")
        }
        lines += [
            "# HELP asar_http_request_duration_seconds Time spent answering, by method, route and status.",
            "# TYPE asar_http_request_duration_seconds histogram",
        ]
        for (key, entry) in snapshot {
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("asar_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(entry.buckets[index])")
            }
            lines.append("asar_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(entry.count)")
            lines.append("asar_http_request_duration_seconds_sum{\(labels(key))} \(entry.sum)")
            lines.append("asar_http_request_duration_seconds_count{\(labels(key))} \(entry.count)")
        }
        lines += [
            "# HELP asar_db_pool_connections Database connections by state.",
            "# TYPE asar_db_pool_connections gauge",
            "asar_db_pool_connections{state=\"open\"} \(pool.open)",
            "asar_db_pool_connections{state=\"idle\"} \(pool.idle)",
            "asar_db_pool_connections{state=\"leased\"} \(pool.leased)",
            "# HELP asar_db_pool_waiting Requests waiting for a database connection.",
            "# TYPE asar_db_pool_waiting gauge",
            "asar_db_pool_waiting \(pool.waiting)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private func labels(_ key: Key) -> String {
        "method=\"\(key.method)\",route=\"\(escape(key.route))\",status=\"\(key.status)\""
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// Records every request in `RequestMetrics`, under its route pattern so ids do not multiply series.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.record(
            method: request.method.rawValue,
            route: context.endpointPath ?? "unmatched",
            status: response.status.code,
            seconds: (ContinuousClock.now - start) / .seconds(1)
        )
        return response
    }
}
