import Foundation
import Testing
import TestSupport
@testable import Postgres

/// `ConnectionPool.lookup`: statements gathered into pipelines on a real server.
@Suite struct LookupTests {
    @Test func concurrentLookupsShareRoundTripsAndAnErrorFailsOnlyItsOwn() async throws {
        try await TestDatabase.with(maxConnections: 2) { database in
            let pool = database.pool
            let answers = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
                for number in 0..<300 {
                    group.addTask {
                        // Every seventh divides by zero.
                        let divisor = number % 7 == 0 ? 0 : 1
                        do {
                            let quotient = try await pool.lookup("SELECT $1::int / $2::int", [number, divisor]).rows[0].decode(Int.self, at: 0)
                            return (number, .success(quotient))
                        } catch {
                            return (number, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [Int: Result<Int, any Error>]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 300)
            for (number, answer) in answers {
                switch answer {
                case .success(let value):
                    #expect(number % 7 != 0 && value == number)
                case .failure(let error):
                    #expect(number % 7 == 0 && (error as? PostgresError)?.sqlState == "22012")
                }
            }
            let statistics = pool.lookupStatistics
            #expect(statistics.lookups == 300)
            #expect(statistics.pipelines < statistics.lookups, "concurrent lookups were gathered: \(statistics)")
            // The connections that ran them serve ordinary work as before.
            let sum = try await pool.withConnection { try $0.query("SELECT 2 + 2").rows[0].decode(Int.self, at: 0) }
            #expect(sum == 4)
        }
    }

    @Test func lookupsKeepOnePlanAndTheSessionKeepsCustomPlans() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            try await pool.withConnection { try $0.execute("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 1000) g") }
            let sql = "SELECT name FROM t WHERE id = $1"
            for id in 1...10 {
                #expect(try await pool.lookup(sql, [id]).rows[0].decode(String.self, at: 0) == "n\(id)")
            }
            #expect(try await pool.lookup(sql, [5000]).rows.isEmpty)
            // A failing statement does not keep the session in generic plans.
            await #expect(throws: PostgresError.self) { try await pool.lookup("SELECT 1 / $1::int", [0]) }
            let plans = try await pool.withConnection { connection in
                let row = try connection.query(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", [sql]
                ).rows[0]
                let mode = try connection.query("SHOW plan_cache_mode").rows[0].decode(String.self, at: 0)
                return (generic: try row.decode(Int.self, at: 0), custom: try row.decode(Int.self, at: 1), mode: mode)
            }
            #expect(plans.generic == 11 && plans.custom == 0)
            #expect(plans.mode == "force_custom_plan")
        }
    }

    @Test func statementsTheServerCannotPrepareFailAloneAndColumnsFollowTheirStatement() async throws {
        try await TestDatabase.with(maxConnections: 2) { database in
            let pool = database.pool
            let statements = [
                "SELECT $1::int AS n, 'a' AS letter",
                "SELECT 'b' AS letter, $1::int * 10 AS n",
                "SELECT n FROM no_such_table WHERE n = $1",
            ]
            let answers = await withTaskGroup(of: (Int, Result<(Int, String), any Error>).self) { group in
                for number in 0..<90 {
                    group.addTask {
                        do {
                            let row = try await pool.lookup(statements[number % 3], [number]).rows[0]
                            return (number, .success((try row.decode(Int.self, "n"), try row.decode(String.self, "letter"))))
                        } catch {
                            return (number, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [Int: Result<(Int, String), any Error>]()) { $0[$1.0] = $1.1 }
            }
            for (number, answer) in answers {
                switch (number % 3, answer) {
                case (0, .success(let value)): #expect(value == (number, "a"))
                case (1, .success(let value)): #expect(value == (number * 10, "b"))
                case (2, .failure(let error)): #expect((error as? PostgresError)?.sqlState == "42P01")
                default: Issue.record("lookup \(number): \(answer)")
                }
            }
            #expect(pool.lookupStatistics.pipelines < 90)
        }
    }

    @Test func aLookupNoConnectionServesFailsAtItsOwnDeadline() async throws {
        try await TestDatabase.with { database in
            let pool = ConnectionPool(configuration: .init(
                connectionString: database.connectionString, maxConnections: 1, leaseTimeout: .seconds(30),
                statementTimeout: .milliseconds(300)
            ))
            let released = Flag()
            // The only connection is busy for far longer than a lookup may wait.
            let holder = Task {
                try await pool.withConnection(statementTimeout: .seconds(10)) { _ = try $0.query("SELECT pg_sleep(3)") }
                released.set()
            }
            try await Task.sleep(for: .milliseconds(200))
            await #expect {
                try await pool.lookup("SELECT 1")
            } throws: { error in
                (error as? PostgresError)?.code == .deadlineExceeded
            }
            // The sweep ended it, not the connection coming free.
            #expect(!released.isSet)
            try await holder.value
            #expect(try await pool.lookup("SELECT 1").rows[0].decode(Int.self, at: 0) == 1)
            await pool.shutdown()
        }
    }

    @Test func aLookupWhoseConnectionDiesFailsAndTheNextOneRunsOnAnother() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            let firstPID = try await pool.lookup("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0)
            await #expect {
                try await pool.lookup("SELECT pg_terminate_backend(pg_backend_pid())")
            } throws: { error in
                (error as? PostgresError)?.isUnavailable == true
            }
            let secondPID = try await pool.lookup("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0)
            #expect(secondPID != firstPID)
            #expect(pool.statistics.open == 1)
        }
    }

    @Test func lookupsFailWhenThePoolIsShutDown() async throws {
        try await TestDatabase.with { database in
            let pool = ConnectionPool(configuration: .init(connectionString: database.connectionString, maxConnections: 1))
            await pool.shutdown()
            await #expect(throws: PostgresError.self) {
                try await pool.lookup("SELECT 1")
            }
        }
    }
}

@Suite struct LookupQueueTests {
    @Test func runnersStartUpToTheLimitAndTakeBatchesInOrder() {
        var queue = LookupQueue<Int>(maxRunners: 2, maxBatch: 3)
        var starts = [1, 2, 3, 4].map { queue.add($0) }
        #expect(starts == [true, true, false, false])
        var batches = (0..<3).map { _ in queue.nextBatch() }
        #expect(batches == [[1, 2, 3], [4], []])
        // One runner went idle and stopped; the other is still counted.
        #expect(queue.runners == 1)
        starts = [5, 6].map { queue.add($0) }
        #expect(starts == [true, false])
        batches = (0..<3).map { _ in queue.nextBatch() }
        #expect(batches == [[5, 6], [], []])
        #expect(queue.runners == 0)
        #expect((queue.batchesTaken, queue.lookupsTaken) == (3, 6))
    }

