import Foundation
import Testing
import TestSupport
import Domain
@testable import Storage

@Suite struct OrganizationRepositoryTests {
    @Test func createsAndReadsBackEveryField() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            var draft = Fixtures.ngo(1, regions: ["750000000", "190000000"], focus: ["education", "youth"])
            draft.name = LocalizedText(kk: "Қамқор", ru: "Камкор", en: "Kamkor")
            draft.seeking = ["employment"]
            draft.contactEmail = "info@kamkor.kz"
            draft.annualBudgetKZT = 12_000_000
            draft.staffCount = 7
            draft.foundedYear = 2004
            let created = try await repository.create(draft)
            let found = try await repository.find(created.id)
            #expect(found.fields == draft)
            #expect(found.active)
        }
    }

    @Test func duplicateBINIsAConflict() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            _ = try await repository.create(Fixtures.ngo(1))
            await #expect(throws: DomainError.conflict(code: "duplicate_bin", message: "An organization with this BIN is already registered.")) {
                _ = try await repository.create(Fixtures.business(1))
            }
        }
    }

    @Test func unknownReferencesAreReportedPerField() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            var draft = Fixtures.ngo(1, regions: ["750000000", "999000000"], focus: ["education", "astrology"])
            draft.legalForm = "llp"
            await #expect {
                _ = try await repository.create(draft)
            } throws: { error in
                guard case DomainError.invalid(let issues) = error else { return false }
                return Set(issues.map(\.field)) == ["regions[1]", "focus_areas[1]", "legal_form"]
            }
            let count = try await database.pool.withConnection { try $0.query("SELECT count(*) FROM organizations").rows[0].decode(Int.self, at: 0) }
            #expect(count == 0)
        }
    }

    @Test func regionFilterMatchesTheWholeSubtree() async throws {
        try await TestDatabase.with { database in
            // Talgar District (195200000), a district of Almaty Region from the reference data, shows
            // that the filter covers levels below the region.
            let repository = OrganizationRepository(pool: database.pool)
            let inDistrict = try await repository.create(Fixtures.ngo(1, regions: ["195200000"]))
            let inRegion = try await repository.create(Fixtures.ngo(2, regions: ["190000000"]))
            let inCity = try await repository.create(Fixtures.ngo(3, regions: ["750000000"]))
            var filter = OrganizationFilter()
            filter.region = "190000000"
            let region = try await repository.list(filter, after: nil, limit: 50).items.map(\.id)
            #expect(Set(region) == [inDistrict.id, inRegion.id])
            filter.region = "195200000"
            #expect(try await repository.list(filter, after: nil, limit: 50).items.map(\.id) == [inDistrict.id])
            filter.region = "750000000"
            #expect(try await repository.list(filter, after: nil, limit: 50).items.map(\.id) == [inCity.id])
        }
    }

    @Test func fullTextFindsRussianAndKazakhWordForms() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            let russian = try await repository.create(Fixtures.ngo(1, description: "Помогаем детям с инвалидностью получать образование"))
            let kazakh = try await repository.create(Fixtures.ngo(2, description: "Мүмкіндігі шектеулі балаларға білім беру"))
            _ = try await repository.create(Fixtures.ngo(3, description: "Tree planting in the steppe"))
            func search(_ phrase: String) async throws -> Set<UUID> {
                var filter = OrganizationFilter()
                filter.text = TextQuery(phrase)
                return Set(try await repository.list(filter, after: nil, limit: 50).items.map(\.id))
            }
            // Russian stemming: another case of the same word.
            #expect(try await search("детей") == [russian.id])
            #expect(try await search("инвалидность") == [russian.id])
            // Kazakh has no stemmer: the stem matches the suffixed form by prefix.
            #expect(try await search("бала") == [kazakh.id])
            #expect(try await search("балаларға") == [kazakh.id])
            #expect(try await search("tree") .count == 1)
            #expect(try await search("космос").isEmpty)
        }
    }

    @Test func textListingsAreNewestFirstWhetherAWordIsRareOrCommon() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            // The common word fills more than the newest rows the listing searches first; the rare
            // word is only in the oldest rows, which a walk of the listing index would meet last.
            let common = textSearchWindow + 30
            try await database.pool.withConnection { connection in
                try connection.execute("""
                    INSERT INTO organizations (kind, bin, legal_form, name_en, description, created_at)
                    SELECT 'ngo', lpad(n::text, 12, '0'), 'public_foundation', 'Foundation ' || n,
                           CASE WHEN n <= 3 THEN 'apiary beekeeping' ELSE 'community garden' END,
                           timestamptz '2026-01-01' + n * interval '1 minute'
                    FROM generate_series(1, \(common + 3)) AS n
                    """)
            }
            func pages(_ phrase: String, size: Int) async throws -> [String] {
                var filter = OrganizationFilter()
                filter.text = TextQuery(phrase)
                var names: [String] = []
                var cursor: PageCursor?
                repeat {
                    let page = try await repository.list(filter, after: cursor, limit: size)
                    names += page.items.compactMap(\.fields.name.en)
                    cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
                } while cursor != nil && names.count < 60
                return names
            }
            let newestCommon = (common + 3 - 59...common + 3).reversed().map { "Foundation \($0)" }
            #expect(try await pages("garden", size: 20) == newestCommon)
            #expect(try await pages("apiary", size: 2) == ["Foundation 3", "Foundation 2", "Foundation 1"])
            #expect(try await pages("космос", size: 10).isEmpty)
        }
    }

    @Test func paginationNeitherSkipsNorRepeatsUnderConcurrentInserts() async throws {
        try await TestDatabase.with(maxConnections: 4) { database in
            let repository = OrganizationRepository(pool: database.pool)
            var existing: Set<UUID> = []
            for serial in 0..<60 {
                existing.insert(try await repository.create(Fixtures.ngo(serial)).id)
            }
            let inserter = Task {
                for serial in 1000..<1040 {
                    _ = try await repository.create(Fixtures.ngo(serial))
                }
            }
            var seen: [UUID] = []
            var cursor: PageCursor?
            repeat {
                let page = try await repository.list(OrganizationFilter(), after: cursor, limit: 7)
                seen += page.items.map(\.id)
                cursor = page.nextCursor.flatMap(PageCursor.init(encoded:))
                await Task.yield()
            } while cursor != nil
            try await inserter.value
            #expect(seen.count == Set(seen).count, "no row may appear twice")
            #expect(existing.isSubset(of: Set(seen)), "every row that existed before paging must appear")
        }
    }

    @Test func deactivatedOrganizationsLeaveListingsButStayReadable() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            let kept = try await repository.create(Fixtures.ngo(1))
            let gone = try await repository.create(Fixtures.ngo(2))
            let deactivated = try await repository.deactivate(gone.id)
            #expect(!deactivated.active)
            #expect(deactivated.deactivatedAt != nil)
            #expect(try await repository.list(OrganizationFilter(), after: nil, limit: 10).items.map(\.id) == [kept.id])
            var everyone = OrganizationFilter()
            everyone.includeInactive = true
            #expect(try await repository.list(everyone, after: nil, limit: 10).items.count == 2)
            #expect(try await repository.find(gone.id).active == false)
        }
    }

    @Test func updateValidatesTheWholeResult() async throws {
        try await TestDatabase.with { database in
            let repository = OrganizationRepository(pool: database.pool)
            let business = try await repository.create(Fixtures.business(1))
            await #expect {
                _ = try await repository.update(business.id) { $0.staffCount = 5 }
            } throws: { error in
                guard case DomainError.invalid(let issues) = error else { return false }
                return issues.map(\.code) == ["not_applicable"]
            }
            let updated = try await repository.update(business.id) { $0.annualCSRBudgetKZT = 70_000_000 }
            #expect(updated.fields.annualCSRBudgetKZT == 70_000_000)
            #expect(updated.updatedAt > business.updatedAt)
        }
    }
}
