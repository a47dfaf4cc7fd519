import Domain
import Foundation
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Publishing a call's results against PostgreSQL: winners become approved partnerships with the
/// state and the co-funders as funders, pledges settle, budgets hold under concurrent awards.
@Suite struct CallAwardTests {
    /// The review world with both applications scored by two reviewers and the call past its
    /// review dates, so an allocation can be computed.
    static func reviewed(_ database: TestDatabase, stateBudgetKZT: Int64, pledgeKZT: Int64 = 5_000_000) async throws -> CallReviewTests.World {
        let world = try await CallReviewTests.world(database, stateBudgetKZT: stateBudgetKZT, pledgeKZT: pledgeKZT)
        let calls = world.services.calls
        let akimat = try #require(world.access.identities["government_inside"])
        for email in ["expert@review.example.kz", "akimat@review.example.kz"] { _ = try await calls.addReviewer(to: world.call.id, email: email, by: akimat) }
        world.services.clock.advance(by: 31 * 86_400)
        for application in [world.inclusion, world.sport] {
            let reviewers = [world.people["expert"]!, world.people["akimat"]!]
            for reviewer in reviewers { _ = try await calls.assign(application, to: reviewer, by: akimat) }
            for reviewer in reviewers {
                _ = try await calls.submitReview(of: application, scores: [application == world.inclusion ? 5 : 4], comment: "", reviewer: reviewer)
            }
        }
        return world
    }

    @Test func winnersBecomeApprovedPartnershipsWithTheStateAndTheCoFundersAsFunders() async throws {
        try await TestDatabase.with { database in
            // The state has 2M; the business pledged 5M earmarked to inclusion; each application asks 2M.
            let world = try await Self.reviewed(database, stateBudgetKZT: 2_000_000)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            await #expect(throws: DomainError.conflict(code: "not_allocated", message: "Compute the allocation and check it before publishing the results.")) {
                world.services.clock.advance(by: 30 * 86_400)
                _ = try await calls.award(world.call.id, checked: nil, publisher: nil, by: akimat)
            }
            let allocation = try await calls.allocate(world.call.id, by: akimat)
            #expect(allocation.unfunded.isEmpty, "4M for two asks of 2M, the business's only for inclusion")
            await #expect(throws: DomainError.self, "another body") {
                _ = try await calls.award(world.call.id, checked: nil, publisher: nil, by: try #require(world.access.identities["government_outside"]))
            }
            await #expect(throws: DomainError.conflict(code: "allocation_changed", message: "The allocation was computed again since you checked it: check it again.")) {
                _ = try await calls.award(world.call.id, checked: allocation.computedAt - 1, publisher: nil, by: akimat)
            }
            let budgetBefore = try await world.services.partnerships.budget(of: world.access.business, by: .admin)
            let award = try await calls.award(world.call.id, checked: allocation.computedAt, publisher: world.people["akimat"], by: akimat)
            #expect(Set(award.partnerships.keys) == [world.inclusion, world.sport])

            for (application, partnershipID) in award.partnerships {
                let partnership = try await world.services.partnerships.find(partnershipID, by: .admin)
                #expect(partnership.state == .approved && partnership.businessID == nil && partnership.callID == world.call.id)
                #expect(partnership.ngoID == world.access.ngo && partnership.governmentBodyID == world.access.akimatInside)
                #expect(partnership.pledgeKZT == 2_000_000 && partnership.funders.reduce(0) { $0 + $1.amountKZT } == 2_000_000)
                let grants = allocation.grants.filter { $0.applicationID == application }
                #expect(Set(partnership.funders.map(\.organizationID)) == Set(grants.map(\.funderID)))
                if application == world.sport {
                    #expect(partnership.funders == [PartnershipFunder(organizationID: world.access.akimatInside, role: .state, amountKZT: 2_000_000)])
                }
            }
            // The business's pledge is settled: only what the award took of it counts now.
            let businessShare = allocation.grants.filter { $0.funderID == world.access.business }.reduce(0) { $0 + $1.amountKZT }
            let budgetAfter = try await world.services.partnerships.budget(of: world.access.business, by: .admin)
            #expect(budgetBefore.committedKZT == 5_000_000 && budgetAfter.committedKZT == businessShare)
            let unsettled = try await database.pool.withConnection { connection in
                try connection.query("SELECT count(*)::int FROM call_pledges WHERE call_id = $1 AND settled_at IS NULL", [world.call.id]).first?.decode(Int.self, at: 0)
            }
            #expect(unsettled == 0)
            // An award is nobody's proposal: the NGO's and the body's response rates do not count it.
            let received = try await database.pool.withConnection { connection in
                try connection.query(
                    "SELECT coalesce(sum(proposals_received), 0)::int FROM partnership_stats WHERE subject_id = ANY ($1::uuid[])",
                    [[world.access.ngo, world.access.akimatInside]]
                ).first?.decode(Int.self, at: 0)
            }
            #expect(received == 0)

