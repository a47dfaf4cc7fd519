import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct MembersTests {
    @Test func anOwnerChangesAndRemovesMembersAndTheirRightsFollowAtOnce() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let ngo = try await world.organization(.ngo)
            let owner = try await world.person("chief@example.kz", in: [(ngo, .owner)])
            let member = try await world.person("staff@example.kz", in: [(ngo, .member)])
            let chief = try #require(try await world.accounts.session(try await world.signedIn("chief@example.kz")))
            let staffToken = try await world.signedIn("staff@example.kz")
            let staff = try #require(try await world.accounts.session(staffToken))

            #expect(try await world.accounts.members(of: ngo, by: staff.caller).map(\.person.email) == ["chief@example.kz", "staff@example.kz"])
            // A member manages nobody.
            await #expect(throws: DomainError.self) { try await world.accounts.changeRole(of: owner.id, in: ngo, to: .viewer, by: staff.caller) }

            try await world.accounts.changeRole(of: member.id, in: ngo, to: .viewer, by: chief.caller)
            let demoted = try #require(try await world.accounts.session(staffToken))
            #expect(demoted.caller.member?.role == .viewer && !demoted.caller.actsFor(ngo))

            // The last owner cannot leave the organization without one.
            await #expect(throws: DomainError.conflict(code: "last_owner", message: "An organization keeps at least one owner: make someone else owner first.")) {
                try await world.accounts.changeRole(of: owner.id, in: ngo, to: .member, by: chief.caller)
            }

            try await world.accounts.removeMember(member.id, from: ngo, by: chief.caller)
            let removed = try #require(try await world.accounts.session(staffToken))
            #expect(removed.caller == .anonymous && removed.memberships.isEmpty)
            await #expect(throws: DomainError.notFound(resource: "member")) { try await world.accounts.removeMember(member.id, from: ngo, by: chief.caller) }
        }
    }
}
