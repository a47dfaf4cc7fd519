import Domain
import Foundation
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Matching on the demo data, as a new user meets it: lists that are full, and a government
/// partner for every open project.
@Suite struct MatchListTests {
    static let plain = MatchOptions(limit: 10, fairExposure: false, diversify: false)

    func ids(_ sql: String, _ database: TestDatabase) async throws -> [UUID] {
        try await database.pool.withConnection { connection in
            try connection.query(sql).rows.map { try $0.decode(UUID.self, at: 0) }
        }
    }

    @Test func everyOpenProjectHasALocalGovernmentBodyAndOnlyBodiesThatMayActThere() async throws {
        try await TestDatabase.with(demo: true) { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let open = try await database.pool.withConnection { connection in
                try connection.query("SELECT id, regions FROM projects WHERE status = 'open' ORDER BY id").rows
                    .map { (try $0.decode(UUID.self, at: 0), try $0.decode([String].self, at: 1)) }
            }
            let districtAkimats = try await database.pool.withConnection { connection in
                try connection.query("SELECT id, jurisdiction FROM organizations WHERE kind = 'government_body' AND level = 'district'").rows
                    .map { (try $0.decode(UUID.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
            #expect(open.count > 100 && districtAkimats.count >= 6)
            var without: [UUID] = []
            var inTheirDistrict = 0
            var options = Self.plain
            options.limit = 20
            for (project, regions) in open {
                let answer = try await services.matches.partners(forProject: project, kind: .governmentBody, options: options, by: .anonymous)
                let offered = answer.items.compactMap { item -> PartnerCandidate? in
                    if case .partner(let body) = item.item { return body }
                    return nil
                }
                // Only bodies that may act there: national ones, or a jurisdiction covering the project.
                let offeredElsewhere = offered.filter { body in
                    !body.profile.isNational && !regions.contains { KATO.covers(body.profile.jurisdiction ?? "", $0) }
                }
                #expect(offeredElsewhere.isEmpty, "bodies outside their jurisdiction offered for \(project)")
                if offered.allSatisfy(\.profile.isNational) { without.append(project) }
                // The district's own akimat is offered for a project in its district.
                for (akimat, district) in districtAkimats where regions.contains(where: { KATO.covers(district, $0) }) {
                    #expect(offered.contains { $0.profile.id == akimat }, "the akimat of \(district) is not offered for \(project)")
                    inTheirDistrict += 1
                }
                for item in answer.items {
                    // Each says why it fits: where it may act, and what it works on or the funding gap.
                    let components = Set(item.match.directions.flatMap(\.components).map(\.component))
                    #expect(components.isSuperset(of: [.geography, .focus, .fundingGap]), "\(components)")
                }
            }
            #expect(without.isEmpty, "\(without.count) open projects have no local government candidate")
            #expect(inTheirDistrict > 0, "no project lies in a district with its own akimat, so that was not tested")
        }
    }

    @Test func businessesAndNGOsGetFullListsFilledFromFurtherAway() async throws {
        try await TestDatabase.with(demo: true) { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let businesses = try await ids("SELECT id FROM organizations WHERE kind = 'business' AND active ORDER BY id", database)
            let ngos = try await ids("SELECT DISTINCT organization_id FROM projects WHERE status = 'open' ORDER BY 1", database)
            var short: [String] = []
            var filledFromElsewhere = 0
            for organization in businesses + ngos {
                let full = try await services.matches.forOrganization(organization, options: Self.plain, by: .anonymous)
                // A business with no budget left, or at its partnership limit, is vetoed everywhere:
                // its list is empty by design, with no list to fill.
                if full.items.isEmpty, businesses.contains(organization) { continue }
                if full.items.count < 10 { short.append("\(organization): \(full.items.count)") }
                var local = Self.plain
                local.scope = .local
                let nearby = try await services.matches.forOrganization(organization, options: local, by: .anonymous)
                #expect(nearby.items.count <= full.items.count)
                let reasons = full.items.flatMap { $0.match.directions.flatMap(\.components).map(\.reason) }
                if full.items.count > nearby.items.count {
                    filledFromElsewhere += 1
                    #expect(reasons.contains(.differentRegion), "a list filled from elsewhere says so")
                }
            }
            #expect(short.isEmpty, "lists shorter than 10: \(short.prefix(10))")
            #expect(filledFromElsewhere > 0, "some lists needed filling, or this test proves nothing")
        }
    }

    @Test func aLocalListOffersOnlyProjectsWhereTheBusinessWorks() async throws {
        try await TestDatabase.with(demo: true) { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let businesses = try await database.pool.withConnection { connection in
                try connection.query("SELECT id, regions FROM organizations WHERE kind = 'business' AND NOT nationwide AND active ORDER BY id LIMIT 20")
                    .rows.map { (try $0.decode(UUID.self, at: 0), try $0.decode([String].self, at: 1)) }
            }
            var local = Self.plain
            local.scope = .local
            for (business, regions) in businesses {
                let tops = Set(regions.map(KATO.topLevel))
                for item in try await services.matches.forOrganization(business, options: local, by: .anonymous).items {
                    guard case .project(let project) = item.item else { Issue.record("not a project"); continue }
                    #expect(!tops.isDisjoint(with: project.profile.regions.map(KATO.topLevel)))
                }
            }
        }
    }
}

@Suite struct MatchEvaluationTests {
    @Test func recallCountsProposalsWhosePartnerIsInTheTopK() async throws {
        try await TestDatabase.with(demo: true) { database in
            let evaluation = MatchEvaluation(
                repository: MatchRepository(pool: database.pool), index: LiveCandidateIndex(repository: MatchIndexRepository(pool: database.pool)),
                reference: ReferenceData(repository: ReferenceRepository(pool: database.pool)), partnerships: PartnershipRepository(pool: database.pool)
            )
            let proposed = try await database.pool.withConnection { connection in
                try connection.query("SELECT count(*) FROM partnerships WHERE proposed_by = ngo_id").rows[0].decode(Int.self, at: 0)
            }
            let one = try await evaluation.run(k: 1)
            let ten = try await evaluation.run(k: 10)
            let fifty = try await evaluation.run(k: 50)
            #expect(ten.proposals == proposed && proposed > 20)
            #expect(ten.recalls.count == MatchEvaluation.variants.count)
            for (index, recall) in ten.recalls.enumerated() {
                // A longer list can only hold more of the partners people chose.
                #expect(one.recalls[index].sponsors <= recall.sponsors && recall.sponsors <= fifty.recalls[index].sponsors, "\(recall.variant)")
                #expect(one.recalls[index].governmentBodies <= recall.governmentBodies, "\(recall.variant)")
                #expect((0...1).contains(recall.sponsors) && (0...1).contains(recall.governmentBodies))
            }
            // The demo's partnerships pair projects with sponsors and akimats that suit them.
            let configured = try #require(ten.recalls.first)
            #expect(configured.sponsors > 0 && configured.governmentBodies > 0.5, "\(configured)")
        }
    }
}

@Suite struct DismissedCandidateTests {
    @Test func aDismissedSponsorLeavesTheNGOsListsUntilTakenBack() async throws {
        try await TestDatabase.with(demo: true) { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let (project, ngo) = try await database.pool.withConnection { connection in
                let row = try connection.query("SELECT id, organization_id FROM projects WHERE status = 'open' ORDER BY id LIMIT 1").rows[0]
                return (try row.decode(UUID.self, at: 0), try row.decode(UUID.self, at: 1))
            }
            func sponsors() async throws -> [UUID] {
                try await services.matches.partners(forProject: project, kind: .business, options: MatchListTests.plain, by: .anonymous).items
                    .compactMap { if case .partner(let sponsor) = $0.item { sponsor.profile.id } else { nil } }
            }
            func triples() async throws -> [UUID] {
                try await services.matches.triples(forProject: project, options: MatchListTests.plain, by: .anonymous).items
                    .compactMap { if case .triple(let sponsor, _) = $0.item { sponsor.profile.id } else { nil } }
            }
            let before = try await sponsors()
            let first = try #require(before.first)
            #expect(try await triples().contains(first))
            _ = try await services.dismissals.dismiss(first, for: ngo, reason: "We work with them already.", by: .admin)
            let after = try await sponsors()
            let afterTriples = try await triples()
            #expect(!after.contains(first) && !afterTriples.contains(first))
            // The list stays full: the next candidate moves up.
            #expect(after.count == before.count)
            try await services.dismissals.undo(first, for: ngo, by: .admin)
            #expect(try await sponsors().first == first)
        }
    }
}
