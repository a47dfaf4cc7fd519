import Foundation
import Logging
import Testing
import TestSupport
@testable import Postgres

@Suite struct MigratorTests {
    let logger = Logger(label: "test")

    @Test func appliesEachMigrationOnceEvenWhenStartedTogether() async throws {
        try await TestDatabase.with(maxConnections: 4) { database in
            let migrations = [
                Migration(version: 9001, name: "first", sql: "CREATE TABLE m1 (x int); INSERT INTO m1 VALUES (1);"),
                Migration(version: 9002, name: "second", sql: "INSERT INTO m1 VALUES (2);"),
            ]
            let all = TestDatabase.migrations + migrations
            let logger = logger
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await database.pool.withConnection { try Migrator.migrate(all, on: $0, logger: logger) }
                    }
                }
                var appliedTotal: [Int] = []
                for try await applied in group { appliedTotal += applied }
                #expect(appliedTotal.sorted() == [9001, 9002])
            }
            let rows = try await database.pool.withConnection { try $0.query("SELECT count(*) FROM m1").rows[0].decode(Int.self, at: 0) }
            #expect(rows == 2)
        }
    }

    @Test func failedMigrationLeavesNoTrace() async throws {
        try await TestDatabase.with { database in
            let broken = TestDatabase.migrations + [
                Migration(version: 9001, name: "broken", sql: "CREATE TABLE half (x int); SELECT no_such_function();"),
            ]
            let logger = logger
            await #expect(throws: PostgresError.self) {
                try await database.pool.withConnection { try Migrator.migrate(broken, on: $0, logger: logger) }
            }
            let state = try await database.pool.withConnection { connection in
                try connection.query(
                    "SELECT to_regclass('half') IS NULL, NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 9001)"
                ).rows[0]
            }
            #expect(try state.decode(Bool.self, at: 0))
            #expect(try state.decode(Bool.self, at: 1))
        }
    }

    @Test func refusesADatabaseThatKnowsAMigrationWeDoNot() async throws {
        try await TestDatabase.with { database in
            try await database.pool.withConnection { try $0.query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')") }
            let logger = logger
            await #expect(throws: MigrationError.unknownApplied(version: 9999, name: "future")) {
                try await database.pool.withConnection { try Migrator.migrate(TestDatabase.migrations, on: $0, logger: logger) }
            }
        }
    }

    @Test func loadsTheCheckoutsMigrationsInOrder() {
        let versions = TestDatabase.migrations.map(\.version)
        #expect(!versions.isEmpty)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
    }
}
