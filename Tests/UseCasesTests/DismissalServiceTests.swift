import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

/// "Not interested": who may dismiss what, and that a dismissal stays until it is taken back.
@Suite struct DismissalServiceTests {
    func outcome(_ call: () async throws -> Void) async throws -> UseCaseAuthorizationMatrixTests.Outcome {
        try await UseCaseAuthorizationMatrixTests.outcome(call)
    }

    @Test func anNGODismissesASponsorOnceWithWhoAndWhyAndTakesItBack() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let ngo = try #require(world.identities["ngo"])
            let person = try await services.accounts.createPerson(
                AccountService.NewAccount(email: "aigerim@example.kz", name: "Aigerim", password: "Correct-Horse-9"),
                isAdmin: false, memberships: [(world.ngo, .member)], by: .admin
            ).id

            let first = try await services.dismissals.dismiss(world.business, for: world.ngo, reason: "Not our region", person: person, by: ngo)
            #expect(first.created)
            #expect(first.dismissal.candidateKind == .business && first.dismissal.dismissedBy == person)
            // Idempotent: the same dismissal again replaces the reason and keeps one row.
            let again = try await services.dismissals.dismiss(world.business, for: world.ngo, reason: nil, by: ngo)
            #expect(!again.created && again.dismissal.reason == nil && again.dismissal.dismissedBy == nil)
            #expect(again.dismissal.dismissedAt == first.dismissal.dismissedAt)
            _ = try await services.dismissals.dismiss(world.akimatInside, for: world.ngo, reason: nil, by: ngo)

            // Colleagues, viewers included, see the organization's list; the match service filters by it.
            let viewer = try #require(world.identities["ngo_viewer"])
            #expect(Set(try await services.dismissals.list(for: world.ngo, by: viewer).map(\.candidateID)) == [world.business, world.akimatInside])
            #expect(try await DismissalRepository(pool: database.pool).dismissedIDs(by: world.ngo) == [world.business, world.akimatInside])
            #expect(try await DismissalRepository(pool: database.pool).dismissedIDs(by: world.business).isEmpty)
            #expect(try await outcome { _ = try await services.dismissals.dismiss(world.business, for: world.ngo, reason: nil, by: viewer) } == .forbidden)
            #expect(try await outcome { try await services.dismissals.undo(world.business, for: world.ngo, by: viewer) } == .forbidden)

            try await services.dismissals.undo(world.business, for: world.ngo, by: ngo)
            #expect(try await services.dismissals.list(for: world.ngo, by: ngo).map(\.candidateID) == [world.akimatInside])
            #expect(try await outcome { try await services.dismissals.undo(world.business, for: world.ngo, by: ngo) } == .notFound)
        }
    }

    @Test func onlyWhatTheOrganizationsListsHoldMayBeDismissed() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let ngo = try #require(world.identities["ngo"])
            let business = try #require(world.identities["business"])
            let akimat = try #require(world.identities["government_inside"])
            let project = try await world.openProject()
            func dismiss(_ candidate: UUID, for organization: UUID, by caller: Caller, reason: String? = nil) async throws -> UseCaseAuthorizationMatrixTests.Outcome {
                try await outcome { _ = try await services.dismissals.dismiss(candidate, for: organization, reason: reason, by: caller) }
            }
            // A business and a government body are offered projects; an NGO sponsors and bodies.
            #expect(try await dismiss(project, for: world.business, by: business) == .ok)
            #expect(try await dismiss(project, for: world.akimatInside, by: akimat) == .ok)
            #expect(try await dismiss(project, for: world.ngo, by: ngo) == .invalid)
            #expect(try await dismiss(world.spare, for: world.ngo, by: ngo) == .invalid)
            #expect(try await dismiss(world.ngo, for: world.business, by: business) == .invalid)
            // Nothing, or a draft nobody's list shows, is not there to dismiss.
            #expect(try await dismiss(UUID(), for: world.business, by: business) == .notFound)
            #expect(try await dismiss(world.draftProject, for: world.business, by: business) == .notFound)
            #expect(try await dismiss(project, for: UUID(), by: .admin) == .notFound)
            // A reason is a sentence or two.
            #expect(try await dismiss(project, for: world.business, by: business, reason: String(repeating: "a", count: 501)) == .invalid)
            #expect(try await dismiss(project, for: world.business, by: business, reason: "") == .invalid)
            // Another organization's list is not the caller's to change or read.
            #expect(try await dismiss(project, for: world.business, by: akimat) == .forbidden)
            #expect(try await outcome { _ = try await services.dismissals.list(for: world.business, by: ngo) } == .forbidden)
            #expect(try await outcome { _ = try await services.dismissals.list(for: world.business, by: .anonymous) } == .unauthenticated)
        }
    }
}
