import Foundation
import Hummingbird
import Metrics
import Postgres
import Prometheus

/// The service's metrics: swift-metrics handles recorded into one Prometheus registry, which
/// swift-prometheus renders. Each application has its own registry, so two services in one
/// process (tests) never count each other's requests.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The factory over `registry`; `asar serve` also bootstraps swift-metrics with it, so
    /// Hummingbird's own request metrics land in the same registry.
    public let factory: PrometheusMetricsFactory

    /// Upper bounds of the latency buckets.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5),
    ]

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.registry = registry
        self.factory = factory
    }

    /// One answered request, under its route pattern so ids do not multiply series.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let dimensions = [("method", method), ("route", route), ("status", String(status))]
        Counter(label: "asar_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "asar_http_request_duration_seconds", dimensions: dimensions, factory: factory).recordInterval(duration)
    }

    /// The Prometheus text of every series, with the pool's gauges read now.
    func render(pool: (open: Int, idle: Int, leased: Int, waiting: Int)) -> [UInt8] {
        for (state, value) in [("open", pool.open), ("idle", pool.idle), ("leased", pool.leased)] {
            registry.makeGauge(name: "asar_db_pool_connections", labels: [("state", state)]).set(Double(value))
        }
        registry.makeGauge(name: "asar_db_pool_waiting").set(Double(pool.waiting))
        return registry.emitToBuffer()
    }
}

extension Metrics.Timer {
    fileprivate func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Records every request in `ServiceMetrics` with the labels ASAR's dashboards use: method,
/// route pattern and status.
struct RouteMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
            status: response.status.code, duration: ContinuousClock.now - start
        )
        return response
    }
}
