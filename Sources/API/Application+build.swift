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

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: ConnectionPool.Configuration = .init(),
        migrateOnStart: Bool = true,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.migrateOnStart = migrateOnStart
        self.logLevel = logLevel
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
    let router = buildRouter(pool: pool, expectedMigrations: migrations.map(\.version))
    let services: [any Service] = [PoolService(pool: pool)]
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
public func buildRouter(pool: ConnectionPool, expectedMigrations: [Int]) -> Router<AppRequestContext> {
    let reference = ReferenceRepository(pool: pool)
    let referenceCodes = ReferenceCodes(repository: reference)
    let router = Router(context: AppRequestContext.self)
    let routes = RouteTable([
        ("/health", [.get]), ("/ready", [.get]),
        ("/v1/regions", [.get]), ("/v1/focus-areas", [.get]), ("/v1/legal-forms", [.get]),
        ("/v1/organizations", [.get, .post]), ("/v1/organizations/:id", [.get, .patch, .delete]),
        ("/v1/projects", [.get, .post]), ("/v1/projects/:id", [.get, .patch, .delete]),
    ])
    router.add(middleware: ProblemMiddleware(routes: routes))
    HealthController(reference: reference, expectedMigrations: expectedMigrations).addRoutes(to: router)
    ReferenceController(reference: reference).addRoutes(to: router)
    OrganizationController(organizations: OrganizationRepository(pool: pool), referenceCodes: referenceCodes)
        .addRoutes(to: router.group("/v1/organizations"))
    ProjectController(projects: ProjectRepository(pool: pool), referenceCodes: referenceCodes)
        .addRoutes(to: router.group("/v1/projects"))
    return router
}
