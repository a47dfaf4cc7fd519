import DemoData
import Domain
import Foundation
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// The public portal on demo data: what it counts, and that it shows only what is public.
@Suite struct PortalServiceTests {
    private static func portal(_ pool: ConnectionPool) -> (PortalService, ReferenceData) {
        let reference = ReferenceData(repository: ReferenceRepository(pool: pool))
        let portal = PortalService(
            portal: PortalRepository(pool: pool), organizations: OrganizationRepository(pool: pool),
            projects: ProjectRepository(pool: pool), reference: reference, figuresFor: .zero
        )
        return (portal, reference)
    }

    private static func scalar<T: PostgresDecodable>(_ pool: ConnectionPool, _ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> T {
        try await pool.withConnection { try $0.query(sql, parameters).rows[0].decode(T.self, at: 0) }
    }

    @Test func homeCountsWhatIsPublic() async throws {
        try await TestDatabase.with(demo: true) { database in
            let (portal, _) = Self.portal(database.pool)
            let home = try await portal.home(by: .anonymous)
            let pool = database.pool
            #expect(home.organizationsByKind[.ngo] == (try await Self.scalar(pool, "SELECT count(*)::int FROM organizations WHERE kind = 'ngo' AND active") as Int))
            #expect(home.organizationsByKind[.business] ?? 0 > 100)
            #expect(home.openProjects == (try await Self.scalar(pool, "SELECT count(*)::int FROM projects WHERE status = 'open'") as Int))
            #expect(home.openNeedKZT == (try await Self.scalar(pool, "SELECT sum(funding_needed_kzt) FROM projects WHERE status = 'open'") as Int64))
            #expect(home.fundingPledgedKZT == (try await Self.scalar(pool, "SELECT sum(pledge_kzt) FROM partnerships WHERE state IN ('approved', 'active', 'completed')") as Int64))
            #expect(home.fundingDisbursedKZT > 0)
            #expect(home.fundingDisbursedKZT == (try await Self.scalar(pool, """
                SELECT sum(r.amount_disbursed_kzt) FROM partnership_reports r JOIN partnerships x ON x.id = r.partnership_id
                WHERE x.state IN ('approved', 'active', 'completed', 'cancelled')
                """) as Int64))
            for state in PartnershipState.allCases {
                #expect(home.partnershipsByStage[state] ?? 0 > 0, "demo data has a partnership that is \(state.rawValue)")
            }
            #expect(abs(home.asOf.timeIntervalSinceNow) < 60)
        }
    }

    @Test func projectPageShowsPublicPartnershipsWithTheirTrail() async throws {
        try await TestDatabase.with(demo: true) { database in
            let (portal, _) = Self.portal(database.pool)
            let pool = database.pool
            let completed: UUID = try await Self.scalar(pool, "SELECT project_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1")
            let page = try await portal.projectPage(completed, by: .anonymous)
            let partnership = try #require(page.partnerships.first { $0.state == .completed })
            #expect(page.pledgedKZT >= partnership.pledgeKZT)
            #expect(partnership.disbursedKZT == partnership.pledgeKZT, "a completed demo partnership disbursed all it pledged")
            #expect(page.disbursedKZT >= partnership.disbursedKZT)
            #expect(page.remainingKZT == max(0, page.project.fields.fundingNeededKZT - page.pledgedKZT))
            let trail = page.timeline.filter { $0.partnershipID == partnership.id }
            #expect(trail.map(\.action) == ["propose", "consent", "consent", "approve", "activate", "report", "report", "report", "complete"])
            #expect(trail.map(\.at) == trail.map(\.at).sorted())
            #expect(trail.first?.actorKind == .ngo)
            #expect(trail.first { $0.action == "approve" }?.actorKind == .governmentBody)
            #expect(trail.first { $0.action == "approve" }?.actorName == partnership.governmentBody.name)
            let reports = page.reports.filter { $0.partnershipID == partnership.id }
            #expect(reports.map(\.report.kind) == [.milestone, .milestone, .milestone, .final])
            #expect(reports.last?.report.rating != nil)
            // Signed-in callers see no more here.
            let asAdmin = try await portal.projectPage(completed, by: .admin)
            #expect(asAdmin.partnerships == page.partnerships && asAdmin.timeline == page.timeline)

            // A project whose only partnerships are before approval shows none of them.
            let unapproved: UUID = try await Self.scalar(pool, """
                SELECT project_id FROM partnerships GROUP BY project_id
                HAVING bool_and(state IN ('proposed', 'under_review', 'rejected', 'withdrawn')) ORDER BY project_id LIMIT 1
                """)
            let hidden = try await portal.projectPage(unapproved, by: .admin)
            #expect(hidden.partnerships.isEmpty && hidden.timeline.isEmpty && hidden.reports.isEmpty && hidden.pledgedKZT == 0)

            // On every project with partnerships, only those past approval show, with only their trail and reports.
            let withPartnerships = try await pool.withConnection { connection in
                try connection.query("SELECT DISTINCT project_id FROM partnerships").rows.map { try $0.decode(UUID.self, at: 0) }
            }
            for id in withPartnerships {
                let page = try await portal.projectPage(id, by: .anonymous)
                let shown = Set(page.partnerships.map(\.id))
                #expect(page.partnerships.allSatisfy { $0.state.isPublic })
                #expect(Set(page.timeline.map(\.partnershipID)).isSubset(of: shown) && Set(page.reports.map(\.partnershipID)).isSubset(of: shown))
            }

            let draft: UUID = try await Self.scalar(pool, "SELECT id FROM projects WHERE status = 'draft' ORDER BY id LIMIT 1")
            for caller in [Caller.anonymous, .admin] {
                await #expect(throws: DomainError.notFound(resource: "project")) { try await portal.projectPage(draft, by: caller) }
            }
        }
    }

    @Test func profileShowsRegistryFactsFundingAndReportsButNoContactsOrDrafts() async throws {
        try await TestDatabase.with(demo: true) { database in
            let (portal, _) = Self.portal(database.pool)
            let pool = database.pool
            let kamkor: UUID = try await Self.scalar(pool, "SELECT id FROM organizations WHERE name_en LIKE '%Kamkor%'")
            let profile = try await portal.organizationProfile(kamkor, by: .anonymous)
            #expect(profile.organization.fields.contactEmail == nil && profile.organization.fields.contactPhone == nil)
            #expect(profile.legalForm?.code == profile.organization.fields.legalForm)
            #expect(profile.places.map(\.kato) == ["550000000"])
            #expect(!profile.projects.isEmpty)
            #expect(!profile.partnerships.isEmpty && profile.partnerships.allSatisfy { $0.state.isPublic })
            let pledged = profile.partnerships.filter { $0.state != .cancelled }.reduce(Int64(0)) { $0 + $1.pledgeKZT }
            #expect(profile.fundingByYear.filter { $0.role == .ngo }.reduce(Int64(0)) { $0 + $1.pledgedKZT } == pledged)
            #expect(profile.fundingByYear.allSatisfy { $0.role == .ngo })
            #expect(!profile.reports.isEmpty)

            // A sponsor's profile counts what it gave; an NGO with a draft does not show it.
            let sponsor: UUID = try await Self.scalar(pool, "SELECT business_id FROM partnerships WHERE state = 'completed' ORDER BY id LIMIT 1")
            let given = try await portal.organizationProfile(sponsor, by: .anonymous)
            #expect(given.fundingByYear.contains { $0.role == .business && $0.pledgedKZT > 0 && $0.disbursedKZT > 0 })
            #expect(given.projects.isEmpty)
            let withDraft: UUID = try await Self.scalar(pool, "SELECT organization_id FROM projects WHERE status = 'draft' ORDER BY id LIMIT 1")
            let ngo = try await portal.organizationProfile(withDraft, by: .admin)
            #expect(ngo.projects.allSatisfy { $0.fields.status != .draft })
            #expect(ngo.organization.fields.contactEmail == nil, "not even for an admin: the portal is the public view")

            // A body whose jurisdiction is among its places lists it once.
            let body: UUID = try await Self.scalar(
                pool, "SELECT id FROM organizations WHERE kind = 'government_body' AND jurisdiction = ANY (regions) ORDER BY id LIMIT 1"
            )
            let places = try await portal.organizationProfile(body, by: .anonymous).places.map(\.kato)
            #expect(places.count == Set(places).count && !places.isEmpty, "\(places)")
        }
    }

    @Test func regionsAndDistrictsCountProjectsInDistrictsTowardTheirRegion() async throws {
        try await TestDatabase.with(demo: true) { database in
            let (portal, reference) = Self.portal(database.pool)
            let pool = database.pool
            let overview = try await portal.regions(.openNeed, by: .anonymous)
            #expect(overview.regions.count == 20)
            let almatyNeed: Int64 = try await Self.scalar(pool, """
                SELECT coalesce(sum(funding_needed_kzt), 0) FROM projects
                WHERE status = 'open' AND EXISTS (SELECT 1 FROM unnest(regions) r WHERE r LIKE '19%')
                """)
            #expect(overview.values["190000000"] == almatyNeed)
            #expect(try await portal.regions(.ngos, by: .anonymous).values.values.allSatisfy { $0 > 0 }, "demo NGOs work in every region")

            // The region holding the most district projects.
            let kato: String = try await Self.scalar(pool, """
                SELECT rpad(substr(regions[1], 1, 2), 9, '0') FROM projects
                WHERE status = 'open' AND kato_level(regions[1]) > 1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
                """)
            let page = try await portal.region(kato, by: .anonymous)
            let snapshot = try await reference.snapshot()
            #expect(page.districts.map(\.code) == snapshot.districts(of: kato).map(\.kato))
            #expect(page.districts.contains { $0.figures.openProjects > 0 })
            #expect(page.districts.reduce(0) { $0 + $1.figures.openProjects } <= page.totals.openProjects)
            #expect(page.totals == overview.regions.first { $0.code == kato }?.figures)
            #expect(page.focusAreas.count == snapshot.focusAreas.count)
            #expect(page.focusAreas.reduce(0) { $0 + $1.figures.openProjects } >= page.totals.openProjects)
            #expect(page.largestUnfundedNeeds.count <= 10 && !page.largestUnfundedNeeds.isEmpty)
            let remaining = page.largestUnfundedNeeds.map(\.remainingKZT)
            #expect(remaining == remaining.sorted(by: >) && remaining.allSatisfy { $0 > 0 })

            let district = try #require(page.districts.first { $0.figures.openProjects > 0 }?.code)
            await #expect(throws: DomainError.notFound(resource: "region")) { try await portal.region(district, by: .anonymous) }
            await #expect(throws: DomainError.notFound(resource: "region")) { try await portal.region("990000000", by: .anonymous) }

            // Filters take district codes, and a region's filter takes in its districts.
            #expect(try await reference.unknownCodes(region: district, focusAreas: []).isEmpty)
            let projects = ProjectService(projects: ProjectRepository(pool: pool))
            var filter = ProjectFilter()
            filter.region = district
            filter.status = .open
            let inDistrict = try await projects.list(filter, after: nil, limit: 100, by: .anonymous).items
            #expect(inDistrict.count == page.districts.first { $0.code == district }?.figures.openProjects)
            filter.region = kato
            let inRegion = Set(try await projects.list(filter, after: nil, limit: 100, by: .anonymous).items.map(\.id))
            #expect(Set(inDistrict.map(\.id)).isSubset(of: inRegion))
        }
    }

    @Test func figuresAreKeptThenRefreshedInTheBackground() async throws {
        try await TestDatabase.with(demo: true) { database in
            let reference = ReferenceData(repository: ReferenceRepository(pool: database.pool))
            let clock = TestClock()
            let portal = PortalService(
                portal: PortalRepository(pool: database.pool), organizations: OrganizationRepository(pool: database.pool),
                projects: ProjectRepository(pool: database.pool), reference: reference, figuresFor: .seconds(30),
                seconds: { clock.now.timeIntervalSinceReferenceDate }
            )
            let first = try await portal.home(by: .anonymous)
            try await database.pool.withConnection { connection in
                try connection.execute("UPDATE projects SET status = 'open' WHERE id = (SELECT id FROM projects WHERE status = 'draft' ORDER BY id LIMIT 1)")
            }
            clock.advance(29)
            #expect(try await portal.home(by: .anonymous) == first, "kept within its lifetime")
            clock.advance(2)
            #expect(try await portal.home(by: .anonymous) == first, "past it, answered at once while a refresh runs")
            // The refresh runs in the background; on a busy machine it may take a while.
            var fresh = first
            for _ in 0..<400 where fresh == first {
                try await Task.sleep(for: .milliseconds(50))
                fresh = try await portal.home(by: .anonymous)
            }
            #expect(fresh.openProjects == first.openProjects + 1 && fresh.asOf > first.asOf)
        }
    }
}
