import Foundation
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle
import UseCases
import Web

/// What the service needs to run.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: ConnectionPool.Configuration
    /// Apply pending migrations before the server accepts requests.
    public var migrateOnStart: Bool
    public var logLevel: Logger.Level
    public var matching: MatchingConfiguration
    /// People and sessions: mail, lifetimes, bcrypt's cost (from the environment unless set).
    public var accounts: AccountConfiguration
    /// Follow change notifications into the candidate index on a connection of its own. Off, every
    /// match request compares the index's version with the database's instead: what tests running
    /// hundreds of services at once use, so each does not hold one more connection.
    public var followsIndexChanges = true
    /// `ASAR_TEST_HOOKS=1`: routes under `/test/` that browser tests use to move the clock. Never
    /// in production: they let anyone make reports overdue.
    public var testHooks = ProcessInfo.processInfo.environment["ASAR_TEST_HOOKS"] == "1"
    /// Webhook delivery (`ASAR_WEBHOOKS_ALLOW_PRIVATE=1` lets tests deliver to 127.0.0.1;
    /// `ASAR_WEBHOOKS_SEND=0` queues deliveries without sending them).
    public var webhooks = WebhookConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: ConnectionPool.Configuration = .init(),
        migrateOnStart: Bool = true,
        logLevel: Logger.Level = .info,
        matching: MatchingConfiguration = MatchingConfiguration(),
        accounts: AccountConfiguration = .fromEnvironment(ProcessInfo.processInfo.environment)
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.migrateOnStart = migrateOnStart
        self.logLevel = logLevel
        self.matching = matching
        self.accounts = accounts
    }
}

/// Wires the pool, repositories and routes into an application.
public func buildApplication(
    _ configuration: ServiceConfiguration,
    migrations: [Migration],
    metrics: ServiceMetrics = ServiceMetrics()
) throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "asar")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let pool = ConnectionPool(configuration: configuration.database, logger: logger)
    let useCases = Services(pool: pool, matching: configuration.matching, accounts: configuration.accounts, webhooks: configuration.webhooks)
    let router = try buildRouter(
        useCases, pool: pool, expectedMigrations: migrations.map(\.version), metrics: metrics, testHooks: configuration.testHooks
    )
    let services: [any Service] = [PoolService(pool: pool)]
        + useCases.backgroundServices(logger: logger, followingIndexChanges: configuration.followsIndexChanges)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "asar"),
        services: services,
        logger: logger
    )
    if configuration.migrateOnStart {
        app.beforeServerStarts {
            let applied = try await pool.withConnection { connection in
                try Migrator.migrate(migrations, on: connection, logger: logger)
            }
            logger.info("database schema is current", metadata: ["newly_applied": "\(applied)"])
        }
    }
    return app
}

/// All routes, in one place.
func buildRouter(
    _ useCases: Services, pool: ConnectionPool, expectedMigrations: [Int], metrics: ServiceMetrics = ServiceMetrics(),
    testHooks: Bool = false
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let routes = RouteTable()
    router.add(middleware: ServerTimingMiddleware())
    router.add(middleware: RequestLogMiddleware())
    // Hummingbird's own series (http_server_request_duration, active requests) go wherever
    // swift-metrics is bootstrapped; ASAR's labelled ones always go to this service's registry.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: RouteMetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(middleware: AuthMiddleware(tokens: useCases.tokens))
    HealthController(reference: useCases.reference, expectedMigrations: expectedMigrations, candidateIndex: useCases.candidateIndex).addRoutes(to: router)
    router.get("/metrics") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render(pool: pool.statistics)))
        )
    }
    OpenAPIController().addRoutes(to: router)
    ReferenceController(reference: useCases.reference).addRoutes(to: router)
    OrganizationController(organizations: useCases.organizations, reference: useCases.reference)
        .addRoutes(to: router.group("/v1/organizations"))
    ProjectController(projects: useCases.projects, reference: useCases.reference)
        .addRoutes(to: router.group("/v1/projects"))
    MatchController(matches: useCases.matches, reference: useCases.reference).addRoutes(to: router)
    DismissalController(dismissals: useCases.dismissals).addRoutes(to: router)
    ShortlistController(shortlists: useCases.shortlists).addRoutes(to: router)
    PartnershipController(partnerships: useCases.partnerships, reference: useCases.reference).addRoutes(to: router)
    RoundController(rounds: useCases.rounds, reference: useCases.reference).addRoutes(to: router)
    CallController(calls: useCases.calls).addRoutes(to: router)
    CallReviewController(calls: useCases.calls).addRoutes(to: router)
    ReviewerController(calls: useCases.calls).addRoutes(to: router)
    InboxController(notifications: useCases.notifications).addRoutes(to: router)
    WebhookController(webhooks: useCases.webhooks).addRoutes(to: router)
    DashboardController(dashboards: useCases.dashboards).addRoutes(to: router)
    if testHooks { TestHookController(clock: useCases.clock).addRoutes(to: router) }
    try WebPages(services: useCases).addRoutes(to: router)
    routes.load(router.routes)
    return router
}
