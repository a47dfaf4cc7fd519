import Foundation
import Testing
import TestSupport
@testable import Postgres

@Suite struct ConnectionPoolTests {
    @Test func parametersAndTypesRoundTrip() async throws {
        try await TestDatabase.with { database in
            let id = UUID()
            let row = try await database.pool.withConnection { connection in
                try connection.query(
                    "SELECT $1::text, $2::bigint, $3::numeric, $4::bool, $5::uuid, $6::text[], $7::int[], $8::text, now()",
                    ["қазақ 'тіл'", Int64.max, Decimal(string: "12345.678"), true, id, ["a", "b c"], [1, 2, 3], String?.none]
                ).rows[0]
            }
            #expect(try row.decode(String.self, at: 0) == "қазақ 'тіл'")
            #expect(try row.decode(Int64.self, at: 1) == Int64.max)
            #expect(try row.decode(Decimal.self, at: 2) == Decimal(string: "12345.678"))
            #expect(try row.decode(Bool.self, at: 3))
            #expect(try row.decode(UUID.self, at: 4) == id)
            #expect(try row.decode([String].self, at: 5) == ["a", "b c"])
            #expect(try row.decode([Int].self, at: 6) == [1, 2, 3])
            #expect(try row.decode(String?.self, at: 7) == nil)
            #expect(abs(try row.decode(Date.self, at: 8).timeIntervalSinceNow) < 60)
        }
    }

    @Test func serverErrorsCarryTheirSQLState() async throws {
        try await TestDatabase.with { database in
            await #expect {
                try await database.pool.withConnection { try $0.query("SELECT 1/0") }
            } throws: { error in
                (error as? PostgresError)?.sqlState == "22012"
            }
            // The connection stays usable after a statement error.
            let one = try await database.pool.withConnection { try $0.query("SELECT 1").rows[0].decode(Int.self, at: 0) }
            #expect(one == 1)
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() async throws {
        struct Abort: Error {}
        try await TestDatabase.with { database in
            try await database.pool.withConnection { try $0.execute("CREATE TABLE t (x int)") }
            await #expect(throws: Abort.self) {
                try await database.pool.withTransaction { connection in
                    try connection.query("INSERT INTO t VALUES ($1)", [1])
                    throw Abort()
                }
            }
            let count = try await database.pool.withConnection { try $0.query("SELECT count(*) FROM t").rows[0].decode(Int.self, at: 0) }
            #expect(count == 0)
        }
    }

    @Test func aConnectionBrokenMidStatementIsReplaced() async throws {
        try await TestDatabase.with(maxConnections: 1) { database in
            let pool = database.pool
            let firstPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0) }
            let sleeper = Task { try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(30)") } }
            let admin = try Connection(connectionString: database.connectionString)
            // Wait until the statement runs, then end its session under it.
            for _ in 0..<100 {
                let active = try admin.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [firstPID]
                ).rows[0].decode(Int.self, at: 0)
                if active == 1 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try admin.query("SELECT pg_terminate_backend($1)", [firstPID])
            await #expect {
                try await sleeper.value
            } throws: { error in
                (error as? PostgresError)?.isUnavailable == true
            }
            let secondPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0) }
            #expect(secondPID != firstPID)
            #expect(pool.statistics.open == 1)
        }
    }

    @Test func idleConnectionsTheServerClosedFailNoRequest() async throws {
        try await TestDatabase.with(maxConnections: 4) { database in
            let pool = database.pool
            // Four connections open at once, then all idle in the pool.
            let firstPIDs = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            try connection.query("SELECT pg_backend_pid(), pg_sleep(0.2)").rows[0].decode(Int.self, at: 0)
                        }
                    }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(firstPIDs.count == 4)
            #expect(pool.statistics.idle == 4)
            // What a database restart does to them: the server ends every session.
            let admin = try Connection(connectionString: database.connectionString)
            try admin.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [Array(firstPIDs)])
            try await Task.sleep(for: .milliseconds(100))
            // Recently used, so not old enough for the idle check; still no request may fail.
            var laterPIDs = Set<Int>()
            for _ in 0..<6 {
                laterPIDs.insert(try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0) })
            }
            #expect(laterPIDs.isDisjoint(with: firstPIDs))
            #expect(pool.statistics.open == 1)
        }
    }

    @Test func aConnectionIdleForLongIsCheckedBeforeUse() async throws {
        try await TestDatabase.with { database in
            let pool = ConnectionPool(configuration: .init(
                connectionString: database.connectionString, maxConnections: 1, revalidateAfter: .zero
            ))
            let firstPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0) }
            let admin = try Connection(connectionString: database.connectionString)
            try admin.query("SELECT pg_terminate_backend($1)", [firstPID])
            try await Task.sleep(for: .milliseconds(50))
            // The dead connection is found by the check and replaced: the caller sees no error.
            let secondPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, at: 0) }
            #expect(secondPID != firstPID)
            #expect(pool.statistics.open == 1)
            await pool.shutdown()
        }
    }

    @Test func leaseTimesOutInsteadOfHanging() async throws {
        try await TestDatabase.with { database in
            let pool = ConnectionPool(configuration: .init(
                connectionString: database.connectionString, maxConnections: 1, leaseTimeout: .milliseconds(200)
            ))
            async let holder: Void = pool.withConnection { _ = try $0.query("SELECT pg_sleep(1)") }
            try await Task.sleep(for: .milliseconds(100))
            let start = ContinuousClock.now
            await #expect {
                try await pool.withConnection { try $0.query("SELECT 1") }
            } throws: { error in
                (error as? PostgresError)?.code == .poolTimeout
            }
            #expect(ContinuousClock.now - start < .seconds(1))
            try await holder
            await pool.shutdown()
        }
    }

    @Test func unreachableServerFailsFast() async throws {
        let pool = ConnectionPool(configuration: .init(
            connectionString: "host=127.0.0.1 port=1 dbname=none", maxConnections: 1, connectTimeoutSeconds: 1
        ))
        let start = ContinuousClock.now
        await #expect {
            try await pool.withConnection { try $0.query("SELECT 1") }
        } throws: { error in
            (error as? PostgresError)?.code == .connectionFailed && (error as? PostgresError)?.isUnavailable == true
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        await pool.shutdown()
    }

    @Test func copyInLoadsEscapedRows() async throws {
        try await TestDatabase.with { database in
            let count = try await database.pool.withConnection { connection in
                try connection.execute("CREATE TABLE c (a text, b text[])")
                let values = ["tab\there", "line\nbreak", "back\\slash", "Қазақ"]
                let lines = values.map { "\(Connection.copyText($0))\t\(Connection.copyText([$0].postgresText))" }
                return try connection.copyIn("COPY c (a, b) FROM STDIN", lines: lines + ["\\N\t{}"])
            }
            #expect(count == 5)
            let rows = try await database.pool.withConnection { try $0.query("SELECT a, b FROM c ORDER BY a NULLS LAST").rows }
            #expect(try rows.compactMap { try $0.decode(String?.self, at: 0) }.sorted() == ["back\\slash", "line\nbreak", "tab\there", "Қазақ"].sorted())
            #expect(try rows.map { try $0.decode([String].self, at: 1).first ?? "" }.contains("tab\there"))
        }
    }
}
