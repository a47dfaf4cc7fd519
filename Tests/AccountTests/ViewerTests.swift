import Domain
import Foundation
import Matching
import Storage
import Testing
import TestSupport
@testable import UseCases

/// A viewer reads its organization's private data and changes nothing.
@Suite(.serialized) struct ViewerTests {
    @Test func onlyAnOwnerDeactivatesTheOrganization() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let member = try #require(world.identities["ngo"]?.member)
            #expect(member.role == .member)
            do {
                _ = try await services.organizations.deactivate(world.ngo, by: .organization(member))
                Issue.record("a member-role caller deactivated its organization")
            } catch DomainError.forbidden {
            }
            #expect(try await services.organizations.find(world.ngo, by: .anonymous).organization.active)
            let owner = Caller.organization(Caller.Member(
                organizationID: member.organizationID, kind: member.kind, jurisdiction: member.jurisdiction,
                isNational: member.isNational, isSuspended: member.isSuspended, role: .owner
            ))
            #expect(try await services.organizations.deactivate(world.ngo, by: owner).organization.active == false)
        }
    }

    @Test func aViewerReadsPrivateDataButEveryWriteIsRefused() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let viewer = try #require(world.identities["ngo_viewer"])
            let reviewerViewer = try #require(world.identities["government_inside_viewer"])

            // Reads: contacts, the draft, partnerships at every stage.
            #expect(try await services.organizations.find(world.ngo, by: viewer).showsContact)
            _ = try await services.projects.find(world.draftProject, by: viewer)
            _ = try await services.partnerships.find(try await world.partnership(in: .proposed), by: viewer)
            _ = try await services.tokens.list(by: viewer)
            _ = try await services.partnerships.reviewQueue(limit: 10, by: reviewerViewer)

            func refused(_ name: String, _ call: () async throws -> Void) async {
                do {
                    try await call()
                    Issue.record("\(name): a viewer was allowed")
                } catch DomainError.forbidden {
                } catch {
                    Issue.record("\(name): \(error), expected forbidden")
                }
            }
            await refused("organizations.update") { _ = try await services.organizations.update(world.ngo, by: viewer) { $0.staffCount = 3 } }
            await refused("organizations.deactivate") { _ = try await services.organizations.deactivate(world.ngo, by: viewer) }
            await refused("projects.propose") {
                var draft = ProjectDraft(organizationID: world.ngo, title: LocalizedText(ru: "Проект"), fundingNeededKZT: 1_000_000, durationMonths: 6)
                draft.regions = ["550000000"]
                _ = try await services.projects.propose(draft, by: viewer)
            }
            await refused("projects.edit") { _ = try await services.projects.edit(try await world.openProject(), by: viewer) { $0.beneficiaries = 1 } }
            await refused("projects.publish") { _ = try await services.projects.publish(try await world.draftProjectOfNGO(), by: viewer) }
            await refused("projects.close") { _ = try await services.projects.close(try await world.openProject(), by: viewer) }
            await refused("partnerships.propose") {
                _ = try await services.partnerships.propose(
                    PartnershipDraft(projectID: try await world.openProject(), businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1_000_000),
                    by: viewer
                )
            }
            await refused("partnerships.amend") {
                _ = try await services.partnerships.amend(try await world.partnership(in: .proposed), pledgeKZT: 1, inKind: nil, ifMatch: nil, by: viewer)
            }
            await refused("partnerships.withdraw") {
                _ = try await services.partnerships.perform(.withdraw, on: try await world.partnership(in: .proposed), comment: nil, ifMatch: nil, by: viewer)
            }
            await refused("partnerships.report") {
                let report = ReportDraft(amountDisbursedKZT: 1, beneficiariesReached: 1, text: "x", rating: nil)
                _ = try await services.partnerships.report(try await world.partnership(in: .active), report, ifMatch: nil, by: viewer)
            }
            await refused("partnerships.requestFrameworkChange") {
                _ = try await services.partnerships.requestFrameworkChange(
                    try await world.partnership(in: .active), framework: AccessWorld.changedFramework, reason: "x", by: viewer
                )
            }
            await refused("partnerships.decideFrameworkChange (akimat viewer)") {
                _ = try await services.partnerships.decideFrameworkChange(try await world.partnershipWithFrameworkChange(), accept: true, comment: nil, by: reviewerViewer)
            }
            await refused("partnerships.approve (akimat viewer)") {
                _ = try await services.partnerships.perform(.approve, on: try await world.partnership(in: .underReview), comment: nil, ifMatch: nil, by: reviewerViewer)
            }
            await refused("rounds.run (akimat viewer)") {
                let input = RoundInput(jurisdiction: nil, focusAreas: [], mode: .split, consentDeadline: Date().addingTimeInterval(86_400), governmentBodyID: world.akimatInside)
                _ = try await services.rounds.run(input, by: reviewerViewer)
            }
            await refused("rounds.accept (akimat viewer)") { _ = try await services.rounds.accept(try await world.round(), by: reviewerViewer) }
            await refused("tokens.issue") { _ = try await services.tokens.issue(for: world.ngo, label: "x", expiresAt: nil, by: viewer) }
            await refused("tokens.revoke") {
                let issued = try await services.tokens.issue(for: world.ngo, label: "x", expiresAt: nil, by: .admin)
                _ = try await services.tokens.revoke(issued.id, by: viewer)
            }
        }
    }
}
