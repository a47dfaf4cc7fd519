import Foundation
import Testing
import TestSupport
import Domain
@testable import DemoData
@testable import Storage

@Suite struct SeederTests {
    @Test func demoCoversEveryRegionAndKindAndLoadsOnce() async throws {
        try await TestDatabase.with { database in
            let first = try await Seeder.loadDemo(into: database.pool, onlyIfEmpty: true)
            #expect(first.organizations >= 250)
            #expect(first.projects >= 140)
            let again = try await Seeder.loadDemo(into: database.pool, onlyIfEmpty: true)
            #expect(again == .nothing)
            let facts = try await database.pool.withConnection { connection in
                try connection.query("""
                    SELECT
                        (SELECT count(DISTINCT kind) FROM organizations),
                        (SELECT count(DISTINCT substr(r, 1, 2)) FROM organizations, unnest(regions || ARRAY[jurisdiction]) AS r WHERE r IS NOT NULL),
                        (SELECT count(*) FROM projects p JOIN organizations o ON o.id = p.organization_id WHERE o.kind <> 'ngo'),
                        (SELECT array_agg(bin) FROM organizations)
                    """).rows[0]
            }
            #expect(try facts.decode(Int.self, at: 0) == 3)
            #expect(try facts.decode(Int.self, at: 1) == 20)
            #expect(try facts.decode(Int.self, at: 2) == 0, "only NGOs own projects")
            #expect(try facts.decode([String].self, at: 3).allSatisfy(BIN.isValid))
        }
    }

    @Test func demoIsDeterministic() async throws {
        let fingerprint: @Sendable (TestDatabase) async throws -> String = { database in
            _ = try await Seeder.loadDemo(into: database.pool, onlyIfEmpty: false)
            return try await database.pool.withConnection { connection in
                try connection.query("""
                    SELECT md5(string_agg(id::text || bin || coalesce(name_ru, '') || created_at::text, ',' ORDER BY id))
                    FROM organizations
                    """).rows[0].decode(String.self, at: 0)
            }
        }
        let first = try await TestDatabase.with(fingerprint)
        let second = try await TestDatabase.with(fingerprint)
        #expect(first == second)
    }

    @Test func syntheticLoadsTheRequestedCounts() async throws {
        try await TestDatabase.with { database in
            let summary = try await Seeder.loadSynthetic(count: 2_000, into: database.pool)
            #expect(summary == SeedSummary(organizations: 2_000, projects: 1_000))
            var filter = OrganizationFilter()
            filter.kind = .business
            #expect(try await OrganizationRepository(pool: database.pool).list(filter, after: nil, limit: 5).items.count == 5)
        }
    }
}
