import Hummingbird
import Logging
import Postgres
import ServiceLifecycle
import Storage

/// What the service needs to run.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: ConnectionPool.Configuration
    /// Apply pending migrations before the server accepts requests.
    public var migrateOnStart: Bool
    public var logLevel: Logger.Level
    public var matching: MatchingConfiguration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: ConnectionPool.Configuration = .init(),
        migrateOnStart: Bool = true,
        logLevel: Logger.Level = .info,
        matching: MatchingConfiguration = MatchingConfiguration()
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.migrateOnStart = migrateOnStart
        self.logLevel = logLevel
        self.matching = matching
    }
}

/// Wires the pool, repositories and routes into an application.
public func buildApplication(
    _ configuration: ServiceConfiguration,
    migrations: [Migration]
) -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "asar")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let pool = ConnectionPool(configuration: configuration.database, logger: logger)
    let exposure = ExposureRecorder()
    let router = buildRouter(
        pool: pool, expectedMigrations: migrations.map(\.version), matching: configuration.matching, exposure: exposure
    )
    let services: [any Service] = [
        PoolService(pool: pool),
        ExposureFlushService(recorder: exposure, repository: ExposureRepository(pool: pool), interval: .seconds(2), logger: logger),
    ]
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
    pool: ConnectionPool, expectedMigrations: [Int], matching: MatchingConfiguration, exposure: ExposureRecorder
) -> Router<AppRequestContext> {
    let reference = ReferenceRepository(pool: pool)
    let referenceData = ReferenceData(repository: reference)
    let organizations = OrganizationRepository(pool: pool)
    let router = Router(context: AppRequestContext.self)
    let routes = RouteTable()
    let metrics = RequestMetrics()
    router.add(middleware: ServerTimingMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(middleware: AuthMiddleware(tokens: TokenRepository(pool: pool)))
    HealthController(reference: reference, expectedMigrations: expectedMigrations).addRoutes(to: router)
    router.get("/metrics") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(pool: pool.statistics)))
        )
    }
    OpenAPIController().addRoutes(to: router)
    ReferenceController(reference: reference).addRoutes(to: router)
    OrganizationController(organizations: organizations, referenceData: referenceData)
        .addRoutes(to: router.group("/v1/organizations"))
    ProjectController(projects: ProjectRepository(pool: pool), referenceData: referenceData)
        .addRoutes(to: router.group("/v1/projects"))
    let matches = MatchRepository(pool: pool, candidateLimit: matching.candidateLimit)
    let matchService = MatchService(repository: matches, reference: referenceData, configuration: matching, exposure: exposure)
    MatchController(service: matchService, repository: matches, reference: referenceData)
        .addRoutes(to: router)
    let partnerships = PartnershipRepository(pool: pool)
    PartnershipController(partnerships: partnerships, matches: matchService, reference: referenceData)
        .addRoutes(to: router)
    let rounds = RoundRepository(pool: pool)
    RoundController(
        service: RoundService(rounds: rounds, partnerships: partnerships, reference: referenceData),
        rounds: rounds, organizations: organizations, reference: referenceData
    ).addRoutes(to: router)
    routes.load(router.routes)
    return router
}
