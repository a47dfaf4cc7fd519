import Domain
import Foundation
import Matching
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Rules an attacker tried to break through concurrency and amendments.
@Suite struct PartnershipRulesTests {
    @Test func concurrentReportsNeverDisburseBeyondThePledge() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration())
            let admin = try await services.tokens.issue(for: nil, label: "rules", expiresAt: nil, by: .admin)
            let world = try await AccessWorld.build(pool: database.pool, adminToken: admin.token)
            let ngo = try #require(world.identities["ngo"])
            let id = try await world.partnership(in: .active, pledge: 1_000_000)
            let report = ReportDraft(amountDisbursedKZT: 100_000, beneficiariesReached: 1, text: "Этап", rating: nil)
            _ = try await services.partnerships.report(id, report, ifMatch: nil, by: ngo)
            // 20 at once: 9 fit in what is left of the pledge, 11 must be refused.
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await services.partnerships.report(id, report, ifMatch: nil, by: ngo)
                            return true
                        } catch DomainError.invalid(let issues) where issues.first?.code == "over_pledge" {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 9)
            let partnership = try await services.partnerships.find(id, by: ngo)
            #expect(partnership.totals.amountDisbursedKZT == 1_000_000)
        }
    }

    @Test func amendingCannotPledgeBeyondTheSponsorsDeclaredBudget() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration())
            let admin = try await services.tokens.issue(for: nil, label: "rules", expiresAt: nil, by: .admin)
            let world = try await AccessWorld.build(pool: database.pool, adminToken: admin.token)
            let ngo = try #require(world.identities["ngo"])
            let id = try await world.partnership(in: .proposed)
            // The sponsor declared 1,000,000,000 KZT; proposing more is refused, and so is amending to more.
            await #expect(throws: DomainError.self) {
                _ = try await services.partnerships.amend(id, pledgeKZT: 1_000_000_001, inKind: nil, ifMatch: nil, by: ngo)
            }
            do {
                _ = try await services.partnerships.amend(id, pledgeKZT: 1_000_000_001, inKind: nil, ifMatch: nil, by: ngo)
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.code) == ["over_budget"])
            }
            #expect(try await services.partnerships.find(id, by: ngo).pledgeKZT == 10_000_000)
            // Within the budget it goes through.
            #expect(try await services.partnerships.amend(id, pledgeKZT: 999_000_000, inKind: nil, ifMatch: nil, by: ngo).pledgeKZT == 999_000_000)
        }
    }
}
