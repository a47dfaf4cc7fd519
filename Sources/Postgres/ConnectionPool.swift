import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A bounded pool of libpq connections whose blocking calls run on a dedicated thread pool.
public final class ConnectionPool: Sendable {
    public struct Configuration: Sendable {
        /// A libpq connection string or URL; empty uses the `PG*` environment variables.
        public var connectionString: String
        public var maxConnections: Int
        public var connectTimeoutSeconds: Int
        /// How long a task waits for a free connection before failing.
        public var leaseTimeout: Duration
        /// A connection idle longer than this is checked before use, so the first request after a
        /// database restart does not fail on a connection the server has already closed.
        public var revalidateAfter: Duration

        public init(
            connectionString: String = "",
            maxConnections: Int = 8,
            connectTimeoutSeconds: Int = 2,
            leaseTimeout: Duration = .seconds(2),
            revalidateAfter: Duration = .seconds(5)
        ) {
            self.connectionString = connectionString
            self.maxConnections = maxConnections
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.leaseTimeout = leaseTimeout
            self.revalidateAfter = revalidateAfter
        }

        /// `DATABASE_URL` when set, otherwise libpq's own `PG*` defaults.
        public static func fromEnvironment(_ environment: [String: String]) -> Configuration {
            var configuration = Configuration(connectionString: environment["DATABASE_URL"] ?? "")
            if let size = environment["ASAR_DB_POOL_SIZE"].flatMap(Int.init), size > 0 {
                configuration.maxConnections = size
            }
            return configuration
        }
    }

    private typealias Waiter = CheckedContinuation<Connection, any Error>
    private typealias State = PoolStateMachine<Connection, Waiter>

    public let configuration: Configuration
    private let threads: NIOThreadPool
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "asar.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = NIOLockedValueBox(State(capacity: configuration.maxConnections))
        // One thread per connection: a leased connection never waits for a thread.
        self.threads = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threads.start()
    }

    /// Gauges for metrics and readiness.
    public var statistics: (open: Int, idle: Int, leased: Int, waiting: Int) {
        state.withLockedValue { ($0.openCount, $0.idle.count, $0.leasedCount, $0.waitingCount) }
    }

    /// Leases a connection and runs `body` with it on a database thread.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let connection = try await leaseChecked()
        do {
            let value = try await threads.runIfActive { try body(connection) }
            giveBack(connection)
            return value
        } catch {
            giveBack(connection)
            throw error
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws.
    @discardableResult
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try connection.transaction(isolation: isolation) { try body(connection) }
        }
    }

    /// Closes idle connections and fails waiting tasks; leased connections close when returned.
    public func shutdown() async {
        let (idle, waiters) = state.withLockedValue { $0.close() }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(.poolClosed, message: "pool shut down"))
        }
        _ = idle
        try? await threads.shutdownGracefully()
    }

    /// A leased connection that answers: one idle for long, or one the server sent something while
    /// it sat idle (it does so when it closes the session, as on a restart), is pinged first, and a
    /// dead one is dropped (freeing its slot) and another leased, a few times at most. So a restart
    /// of the database fails no request once the new server accepts connections.
    private func leaseChecked() async throws -> Connection {
        for _ in 0..<configuration.maxConnections {
            let connection = try await lease()
            let idleForLong = ContinuousClock.now - connection.lastUsed > configuration.revalidateAfter
            guard idleForLong || connection.hasUnreadInput else { return connection }
            if try await threads.runIfActive({ connection.ping() }) { return connection }
            giveBack(connection)
        }
        return try await lease()
    }

    private func lease() async throws -> Connection {
        let timeout = configuration.leaseTimeout
        return try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let action = state.withLockedValue { $0.lease(waiter: continuation) }
            switch action {
            case .use(let connection):
                continuation.resume(returning: connection)
            case .open:
                openConnection(for: continuation)
            case .fail:
                continuation.resume(throwing: PostgresError(.poolClosed, message: "pool shut down"))
            case .wait(let id):
                // An event-loop timer rather than a sleeping task: under load many requests wait
                // briefly, and a task with a sleep each cost a tenth of the service's time.
                MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) { [weak self] in
                    guard let self, let waiter = self.state.withLockedValue({ $0.cancelWaiter(id: id) }) else { return }
                    self.logger.warning("connection lease timed out")
                    waiter.resume(throwing: PostgresError(.poolTimeout, message: "no connection free within \(timeout)"))
                }
            }
        }
    }

    private func openConnection(for waiter: Waiter) {
        let configuration = configuration
        threads.submit { [self] threadState in
            guard case .active = threadState else {
                waiter.resume(throwing: PostgresError(.poolClosed, message: "pool shut down"))
                return
            }
            do {
                let connection = try Connection(
                    connectionString: configuration.connectionString,
                    connectTimeoutSeconds: configuration.connectTimeoutSeconds
                )
                waiter.resume(returning: connection)
            } catch {
                logger.error("database connection failed", metadata: ["error": "\(String(reflecting: error))"])
                waiter.resume(throwing: error)
                perform(state.withLockedValue { $0.openFailed() })
            }
        }
    }

    private func giveBack(_ connection: Connection) {
        let healthy = connection.isHealthy
        if !healthy { logger.warning("dropping broken database connection") }
        perform(state.withLockedValue { $0.giveBack(connection, healthy: healthy) })
    }

    private func perform(_ action: State.ReturnAction) {
        switch action {
        case .none: break
        case .hand(let connection, let waiter): waiter.resume(returning: connection)
        case .openFor(let waiter): openConnection(for: waiter)
        }
    }
}