    @Test func waitingLookupsFailOnlyWhenNoRunnerIsLeft() {
        var queue = LookupQueue<Int>(maxRunners: 2, maxBatch: 8)
        _ = [1, 2].map { queue.add($0) }
        let failedFirst = queue.runnerFailed()
        let failedLast = queue.runnerFailed()
        #expect(failedFirst == [] && failedLast == [1, 2])
        #expect(queue.pending.isEmpty && queue.runners == 0)
    }

    @Test func oneSweepIsArmedWhileLookupsWaitAndTakesOnlyTheExpired() {
        var queue = LookupQueue<Int>(maxRunners: 1, maxBatch: 8)
        let armedEmpty = queue.armSweep()
        #expect(!armedEmpty)
        _ = queue.add(1)
        let armedFirst = queue.armSweep()
        _ = queue.add(5)
        let armedSecond = queue.armSweep()
        #expect(armedFirst && !armedSecond)
        let first = queue.sweep { $0 < 3 }
        #expect(first.expired == [1] && first.rearm && queue.pending == [5])
        _ = queue.nextBatch()
        let second = queue.sweep { $0 < 3 }
        #expect(second.expired == [] && !second.rearm && !queue.sweepArmed)
    }

    @Test func aRunnerThatStopsEarlyIsReplacedWhileLookupsWait() {
        var queue = LookupQueue<Int>(maxRunners: 1, maxBatch: 1)
        _ = [1, 2].map { queue.add($0) }
        let first = queue.nextBatch()
        let replaced = queue.runnerStopped()
        #expect(first == [1] && replaced && queue.runners == 1)
        let second = queue.nextBatch()
        let replacedAgain = queue.runnerStopped()
        #expect(second == [2] && !replacedAgain && queue.runners == 0)
    }
}

/// A flag one task sets and another reads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
