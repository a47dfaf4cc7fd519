import Domain
import Foundation
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Calls for proposals against PostgreSQL: who issues and reads them, pledges held to the
/// business's budget with its partnerships (concurrently too), applications and every eligibility
/// rule at submission.
@Suite struct CallServiceTests {
    struct World {
        let access: AccessWorld
        let services: Services
        var calls: CallService { services.calls }
        func caller(_ name: String) throws -> Caller { try #require(access.identities[name]) }
    }

    func withWorld(_ body: @Sendable (World) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let access = try await AccessWorld.build(pool: database.pool)
            try await body(World(access: access, services: Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)))
        }
    }

    /// Open since yesterday for a month, in Pavlodar Region.
    static func terms(territory: String? = "550000000", eligibility: CallEligibility = CallEligibility(), now: Date = Date()) -> CallTerms {
        CallTerms(
            title: LocalizedText(ru: "Инклюзивные школы"), focusAreas: ["inclusion", "education"], territory: territory,
            stateBudgetKZT: 50_000_000, minGrantKZT: 1_000_000, maxGrantKZT: 20_000_000, eligibility: eligibility, passMark: 60,
            opensAt: now - 86_400, closesAt: now + 30 * 86_400, reviewsDueAt: now + 45 * 86_400, resultsAt: now + 60 * 86_400,
            questions: [CallQuestion(text: LocalizedText(ru: "Кому поможет проект?"))],
            criteria: [CallCriterion(name: LocalizedText(ru: "Потребность"), weight: 2, scaleMax: 5)]
        )
    }

    func publishedCall(_ world: World, _ terms: CallTerms = Self.terms()) async throws -> Call {
        let draft = try await world.calls.create(terms, governmentBodyID: nil, by: try world.caller("government_inside"))
        return try await world.calls.publish(draft.id, ifMatch: [draft.version], by: try world.caller("government_inside"))
    }

    @Test func aGovernmentBodyIssuesCallsOnlyInItsJurisdictionAndItsDraftsStayItsOwn() async throws {
        try await withWorld { world in
            let inside = try world.caller("government_inside")
            let draft = try await world.calls.create(Self.terms(territory: "551600000"), governmentBodyID: nil, by: inside)
            #expect(draft.state == .draft && draft.governmentBodyID == world.access.akimatInside)
            await #expect(throws: DomainError.notFound(resource: "call")) { _ = try await world.calls.find(draft.id, by: try world.caller("ngo")) }
            #expect(try await world.calls.list(governmentBodyID: nil, limit: 10, by: .anonymous).isEmpty)
            #expect(try await world.calls.list(governmentBodyID: nil, limit: 10, by: inside).map(\.id) == [draft.id])

            for (terms, field) in [(Self.terms(territory: "750000000"), "territory"), (Self.terms(territory: nil), "territory"), (Self.terms(territory: "999999999"), "territory")] {
                do {
                    _ = try await world.calls.create(terms, governmentBodyID: nil, by: inside)
                    Issue.record("\(terms.territory ?? "nationwide") was accepted")
                } catch DomainError.invalid(let issues) {
                    #expect(issues.map(\.field).contains(field))
                }
            }
            for refused in ["business", "ngo", "government_inside_viewer"] {
                await #expect(throws: DomainError.self, "\(refused) issued a call") {
                    _ = try await world.calls.create(Self.terms(), governmentBodyID: nil, by: try world.caller(refused))
                }
            }
            await #expect(throws: DomainError.unauthenticated) { _ = try await world.calls.create(Self.terms(), governmentBodyID: nil, by: .anonymous) }

            let published = try await world.calls.publish(draft.id, ifMatch: [draft.version], by: inside)
            #expect(published.state == .published && published.phase(at: Date()) == .open)
            #expect(try await world.calls.find(draft.id, by: .anonymous).id == draft.id)
            await #expect(throws: DomainError.self, "terms change after publication") {
                _ = try await world.calls.update(draft.id, to: Self.terms(), ifMatch: nil, by: inside)
            }
            await #expect(throws: DomainError.self, "another body publishes it") {
                _ = try await world.calls.publish(draft.id, ifMatch: nil, by: try world.caller("government_outside"))
            }
        }
    }

    @Test func pledgesCountAgainstTheBudgetWithPartnershipsAndNeverExceedItTogether() async throws {
        try await withWorld { world in
            let call = try await publishedCall(world)
            let business = try world.caller("business")
            // The business declared 1,000M; an approved partnership holds 400M of it.
            _ = try await world.access.partnership(in: .approved, pledge: 400_000_000)
            let pledge = try await world.calls.pledge(
                to: call.id, amountKZT: 500_000_000, focusAreas: ["inclusion"], places: ["551600000"], businessID: nil, by: business
            )
            #expect(pledge.earmarkFocusAreas == ["inclusion"] && pledge.earmarkPlaces == ["551600000"])
            #expect(try await PartnershipRepository(pool: world.access.pool).budget(of: world.access.business)?.committedKZT == 900_000_000)
            do {
                _ = try await world.calls.pledge(to: call.id, amountKZT: 100_000_001, focusAreas: [], places: [], businessID: nil, by: business)
                Issue.record("a pledge beyond the budget was taken")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.code) == ["over_budget"])
                #expect(issues.first?.message.contains("100000000 KZT") == true, "\(issues)")
            }
            // Neither can a partnership be approved beyond it, nor the budget lowered below both.
            await #expect(throws: DomainError.self) { _ = try await world.access.partnership(in: .approved, pledge: 100_000_001) }
            let organizations = OrganizationRepository(pool: world.access.pool)
            await #expect(throws: DomainError.self) {
                _ = try await organizations.update(world.access.business) { $0.annualCSRBudgetKZT = 899_999_999 }
            }
            // Withdrawn, it frees its money.
            _ = try await world.calls.withdrawPledge(pledge.id, by: business)
            _ = try await world.calls.pledge(to: call.id, amountKZT: 600_000_000, focusAreas: [], places: [], businessID: nil, by: business)

            // Earmarks outside the call are refused beside their fields; only businesses pledge.
            do {
                _ = try await world.calls.pledge(to: call.id, amountKZT: 1, focusAreas: ["sport"], places: ["750000000"], businessID: nil, by: business)
                Issue.record("earmarks outside the call were taken")
            } catch DomainError.invalid(let issues) {
                #expect(Set(issues.map(\.field)) == ["earmark_focus_areas[0]", "earmark_places[0]"])
            }
            await #expect(throws: DomainError.self) {
                _ = try await world.calls.pledge(to: call.id, amountKZT: 1, focusAreas: [], places: [], businessID: nil, by: try world.caller("ngo"))
            }
        }
    }

    @Test func concurrentPledgesNeverTogetherPassTheBudget() async throws {
        try await withWorld { world in
            let call = try await publishedCall(world)
            let business = try world.caller("business")
            let calls = world.calls
            // Twenty pledges of 100M race for a budget of 1,000M: exactly ten are taken.
            let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await calls.pledge(to: call.id, amountKZT: 100_000_000, focusAreas: [], places: [], businessID: nil, by: business)
                            return true
                        } catch DomainError.invalid {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(taken == 10)
            let total = try await calls.pledges(of: call.id, by: .anonymous).reduce(Int64(0)) { $0 + $1.amountKZT }
            #expect(total == 1_000_000_000)
        }
    }

    @Test func anApplicationIsADraftUntilSubmittedAndEditableUntilTheCallCloses() async throws {
        try await withWorld { world in
            let call = try await publishedCall(world)
            let ngo = try world.caller("ngo")
            let project = try await world.access.openProject()
            var draft = CallApplicationDraft(projectID: project, amountKZT: 5_000_000)
            let application = try await world.calls.apply(to: call.id, draft, by: ngo)
            #expect(application.state == .draft)
            // Not yet answered: submitting names the question.
            do {
                _ = try await world.calls.submit(application.id, ifMatch: nil, by: ngo)
                Issue.record("an unanswered application was submitted")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.field) == ["answers[0]"])
            }
            draft.answers = ["Детям с ОВЗ в Павлодаре."]
            draft.framework = ResultsFramework(indicators: [Indicator(name: "Children enrolled", unit: "children", baseline: 0, target: 40)])
            let edited = try await world.calls.updateApplication(application.id, to: draft, ifMatch: [application.version], by: ngo)
            #expect(edited.draft.answers == draft.answers && edited.draft.framework.indicators.count == 1)
            await #expect(throws: DomainError.preconditionFailed(currentVersion: edited.version)) {
                _ = try await world.calls.updateApplication(application.id, to: draft, ifMatch: [application.version], by: ngo)
            }
            let submitted = try await world.calls.submit(application.id, ifMatch: [edited.version], by: ngo)
            #expect(submitted.state == .submitted && submitted.submittedAt != nil)

            // The call's body reads it; another body and the business do not.
            #expect(try await world.calls.applications(of: call.id, by: try world.caller("government_inside")).map(\.id) == [application.id])
            for stranger in ["government_outside", "business"] {
                await #expect(throws: DomainError.notFound(resource: "application")) {
                    _ = try await world.calls.application(application.id, by: try world.caller(stranger))
                }
            }
            // One application per project; the amount within the call's limits; only the NGO's own projects.
            await #expect(throws: DomainError.self) { _ = try await world.calls.apply(to: call.id, draft, by: ngo) }
            do {
                _ = try await world.calls.apply(to: call.id, CallApplicationDraft(projectID: try await world.access.openProject(), amountKZT: 30_000_000), by: ngo)
                Issue.record("an amount beyond the largest grant was taken")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.field) == ["amount_kzt"])
            }
            await #expect(throws: DomainError.self, "a business applied") {
                _ = try await world.calls.apply(to: call.id, draft, by: try world.caller("business"))
            }

            // A draft withdrawn unsubmitted stays the NGO's own; the project may apply again.
            let second = try await world.access.openProject()
            let unsent = try await world.calls.apply(to: call.id, CallApplicationDraft(projectID: second, amountKZT: 2_000_000), by: ngo)
            _ = try await world.calls.withdrawApplication(unsent.id, by: ngo)
            await #expect(throws: DomainError.notFound(resource: "application")) {
                _ = try await world.calls.application(unsent.id, by: try world.caller("government_inside"))
            }
            #expect(try await world.calls.apply(to: call.id, CallApplicationDraft(projectID: second, amountKZT: 2_000_000), by: ngo).state == .draft)

            // Once the call closes, nothing changes.
            world.services.clock.advance(by: 31 * 86_400)
            await #expect(throws: DomainError.self) { _ = try await world.calls.updateApplication(application.id, to: draft, ifMatch: nil, by: ngo) }
            await #expect(throws: DomainError.self) { _ = try await world.calls.withdrawApplication(application.id, by: ngo) }
        }
    }

    @Test func submittingNamesEveryEligibilityRuleTheNGOFails() async throws {
        try await withWorld { world in
            let ngo = try world.caller("ngo")
            let pool = world.access.pool
            func submit(_ eligibility: CallEligibility, territory: String = "550000000") async throws -> [String] {
                let call = try await publishedCall(world, Self.terms(territory: territory, eligibility: eligibility, now: world.services.clock.now()))
                let project = try await world.access.openProject()
                let application = try await world.calls.apply(to: call.id, CallApplicationDraft(projectID: project, amountKZT: 2_000_000, answers: ["Да."]), by: ngo)
                do {
                    _ = try await world.calls.submit(application.id, ifMatch: nil, by: ngo)
                    return []
                } catch DomainError.invalid(let issues) {
                    return issues.map(\.field)
                }
            }
            let onlyAge = CallEligibility(verifiedOnly: false, territoryOnly: false, minYearsActive: 5, noOverdueReports: false)
            // The NGO gives no founding year, then a recent one, then an old enough one.
            #expect(try await submit(onlyAge) == ["eligibility.years_active"])
            try await pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2024 WHERE id = $1", [world.access.ngo]) }
            #expect(try await submit(onlyAge) == ["eligibility.years_active"])
            try await pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2010 WHERE id = $1", [world.access.ngo]) }
            #expect(try await submit(onlyAge) == [])

            let onlyTerritory = CallEligibility(verifiedOnly: false, territoryOnly: true, minYearsActive: 0, noOverdueReports: false)
            #expect(try await submit(onlyTerritory) == [])
            #expect(try await submit(onlyTerritory, territory: "551600000") == [], "region-wide project in a district's call: it covers the district")
            let otherBody = try await world.calls.create(Self.terms(territory: "750000000", eligibility: onlyTerritory), governmentBodyID: nil, by: try world.caller("government_outside"))
            let almaty = try await world.calls.publish(otherBody.id, ifMatch: nil, by: try world.caller("government_outside"))
            let elsewhere = try await world.calls.apply(to: almaty.id, CallApplicationDraft(projectID: try await world.access.openProject(), amountKZT: 2_000_000, answers: ["Да."]), by: ngo)
            do {
                _ = try await world.calls.submit(elsewhere.id, ifMatch: nil, by: ngo)
                Issue.record("an NGO of Pavlodar submitted to Almaty's call")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.field) == ["eligibility.territory"])
            }

            let onlyReports = CallEligibility(verifiedOnly: false, territoryOnly: false, minYearsActive: 0, noOverdueReports: true)
            _ = try await world.access.partnership(in: .active)
            #expect(try await submit(onlyReports) == [], "its first report is not due yet")
            world.services.clock.advance(by: 105 * 86_400)
            #expect(try await submit(onlyReports) == ["eligibility.overdue_reports"])

            let onlyVerified = CallEligibility(verifiedOnly: true, territoryOnly: false, minYearsActive: 0, noOverdueReports: false)
            _ = try await OrganizationRepository(pool: pool).setVerification(world.access.ngo, to: .unverified)
            #expect(try await submit(onlyVerified) == ["eligibility.verified"])
        }
    }
}
