import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct SignInTests {
    @Test func rightPasswordSignsInAndWrongOrUnknownGetTheSameRefusal() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, passwordCost: 12)
            let ngo = try await world.organization(.ngo)
            try await world.person("Aigul@Example.kz", in: [(ngo, .member)])

            // Email case does not matter.
            let outcome = try await world.accounts.signIn(email: "aigul@example.KZ ", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "tests")
            guard case .signedIn(let token) = outcome else { Issue.record("not signed in: \(outcome)"); return }
            let session = try #require(try await world.accounts.session(token.value))
            #expect(session.person.email == "Aigul@Example.kz")
            #expect(session.caller.member?.organizationID == ngo)
            #expect(session.caller.member?.role == .member)
            #expect(session.actingOrganizationID == ngo)

            let wrong = try await world.accounts.signIn(email: "aigul@example.kz", password: "Wrong-Horse-9", address: "10.0.0.1", userAgent: "tests")
            let unknown = try await world.accounts.signIn(email: "nobody@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "tests")
            #expect(wrong == .refused(message: AccountService.refusal))
            #expect(unknown == wrong)
        }
    }

    @Test func unknownEmailsCostAsMuchAsWrongPasswords() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, passwordCost: 12)
            try await world.person("timing@example.kz")
            // Warm the dummy hash, then compare the two paths.
            _ = try await world.accounts.signIn(email: "warm@example.kz", password: "x", address: "10.0.1.1", userAgent: "")
            var attempt = 1
            func time(_ email: String) async throws -> Duration {
                attempt += 1
                let start = ContinuousClock.now
                _ = try await world.accounts.signIn(email: email, password: "Wrong-Horse-9", address: "10.0.1.\(attempt)", userAgent: "")
                return ContinuousClock.now - start
            }
            // The fastest of three of each, interleaved: on a busy machine one run can be slowed by
            // anything, but a path that skips bcrypt is never as slow as one that runs it.
            var wrongRuns: [Duration] = [], unknownRuns: [Duration] = []
            for _ in 1...3 {
                wrongRuns.append(try await time("timing@example.kz"))
                unknownRuns.append(try await time("unknown@example.kz"))
            }
            let wrong = wrongRuns.min()!, unknown = unknownRuns.min()!
            // Both run one bcrypt of cost 12; without the dummy hash the unknown email would take a few ms.
            #expect(unknown > wrong / 3, "unknown \(unknownRuns) vs wrong \(wrongRuns)")
            #expect(unknown > .milliseconds(50))
        }
    }

    @Test func repeatedFailuresSlowAnAccountDownExponentially() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, passwordCost: 12)
            try await world.person("slow@example.kz")
            for attempt in 1...5 {
                let outcome = try await world.accounts.signIn(email: "slow@example.kz", password: "Guess-\(attempt)-abcdef", address: "10.0.0.\(attempt)", userAgent: "")
                #expect(outcome == .refused(message: AccountService.refusal))
            }
            // The fifth failure costs a second; even the right password waits.
            #expect(try await world.accounts.signIn(email: "slow@example.kz", password: "Correct-Horse-9", address: "10.0.0.7", userAgent: "") == .throttled(retryAfterSeconds: 1))
            world.clock.advance(1.5)
            #expect(try await world.accounts.signIn(email: "slow@example.kz", password: "Guess-6-abcdef", address: "10.0.0.7", userAgent: "") == .refused(message: AccountService.refusal))
            // The sixth doubles it.
            #expect(try await world.accounts.signIn(email: "slow@example.kz", password: "Correct-Horse-9", address: "10.0.0.7", userAgent: "") == .throttled(retryAfterSeconds: 2))
            world.clock.advance(2.5)
            guard case .signedIn = try await world.accounts.signIn(email: "slow@example.kz", password: "Correct-Horse-9", address: "10.0.0.7", userAgent: "") else {
                Issue.record("the right password after the wait did not sign in"); return
            }
            // Success forgives the account's failures.
            #expect(try await world.accounts.signIn(email: "slow@example.kz", password: "Guess-7-abcdef", address: "10.0.0.8", userAgent: "") == .refused(message: AccountService.refusal))
        }
    }

    @Test func anAddressThatFailsForManyAccountsIsSlowedDown() async throws {
        try await TestDatabase.with { database in
            var throttle = SignInThrottle()
            throttle.freeFailuresPerAddress = 3
            let world = AccountWorld(database: database, throttle: throttle, passwordCost: 12)
            try await world.person("victim@example.kz")
            for index in 1...3 {
                _ = try await world.accounts.signIn(email: "spray\(index)@example.kz", password: "Spray-Pass-123", address: "192.0.2.7", userAgent: "")
            }
            #expect(try await world.accounts.signIn(email: "victim@example.kz", password: "Correct-Horse-9", address: "192.0.2.7", userAgent: "") == .throttled(retryAfterSeconds: 1))
            // Another address is not held up.
            guard case .signedIn = try await world.accounts.signIn(email: "victim@example.kz", password: "Correct-Horse-9", address: "192.0.2.8", userAgent: "") else {
                Issue.record("another address was throttled too"); return
            }
        }
    }

    @Test func throttleDelaysDoubleUpToTheCap() {
        let policy = SignInThrottle()
        let now = Date()
        #expect(policy.wait(failures: 4, last: now, free: 5, now: now) == nil)
        #expect(policy.wait(failures: 5, last: now, free: 5, now: now) == 1)
        #expect(policy.wait(failures: 8, last: now, free: 5, now: now) == 8)
        #expect(policy.wait(failures: 40, last: now, free: 5, now: now) == 900)
        #expect(policy.wait(failures: 8, last: now.addingTimeInterval(-10), free: 5, now: now) == nil)
    }

    @Test func passwordRulesNameTheirField() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, passwordCost: 12)
            func issues(_ account: AccountService.NewAccount) async -> [FieldIssue] {
                do {
                    _ = try await world.accounts.createPerson(account, isAdmin: false, by: .admin)
                    return []
                } catch DomainError.invalid(let issues) {
                    return issues
                } catch {
                    return [FieldIssue(field: "?", code: "\(error)", message: "")]
                }
            }
            #expect(await issues(.init(email: "a@example.kz", name: "A", password: "short")).map(\.code) == ["too_short"])
            #expect(await issues(.init(email: "a@example.kz", name: "A", password: "1234567890")).map(\.code) == ["too_common"])
            #expect(await issues(.init(email: "aigerim@example.kz", name: "A", password: "aigerim-2026!")).map(\.code) == ["contains_email"])
            #expect(await issues(.init(email: "a@example.kz", name: "A", password: String(repeating: "ж", count: 40))).map(\.code).contains("too_long"))
            let several = await issues(.init(email: "not-an-email", name: " ", password: "x"))
            #expect(several.map(\.field) == ["email", "name", "password"])
            #expect(await issues(.init(email: "ok@example.kz", name: "Ok", password: "Correct-Horse-9")).isEmpty)
        }
    }
}
