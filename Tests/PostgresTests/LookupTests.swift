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
