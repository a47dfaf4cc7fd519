import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct SessionTests {
    @Test func anIdleSessionEndsAfterThirtyMinutesAndUseKeepsItAlive() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("idle@example.kz")
            let token = try await world.signedIn("idle@example.kz")
            // Used every 25 minutes, it lives on past the idle limit.
            for _ in 0..<3 {
                world.clock.advance(25 * 60)
                #expect(try await world.accounts.session(token) != nil)
            }
            world.clock.advance(31 * 60)
            #expect(try await world.accounts.session(token) == nil)
            // Gone for good, not only hidden while the clock is late.
            #expect(try await SessionRepository(pool: world.pool).find(token: token) == nil)
        }
    }

    @Test func aSessionEndsTwelveHoursAfterSignInHoweverActive() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("busy@example.kz")
            let token = try await world.signedIn("busy@example.kz")
            // Used every 20 minutes for 11 h 40 min.
            for _ in 0..<35 {
                world.clock.advance(20 * 60)
                #expect(try await world.accounts.session(token) != nil)
            }
            world.clock.advance(21 * 60)
            #expect(try await world.accounts.session(token) == nil)
        }
    }

    @Test func signInGivesANewSessionAndSignOutEverywhereEndsThemAll() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("other@example.kz")
            try await world.person("many@example.kz")
            let first = try await world.signedIn("many@example.kz")
            let second = try await world.signedIn("many@example.kz")
            let bystander = try await world.signedIn("other@example.kz")
            #expect(first != second)
            let sessions = try await world.accounts.listSessions(second)
            #expect(sessions.count == 2)
            #expect(sessions.filter(\.isCurrent).count == 1)
            #expect(sessions.allSatisfy { $0.userAgent == "tests" && $0.address == "10.0.0.1" })

            try await world.accounts.signOut(first)
            #expect(try await world.accounts.session(first) == nil)
            #expect(try await world.accounts.session(second) != nil)

            let third = try await world.signedIn("many@example.kz")
            #expect(try await world.accounts.signOutEverywhere(third) == 2)
            #expect(try await world.accounts.session(second) == nil)
            #expect(try await world.accounts.session(third) == nil)
            #expect(try await world.accounts.session(bystander) != nil)
        }
    }

    @Test func changingThePasswordNeedsTheCurrentOneAndEndsTheOtherSessions() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("mover@example.kz")
            let here = try await world.signedIn("mover@example.kz")
            let elsewhere = try await world.signedIn("mover@example.kz")
            func issues(_ current: String, _ new: String) async throws -> [String] {
                do {
                    try await world.accounts.changePassword(here, current: current, new: new, address: "10.0.0.1")
                    return []
                } catch DomainError.invalid(let issues) {
                    return issues.map { "\($0.field).\($0.code)" }
                }
            }
            #expect(try await issues("Wrong-Horse-9", "Brand-New-Horse-7") == ["current_password.wrong"])
            #expect(try await issues("Correct-Horse-9", "short") == ["password.too_short"])
            // Nothing changed so far: the other session lives and the old password still works.
            #expect(try await world.accounts.session(elsewhere) != nil)
            #expect(try await issues("Correct-Horse-9", "Brand-New-Horse-7") == [])
            #expect(try await world.accounts.session(here) != nil, "this session stays")
            #expect(try await world.accounts.session(elsewhere) == nil, "every other session ends")
            #expect(try await world.accounts.signIn(email: "mover@example.kz", password: "Correct-Horse-9", address: "10.0.0.2", userAgent: "") == .refused(message: AccountService.refusal))
            guard case .signedIn = try await world.accounts.signIn(email: "mover@example.kz", password: "Brand-New-Horse-7", address: "10.0.0.2", userAgent: "") else {
                Issue.record("the new password does not sign in"); return
            }
        }
    }

    @Test func aPersonSwitchesBetweenTheirOrganizationsAndActsWithTheRoleOfEach() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let ngo = try await world.organization(.ngo)
            let business = try await world.organization(.business)
            let elsewhere = try await world.organization(.ngo)
            try await world.person("two@example.kz", in: [(ngo, .viewer), (business, .owner)])
            let token = try await world.signedIn("two@example.kz")
            let first = try #require(try await world.accounts.session(token))
            // Owners first.
            #expect(first.actingOrganizationID == business)
            #expect(first.caller.isOwner(of: business))
            let switched = try await world.accounts.switchOrganization(token, to: ngo)
            #expect(switched.caller.member?.organizationID == ngo)
            #expect(switched.caller.member?.role == .viewer)
            #expect(!switched.caller.actsFor(ngo) && switched.caller.speaksFor(ngo))
            await #expect(throws: DomainError.self) { try await world.accounts.switchOrganization(token, to: elsewhere) }
        }
    }

    @Test func forgedAndMalformedTokensResolveToNothing() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            for token in ["", "asar_s_", "asar_s_forged", String(repeating: "a", count: 5000), "'; DROP TABLE sessions; --"] {
                let resolved = try await world.accounts.session(token)
                #expect(resolved == nil)
            }
        }
    }
}