            // Every party sees it: the NGO, the body, and the co-funder as a sponsor (when it pays a share).
            let business = try #require(world.access.identities["business"])
            let sponsored = try await world.services.partnerships.list(state: nil, limit: 50, by: business).filter { $0.callID == world.call.id }
            #expect(sponsored.count == (businessShare > 0 ? 1 : 0))
            #expect(try await world.services.partnerships.list(state: nil, limit: 50, by: try #require(world.access.identities["ngo"])).filter { $0.callID == world.call.id }.count == 2)
            #expect(try await calls.find(world.call.id, by: .anonymous).state == .awarded)
            #expect(try await calls.awardedPartnerships(of: world.call.id, by: .anonymous) == award.partnerships)

            // Once awarded: not again, and no new allocation.
            await #expect(throws: DomainError.self) { _ = try await calls.award(world.call.id, checked: nil, publisher: nil, by: akimat) }
            await #expect(throws: DomainError.self) { _ = try await calls.allocate(world.call.id, by: akimat) }

            // The award is a partnership event: the trail starts with it, and the NGO may start the work.
            let sport = try #require(award.partnerships[world.sport])
            #expect(try await world.services.partnerships.events(of: sport, by: .admin).map(\.action) == ["award"])
            let started = try await world.services.partnerships.perform(.activate, on: sport, comment: nil, ifMatch: nil, by: try #require(world.access.identities["ngo"]))
            #expect(started.state == .active)
            // A co-funder starts the work on an award it pays for, but does not cancel the state's grant.
            if let shared = sponsored.first {
                await #expect(throws: DomainError.self) {
                    _ = try await world.services.partnerships.perform(.cancel, on: shared.id, comment: "Changed our mind.", ifMatch: nil, by: business)
                }
                #expect(try await world.services.partnerships.partyView(shared.id, by: business).actions.contains(.activate))
                // What was disbursed counts on the co-funder's budget page in proportion to its share.
                let ngo = try #require(world.access.identities["ngo"])
                _ = try await world.services.partnerships.perform(.activate, on: shared.id, comment: nil, ifMatch: nil, by: business)
                _ = try await world.services.partnerships.report(
                    shared.id, ReportDraft(amountDisbursedKZT: 1_000_000, beneficiariesReached: 12, text: "Half the grant spent on ramps."), ifMatch: nil, by: ngo
                )
                let share = try #require(shared.funders.first { $0.organizationID == world.access.business }).amountKZT
                let disbursed = try await world.services.partnerships.budget(of: world.access.business, by: .admin).disbursedKZT
                #expect(disbursed == (1_000_000 * share + 1_000_000) / 2_000_000, "\(disbursed) of a 1M disbursement where the business pays \(share) of 2M")
                // The sponsor's dashboard counts the same share: of the money pledged and of what was disbursed.
                let dashboard = try await world.services.dashboards.dashboard(
                    DashboardFilter(sponsor: world.access.business), placeField: "place", focusAreaField: "focus_area", by: .anonymous
                )
                #expect(dashboard.total.pledgedKZT == share && dashboard.total.disbursedKZT == disbursed && dashboard.total.beneficiariesReached == 12)
                // A funding round places no money again on a project the business co-funds.
                let pairs = try await RoundRepository(pool: database.pool).partneredPairs(projects: [shared.projectID], sponsors: [world.access.business])
                #expect(pairs == [ProjectSponsorPair(project: shared.projectID, sponsor: world.access.business)])
            }
        }
    }

    @Test func aCoFunderPayingPartOfAnAwardCountsOnlyItsShare() async throws {
        try await TestDatabase.with { database in
            // The state has 3M and the business pledged 1M to inclusion; each application asks 2M, so
            // both are funded only when the business pays half of inclusion's grant and the state the rest.
            let world = try await Self.reviewed(database, stateBudgetKZT: 3_000_000, pledgeKZT: 1_000_000)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            world.services.clock.advance(by: 30 * 86_400)
            let allocation = try await calls.allocate(world.call.id, by: akimat)
            let award = try await calls.award(world.call.id, checked: allocation.computedAt, publisher: nil, by: akimat)
            let inclusion = try await world.services.partnerships.find(try #require(award.partnerships[world.inclusion]), by: .admin)
            let shares = Dictionary(uniqueKeysWithValues: inclusion.funders.map { ($0.organizationID, $0.amountKZT) })
            #expect(shares == [world.access.business: 1_000_000, world.access.akimatInside: 1_000_000])

            let business = try #require(world.access.identities["business"])
            let ngo = try #require(world.access.identities["ngo"])
            _ = try await world.services.partnerships.perform(.activate, on: inclusion.id, comment: nil, ifMatch: nil, by: business)
            _ = try await world.services.partnerships.report(
                inclusion.id, ReportDraft(amountDisbursedKZT: 600_000, beneficiariesReached: 9, text: "Ramps at two schools."), ifMatch: nil, by: ngo
            )
            // Its budget and its dashboard count half: of the pledge and of what was disbursed.
            let budget = try await world.services.partnerships.budget(of: world.access.business, by: .admin)
            #expect(budget.committedKZT == 1_000_000 && budget.disbursedKZT == 300_000)
            let dashboard = try await world.services.dashboards.dashboard(
                DashboardFilter(sponsor: world.access.business), placeField: "place", focusAreaField: "focus_area", by: .anonymous
            )
            #expect(dashboard.total.pledgedKZT == 1_000_000 && dashboard.total.disbursedKZT == 300_000 && dashboard.total.beneficiariesReached == 9)
            // The region's dashboard, for no sponsor, counts the whole grant once.
            let everyone = try await world.services.dashboards.dashboard(DashboardFilter(), placeField: "place", focusAreaField: "focus_area", by: .anonymous)
            #expect(everyone.total.pledgedKZT == 4_000_000 && everyone.total.disbursedKZT == 600_000)
        }
    }

    @Test func aChangeSinceTheAllocationAsksForItAgain() async throws {
        try await TestDatabase.with { database in
            let world = try await Self.reviewed(database, stateBudgetKZT: 2_000_000)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            world.services.clock.advance(by: 30 * 86_400)
            _ = try await calls.allocate(world.call.id, by: akimat)
            // The NGO is no longer verified: the stored allocation funds what would now be ineligible.
            _ = try await OrganizationRepository(pool: database.pool).setVerification(world.access.ngo, to: .unverified)
            await #expect(throws: DomainError.conflict(code: "allocation_changed", message: "Applications, scores or pledges changed since the allocation was computed: compute it again and check it.")) {
                _ = try await calls.award(world.call.id, checked: nil, publisher: nil, by: akimat)
            }
            let again = try await calls.allocate(world.call.id, by: akimat)
            #expect(again.grants.isEmpty)
            let award = try await calls.award(world.call.id, checked: again.computedAt, publisher: nil, by: akimat)
            #expect(award.partnerships.isEmpty, "nothing funded, results published all the same")
        }
    }

    /// Awards of calls the same business co-funds, run at once with new pledges of that business
    /// to another call: no budget is exceeded, no award pays more than a pledge, nothing deadlocks.
    @Test func concurrentAwardsExceedNoBudgetOrPledge() async throws {
        try await TestDatabase.with { database in
            let access = try await AccessWorld.build(pool: database.pool)
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let akimat = try #require(access.identities["government_inside"])
            let ngo = try #require(access.identities["ngo"])
            let budget = try #require(try await services.partnerships.budget(of: access.business, by: .admin).declaredKZT)
            let reviewer = try await services.accounts.createPerson(
                .init(email: "award-reviewer@example.kz", name: "Reviewer", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin
            ).id
            let second = try await services.accounts.createPerson(
                .init(email: "award-second@example.kz", name: "Second", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin
            ).id
            // Four calls, each with a pledge of a fifth of the budget and two 1M applications funded
            // only by it (no state money).
            var awardable: [UUID] = []
            for index in 0..<4 {
                var terms = CallServiceTests.terms(eligibility: CallEligibility(verifiedOnly: false, territoryOnly: false, minYearsActive: 0, noOverdueReports: false))
                terms.stateBudgetKZT = 0
                terms.minGrantKZT = 500_000
                let call = try await services.calls.publish(try await services.calls.create(terms, governmentBodyID: nil, by: akimat).id, ifMatch: nil, by: akimat)
                _ = try await services.calls.pledge(to: call.id, amountKZT: budget / 5, focusAreas: [], places: [], businessID: access.business, by: .admin)
                for person in ["award-reviewer@example.kz", "award-second@example.kz"] { _ = try await services.calls.addReviewer(to: call.id, email: person, by: akimat) }
                for project in 0..<2 {
                    var draft = ProjectDraft(organizationID: access.ngo, title: LocalizedText(ru: "Проект \(index)-\(project)"), fundingNeededKZT: 1_000_000, durationMonths: 6)
                    draft.regions = ["550000000"]
                    draft.focusAreas = ["inclusion"]
                    draft.status = .open
                    let id = try await ProjectRepository(pool: database.pool).create(draft).id
                    let application = try await services.calls.apply(to: call.id, CallApplicationDraft(projectID: id, amountKZT: 1_000_000, answers: ["Да."]), by: ngo)
                    _ = try await services.calls.submit(application.id, ifMatch: nil, by: ngo)
                }
                awardable.append(call.id)
            }
            // A fifth call stays open for pledges while the others are awarded.
            var open = CallServiceTests.terms(eligibility: CallEligibility(verifiedOnly: false, territoryOnly: false, minYearsActive: 0, noOverdueReports: false))
            open.opensAt = services.clock.now() - 86_400
            open.closesAt = services.clock.now() + 200 * 86_400
            open.reviewsDueAt = open.closesAt
            open.resultsAt = open.closesAt + 86_400
            let openCall = try await services.calls.publish(try await services.calls.create(open, governmentBodyID: nil, by: akimat).id, ifMatch: nil, by: akimat)

            services.clock.advance(by: 31 * 86_400)
            for call in awardable {
                for application in try await services.calls.applications(of: call, by: akimat) {
                    for person in [reviewer, second] { _ = try await services.calls.assign(application.id, to: person, by: akimat) }
                    for person in [reviewer, second] { _ = try await services.calls.submitReview(of: application.id, scores: [5], comment: "", reviewer: person) }
                }
            }
            services.clock.advance(by: 30 * 86_400)
            for call in awardable { _ = try await services.calls.allocate(call, by: akimat) }

            // The awards and ten pledges of a tenth of the budget each, all at once: the awards free
            // what they do not take, so some pledges may pass only after them; none may overrun.
            let results = await withTaskGroup(of: String.self) { group in
                for call in awardable {
                    group.addTask {
                        do { _ = try await services.calls.award(call, checked: nil, publisher: nil, by: akimat); return "awarded" } catch { return "award failed: \(error)" }
                    }
                }
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await services.calls.pledge(to: openCall.id, amountKZT: budget / 10, focusAreas: [], places: [], businessID: access.business, by: .admin)
                            return "pledged"
                        } catch DomainError.invalid, DomainError.conflict {
                            return "refused"
                        } catch { return "pledge failed: \(error)" }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == "awarded" }.count == 4, "\(results)")
            #expect(results.allSatisfy { ["awarded", "pledged", "refused"].contains($0) }, "\(results)")
            let after = try await services.partnerships.budget(of: access.business, by: .admin)
            #expect(after.committedKZT <= budget)
            // Each award took at most its call's pledge.
            let taken = try await database.pool.withConnection { connection in
                try connection.query(
                    """
                    SELECT p.call_id, sum(f.amount_kzt)::bigint FROM partnership_funders f JOIN partnerships p ON p.id = f.partnership_id
                    WHERE f.role = 'business' GROUP BY p.call_id
                    """
                ).rows.map { try $0.decode(Int64.self, at: 1) }
            }
            #expect(taken.count == 4 && taken.allSatisfy { $0 <= budget / 5 })
        }
    }

    /// The award settles every pledge to the call, used or not, while approvals of the same
    /// business's partnerships with the same NGO and body run: both take the business's row, then
    /// the stats locks, in that order, so neither waits on the other in a circle (PostgreSQL would
    /// end one of them with a deadlock error).
    @Test func anAwardAndApprovalsOfItsCoFundersPartnershipsRunTogether() async throws {
        try await TestDatabase.with { database in
            // The state's 4M pays both 2M asks, so the business's pledge may go unused.
            let world = try await Self.reviewed(database, stateBudgetKZT: 4_000_000)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            var waiting: [UUID] = []
            for _ in 0..<6 { waiting.append(try await world.access.partnership(in: .underReview, pledge: 100_000)) }
            world.services.clock.advance(by: 30 * 86_400)
            _ = try await calls.allocate(world.call.id, by: akimat)
            let services = world.services
            let results = await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do { _ = try await calls.award(world.call.id, checked: nil, publisher: nil, by: akimat); return "awarded" } catch { return "award: \(error)" }
                }
                for id in waiting {
                    group.addTask {
                        do { _ = try await services.partnerships.perform(.approve, on: id, comment: nil, ifMatch: nil, by: .admin); return "approved" }
                        catch { return "approval: \(error)" }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(results.sorted() == ["approved", "approved", "approved", "approved", "approved", "approved", "awarded"], "\(results)")
            let budget = try await services.partnerships.budget(of: world.access.business, by: .admin)
            #expect(budget.committedKZT <= budget.declaredKZT ?? 0)
            // The matching engine's view of the business's budget follows the settled pledge.
            let (stats, commitments) = try await database.pool.withConnection { connection in
                let row = try connection.query(
                    "SELECT (SELECT pledged_kzt FROM partnership_stats WHERE subject_id = $1), business_commitments_kzt($1, NULL, NULL)", [world.access.business]
                ).rows[0]
                return (try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1))
            }
            #expect(stats == commitments)
        }
    }
}
