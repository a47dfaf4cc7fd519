import Foundation
import Testing
import TestSupport
@testable import Postgres

/// `ConnectionPool.query`: statements that wait together share one round trip.
@Suite struct PipelineTests {
    /// Holds the pool's only connection until `release` is called, so that statements queue
    /// behind it however slowly the machine runs: the holder waits for an advisory lock that a
    /// connection of the test's own holds.
    private struct Holder {
        let admin: Connection
        let task: Task<Void, any Error>
        let pid: Int32

        init(_ pool: ConnectionPool, _ database: TestDatabase) async throws {
            admin = try Connection(connectionString: database.connectionString)
            try admin.query("SELECT pg_advisory_lock(4242)")
            pid = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int32.self, at: 0) }
            task = Task {
                try await pool.withConnection(statementTimeout: .seconds(60)) { connection in
                    try connection.query("SELECT pg_advisory_lock(4242)")
                    try connection.query("SELECT pg_advisory_unlock(4242)")
                }
            }
            for _ in 0..<2000 where pool.statistics.leased == 0 { try await Task.sleep(for: .milliseconds(2)) }
        }

        func release() async throws {
            try admin.query("SELECT pg_advisory_unlock(4242)")
            try await task.value
        }
    }

    /// Starts `count` tasks, each running `statement(i)` through `query`, and waits until all wait.
    private static func queue(
        _ count: Int, on pool: ConnectionPool, _ statement: @escaping @Sendable (Int) -> (String, [any PostgresEncodable])
    ) async throws -> [Task<QueryResult, any Error>] {
        let tasks = (0..<count).map { index in
            Task {
                let (sql, parameters) = statement(index)
                return try await pool.query(sql, parameters)
            }
        }
        for _ in 0..<2000 where pool.statistics.waiting < count { try await Task.sleep(for: .milliseconds(2)) }
        #expect(pool.statistics.waiting == count, "the statements should all wait behind the holder")
        return tasks
    }

    @Test func statementsWaitingTogetherShareOneRoundTrip() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            #expect(pool.pipelineStatistics == (0, 0) as (Int, Int))
            let holder = try await Holder(pool, database)
            let pid = holder.pid
            let tasks = try await Self.queue(6, on: pool) { ("SELECT $1::int, pg_backend_pid()", [$0]) }
            try await holder.release()
            for (index, task) in tasks.enumerated() {
                let row = try await task.value.rows[0]
                #expect(try row.decode(Int.self, at: 0) == index, "each task gets its own row")
                #expect(try row.decode(Int32.self, at: 1) == pid)
            }
            let statistics = pool.pipelineStatistics
            #expect(statistics.roundTrips == 1 && statistics.statements == 6, "\(statistics)")
            // Back out of pipeline mode: ordinary leases and transactions still work.
            let count = try await pool.withTransaction { try $0.query("SELECT count(*) FROM pg_class").rows[0].decode(Int.self, at: 0) }
            #expect(count > 0)
            let alone = try await pool.query("SELECT 7")
            #expect(try alone.rows[0].decode(Int.self, at: 0) == 7)
            #expect(pool.pipelineStatistics.roundTrips == 1, "a statement alone is not pipelined")
        }
    }

    @Test func anErrorInOnePipelinedStatementFailsOnlyThatStatement() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            try await pool.withConnection { try $0.execute("CREATE TABLE t (x int PRIMARY KEY)") }
            let holder = try await Holder(pool, database)
            // Division by zero at run time, a syntax error at preparation, a unique violation of an
            // insert that came before it in the same round trip, and good statements between them.
            let statements: [(String, [any PostgresEncodable])] = [
                ("INSERT INTO t VALUES ($1) RETURNING x", [1]),
                ("SELECT 1 / $1::int", [0]),
                ("SELEC 3", []),
                ("INSERT INTO t VALUES ($1) RETURNING x", [1]),
                ("SELECT $1::int", [5]),
            ]
            let tasks = try await Self.queue(statements.count, on: pool) { statements[$0] }
            try await holder.release()
            var outcomes: [Result<QueryResult, any Error>] = []
            for task in tasks { outcomes.append(await task.result) }
            let states = outcomes.map { outcome -> String in
                switch outcome {
                case .success(let result): (try? result.rows.first?.decode(String.self, at: 0)) ?? "no row"
                case .failure(let error): (error as? PostgresError)?.sqlState ?? "\(error)"
                }
            }
            // The first insert and the second race for the key only in the order they were queued.
            #expect(Set([states[0], states[3]]) == ["1", "23505"], "\(states)")
            #expect(Array(states[1...2]) + [states[4]] == ["22012", "42601", "5"], "\(states)")
            #expect(pool.pipelineStatistics.roundTrips == 1)
            let rows = try await pool.query("SELECT count(*) FROM t")
            #expect(try rows.rows[0].decode(Int.self, at: 0) == 1, "the failed insert left nothing behind")
        }
    }

    @Test func aConnectionLostMidPipelineFailsItsStatementsAndIsReplaced() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            let holder = try await Holder(pool, database)
            let pid = holder.pid
            let tasks = try await Self.queue(4, on: pool) { index in
                index == 0 ? ("SELECT pg_sleep(30)", []) : ("SELECT $1::int", [index])
            }
            try await holder.release()
            let admin = holder.admin
            for _ in 0..<500 {
                let active = try admin.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep(30)%'", [pid]
                ).rows[0].decode(Int.self, at: 0)
                if active == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try admin.query("SELECT pg_terminate_backend($1)", [pid])
            for task in tasks {
                await #expect {
                    try await task.value
                } throws: { error in
                    (error as? PostgresError)?.isUnavailable == true
                }
            }
            #expect(pool.pipelineStatistics.roundTrips == 1)
            let newPID = try await pool.query("SELECT pg_backend_pid()").rows[0].decode(Int32.self, at: 0)
            #expect(newPID != pid)
            #expect(pool.statistics.open == 1)
        }
    }

    @Test func aFrozenBackendCannotHoldAPipelineBeyondTheTimeout() async throws {
        try await TestDatabase.with { database in
            let pool = ConnectionPool(configuration: .init(
                connectionString: database.connectionString, maxConnections: 1, leaseTimeout: .seconds(30),
                revalidateAfter: .seconds(600), statementTimeout: .milliseconds(1500)
            ))
            let holder = try await Holder(pool, database)
            let pid = holder.pid
            let tasks = try await Self.queue(3, on: pool) { index in
                index == 0 ? ("SELECT pg_sleep(0.3)", []) : ("SELECT $1::int", [index])
            }
            try await holder.release()
            // Stopped while the pipeline's first statement sleeps: nothing more will come from it.
            let admin = holder.admin
            for _ in 0..<500 {
                let active = try admin.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep(0.3)%'", [pid]
                ).rows[0].decode(Int.self, at: 0)
                if active == 1 { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            guard kill(pid, SIGSTOP) == 0 else {
                Issue.record("cannot stop the backend (errno \(errno)); run the tests as root or as the server's user")
                return
            }
            defer { kill(pid, SIGCONT) }
            let start = ContinuousClock.now
            for task in tasks {
                await #expect {
                    try await task.value
                } throws: { error in
                    (error as? PostgresError)?.code == .deadlineExceeded
                }
            }
            kill(pid, SIGCONT)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(10), "took \(elapsed)")
            #expect(pool.pipelineStatistics.roundTrips == 1)
            let newPID = try await pool.query("SELECT pg_backend_pid()").rows[0].decode(Int32.self, at: 0)
            #expect(newPID != pid)
            await pool.shutdown()
        }
    }
}
