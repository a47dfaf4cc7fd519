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
        /// How long one statement may take unless a lease asks for another limit; past it the
        /// statement fails with `.deadlineExceeded` (unavailable), even when the server is frozen.
        public var statementTimeout: Duration
        /// A longer limit for request classes that need it (funding rounds, bulk work); pass it as
        /// `withConnection(statementTimeout:)` or `withTransaction(statementTimeout:)`.
        public var longStatementTimeout: Duration

        public init(
            connectionString: String = "",
            maxConnections: Int = 8,
            connectTimeoutSeconds: Int = 2,
            leaseTimeout: Duration = .seconds(2),
            revalidateAfter: Duration = .seconds(5),
            statementTimeout: Duration = .seconds(4),
            longStatementTimeout: Duration = .seconds(30)
        ) {
            self.connectionString = connectionString
            self.maxConnections = maxConnections
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.leaseTimeout = leaseTimeout
            self.revalidateAfter = revalidateAfter
            self.statementTimeout = statementTimeout
            self.longStatementTimeout = longStatementTimeout
        }

        /// How many connections at most carry `lookup`s at once, each as pipelines.
        public var lookupRunners = 2
        /// The most lookups one pipeline carries.
        public var lookupBatch = 64

        /// `DATABASE_URL` when set, otherwise libpq's own `PG*` defaults; `ASAR_DB_POOL_SIZE`, `ASAR_DB_LOOKUP_RUNNERS`,
        /// `ASAR_STATEMENT_TIMEOUT_MS` and `ASAR_LONG_STATEMENT_TIMEOUT_MS` when set to positive numbers.
        public static func fromEnvironment(_ environment: [String: String]) -> Configuration {
            var configuration = Configuration(connectionString: environment["DATABASE_URL"] ?? "")
            if let size = environment["ASAR_DB_POOL_SIZE"].flatMap(Int.init), size > 0 {
                configuration.maxConnections = size
            }
            if let runners = environment["ASAR_DB_LOOKUP_RUNNERS"].flatMap(Int.init), runners > 0 {
                configuration.lookupRunners = runners
            }
            if let milliseconds = environment["ASAR_STATEMENT_TIMEOUT_MS"].flatMap(Int.init), milliseconds > 0 {
                configuration.statementTimeout = .milliseconds(milliseconds)
            }
            if let milliseconds = environment["ASAR_LONG_STATEMENT_TIMEOUT_MS"].flatMap(Int.init), milliseconds > 0 {
                configuration.longStatementTimeout = .milliseconds(milliseconds)
            }
            return configuration
        }
    }

    /// Work waiting for a connection. `execute` runs on a database thread and returns what
    /// resumes the caller, called once the connection is back in the pool.
    private struct Job: Sendable {
        let execute: @Sendable (Connection) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        let ticket: Ticket
    }

    /// Where a job waits, for its task's cancellation handler, which may run before the job is
    /// queued. Its fields are read and written only under the lock of `state`: that rule is what
    /// makes the `@unchecked Sendable` safe.
    private final class Ticket: @unchecked Sendable {
        var waiterID: Int?
        var isCancelled = false
    }

    private typealias State = PoolStateMachine<Connection, Job>

    /// A statement waiting for a lookup runner; its parameters already in their text form.
    private struct Lookup: Sendable {
        let sql: String
        let parameters: [String?]
        let continuation: CheckedContinuation<QueryResult, any Error>
        /// The statement timeout counts from when the lookup was asked for, not from when a runner
        /// took it: behind a frozen server, a lookup waits no longer than one sent at once.
        let deadline: ContinuousClock.Instant
    }

    public let configuration: Configuration
    private let threads: NIOThreadPool
    private let state: NIOLockedValueBox<State>
    private let lookups: NIOLockedValueBox<LookupQueue<Lookup>>
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "asar.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = NIOLockedValueBox(State(capacity: configuration.maxConnections))
        self.lookups = NIOLockedValueBox(LookupQueue(
            // One connection always stays for transactions and other work.
            maxRunners: max(1, min(configuration.lookupRunners, configuration.maxConnections - 1)), maxBatch: configuration.lookupBatch
        ))
        // One thread per connection: a job that has a connection never waits for a thread.
        self.threads = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threads.start()
    }

    /// Gauges for metrics and readiness.
    public var statistics: (open: Int, idle: Int, leased: Int, waiting: Int) {
        state.withLockedValue { ($0.openCount, $0.idle.count, $0.leasedCount, $0.waitingCount) }
    }

    /// Runs `body` with a connection of its own on a database thread.
    ///
    /// Each statement may take `statementTimeout` (nil: the configured default); a slower one
    /// throws `PostgresError` `.deadlineExceeded`. Waiting for a free connection ends with
    /// `CancellationError` when the calling task is cancelled.
    ///
    /// A connection stays on its thread: when it comes free while others wait, the same thread
    /// runs the next waiting body at once. Handing it back through the caller's event loop first
    /// cost two thread switches per query and most of the service's throughput.
    @discardableResult
    public func withConnection<T: Sendable>(
        statementTimeout: Duration? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let timeout = statementTimeout ?? configuration.statementTimeout
        let ticket = Ticket()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                start(Job(
                    execute: { connection in
                        let result = Result {
                            try connection.setStatementTimeout(timeout)
                            return try body(connection)
                        }
                        return { continuation.resume(with: result) }
                    },
                    fail: { continuation.resume(throwing: $0) },
                    ticket: ticket
                ))
            }
        } onCancel: {
            let job = state.withLockedValue { state -> Job? in
                ticket.isCancelled = true
                return ticket.waiterID.flatMap { state.cancelWaiter(id: $0) }
            }
            job?.fail(CancellationError())
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws; `statementTimeout` as for
    /// `withConnection`.
    @discardableResult
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        statementTimeout: Duration? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await withConnection(statementTimeout: statementTimeout) { connection in
            try connection.transaction(isolation: isolation) { try body(connection) }
        }
    }

    /// Lookups run so far, and the pipelines that carried them.
    var lookupStatistics: (lookups: Int, pipelines: Int) {
        lookups.withLockedValue { ($0.lookupsTaken, $0.batchesTaken) }
    }

    /// Runs one statement that reads by key, such as a row by its id, batched with the others
    /// waiting into one pipeline on a connection of the pool (see `Connection.pipeline`).
    ///
    /// For statements whose best plan does not depend on their parameters: the server keeps one
    /// plan for each. Under 16 clients, a query per request cost the round trip's thread and
    /// process switches and a fresh plan each time; gathered, one switch serves many.
    /// Not for statements that must see a transaction's own writes: each runs on its own.
    public func lookup(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> QueryResult {
        let texts = parameters.map(\.postgresText)
        return try await withCheckedThrowingContinuation { continuation in
            let lookup = Lookup(sql: sql, parameters: texts, continuation: continuation, deadline: .now + configuration.statementTimeout)
            let (startsRunner, armsSweep) = lookups.withLockedValue { queue in
                (queue.add(lookup), queue.armSweep())
            }
            if armsSweep { scheduleLookupSweep(at: lookup.deadline) }
            if startsRunner { startLookupRunner() }
        }
    }

    private func startLookupRunner() {
        start(Job(
            execute: { [self] connection in
                runLookups(on: connection)
                return {}
            },
            fail: { [self] error in
                for lookup in lookups.withLockedValue({ $0.runnerFailed() }) {
                    lookup.continuation.resume(throwing: error)
                }
            },
            ticket: Ticket()
        ))
    }

    /// Fails, at `deadline`, the lookups still waiting past theirs, and schedules itself again while
    /// any wait: behind a frozen server, getting a runner a connection may take a lease timeout and
    /// then a connect timeout, and a lookup must still end when its statement timeout is up.
    private func scheduleLookupSweep(at deadline: ContinuousClock.Instant) {
        MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(max(.zero, deadline - .now))) { [weak self] in
            guard let self else { return }
            let now = ContinuousClock.now
            let (expired, next) = self.lookups.withLockedValue { queue in
                let (expired, rearm) = queue.sweep { $0.deadline <= now }
                return (expired, rearm ? queue.pending.first?.deadline : nil)
            }
            for lookup in expired {
                lookup.continuation.resume(throwing: PostgresError(
                    .deadlineExceeded, message: "no connection answered within the statement timeout"
                ))
            }
            if let next { self.scheduleLookupSweep(at: next) }
        }
    }

    /// Runs on a database thread: the waiting lookups in pipelines until none wait, or until other
    /// work waits for a connection (then another runner queues behind it, so lookups cannot starve
    /// transactions). A broken connection fails its batch and hands the rest to a new runner.
    private func runLookups(on connection: Connection) {
        var servedBatch = false
        while true {
            // After a batch at least, so a runner that waited for its connection always gets on.
            let makesWay = servedBatch && state.withLockedValue { $0.waitingCount } > 0
            guard connection.isHealthy, !makesWay else {
                if !connection.isHealthy { logger.warning("dropping broken database connection") }
                if lookups.withLockedValue({ $0.runnerStopped() }) { startLookupRunner() }
                return
            }
            servedBatch = true
            let taken = lookups.withLockedValue { $0.nextBatch() }
            guard !taken.isEmpty else { return }
            // A lookup with little of its timeout left fails now rather than set a short deadline
            // for the whole batch: a deadline missed costs the connection and every answer in it.
            let now = ContinuousClock.now
            let latestStart = now + configuration.statementTimeout / 4
            for lookup in taken where lookup.deadline <= latestStart {
                lookup.continuation.resume(throwing: PostgresError(
                    .deadlineExceeded, message: "no connection was free within the statement timeout"
                ))
            }
            let batch = taken.filter { $0.deadline > latestStart }
            guard let deadline = batch.map(\.deadline).min() else { continue }
            do {
                try connection.setStatementTimeout(configuration.statementTimeout)
                let answers = try connection.pipeline(batch.map { ($0.sql, $0.parameters) }, deadline: deadline)
                for (lookup, answer) in zip(batch, answers) {
                    lookup.continuation.resume(with: answer)
                }
            } catch {
                for lookup in batch { lookup.continuation.resume(throwing: error) }
            }
        }
    }

    /// Closes idle connections and fails waiting tasks; connections in use close when their work ends.
    public func shutdown() async {
        let (idle, waiting) = state.withLockedValue { $0.close() }
        for job in waiting {
            job.fail(PostgresError(.poolClosed, message: "pool shut down"))
        }
        _ = idle
        try? await threads.shutdownGracefully()
    }

    private func start(_ job: Job) {
        let action = state.withLockedValue { state -> State.LeaseAction? in
            let action = state.lease(waiter: job)
            guard case .wait(let id) = action else { return action }
            // Cancelled before it was queued: the handler found nothing to remove, so leave now.
            if job.ticket.isCancelled {
                _ = state.cancelWaiter(id: id)
                return nil
            }
            job.ticket.waiterID = id
            return action
        }
        switch action {
        case .use(let connection):
            submit(job, on: connection)
        case .open:
            submit(job, on: nil)
        case .fail:
            job.fail(PostgresError(.poolClosed, message: "pool shut down"))
        case .wait(let id):
            scheduleTimeout(forWaiter: id)
        case nil:
            job.fail(CancellationError())
        }
    }

    /// An event-loop timer rather than a sleeping task: under load many jobs wait briefly.
    private func scheduleTimeout(forWaiter id: Int) {
        let timeout = configuration.leaseTimeout
        MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) { [weak self] in
            guard let self, let job = self.state.withLockedValue({ $0.cancelWaiter(id: id) }) else { return }
            self.logger.warning("connection lease timed out")
            job.fail(PostgresError(.poolTimeout, message: "no connection free within \(timeout)"))
        }
    }

    /// Serves `job` on a database thread with `connection` (nil: open one for its counted slot).
    private func submit(_ job: Job, on connection: Connection?) {
        threads.submit { [self] threadState in
            guard case .active = threadState else {
                job.fail(PostgresError(.poolClosed, message: "pool shut down"))
                return
            }
            serve(job, on: connection)
        }
    }

    /// Runs on a database thread: serves `first`, then, while jobs wait, the next one with the same
    /// connection. A connection idle for long, or one the server sent something while it sat idle
    /// (it does so when it closes the session, as on a restart), is pinged first; a dead one is
    /// dropped and the job goes on with another idle one or a new one. So a restart of the
    /// database fails no request once the new server accepts connections.
    private func serve(_ first: Job, on firstConnection: Connection?) {
        var job = first
        var candidate = firstConnection
        while true {
            if let current = candidate, needsCheck(current), !current.ping() {
                logger.warning("dropping broken database connection")
                switch state.withLockedValue({ $0.replaceDead() }) {
                case .use(let next):
                    candidate = next
                    continue
                case .open, .wait:
                    candidate = nil
                case .fail:
                    job.fail(PostgresError(.poolClosed, message: "pool shut down"))
                    return
                }
            }
            let connection: Connection
            if let candidate {
                connection = candidate
            } else {
                do {
                    connection = try Connection(
                        connectionString: configuration.connectionString,
                        connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                        statementTimeout: configuration.statementTimeout
                    )
                } catch {
                    logger.error("database connection failed", metadata: ["error": "\(String(reflecting: error))"])
                    job.fail(error)
                    guard case .openFor(let next) = state.withLockedValue({ $0.openFailed() }) else { return }
                    job = next
                    continue
                }
            }
            let resumeCaller = job.execute(connection)
            let healthy = connection.isHealthy
            if !healthy { logger.warning("dropping broken database connection") }
            let next = state.withLockedValue { $0.giveBack(connection, healthy: healthy) }
            resumeCaller()
            switch next {
            case .none:
                return
            case .hand(let handed, let waiting):
                job = waiting
                candidate = handed
            case .openFor(let waiting):
                job = waiting
                candidate = nil
            }
        }
    }

    private func needsCheck(_ connection: Connection) -> Bool {
        ContinuousClock.now - connection.lastUsed > configuration.revalidateAfter || connection.hasUnreadInput
    }
}
