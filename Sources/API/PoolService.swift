import Postgres
import ServiceLifecycle

/// Ties the connection pool's lifetime to the application's: closed on graceful shutdown.
struct PoolService: Service {
    let pool: ConnectionPool

    func run() async throws {
        try? await gracefulShutdown()
        await pool.shutdown()
    }
}
