import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct SecondFactorTests {
    /// The secret behind an enrollment, from the otpauth URL's base32.
    static func secret(of enrollment: AccountService.Enrollment) throws -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = [], buffer = 0, bits = 0
        for character in enrollment.secret {
            guard let value = alphabet.firstIndex(of: character) else { throw TestFailure("not base32") }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func anAdminEnrollsAtFirstSignInAndNeedsACodeAfterwards() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("root@example.kz", admin: true)
            let outcome = try await world.accounts.signIn(email: "root@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "tests")
            guard case .enrollSecondFactor(let pending) = outcome else { Issue.record("no enrollment asked: \(outcome)"); return }
            // Until enrolled, the session carries no rights.
            let waiting = try #require(try await world.accounts.session(pending.value))
            #expect(waiting.caller == .anonymous)
            #expect(waiting.mustEnrollSecondFactor)
            await #expect(throws: DomainError.unauthenticated) { try await world.accounts.listSessions(pending.value) }

            let enrollment = try await world.accounts.beginSecondFactorEnrollment(pending.value)
            #expect(enrollment.url.hasPrefix("otpauth://totp/ASAR:root@example.kz?secret=\(enrollment.secret)"))
            let secret = try Self.secret(of: enrollment)
            let code = AccountService.currentCode(for: secret, at: world.clock.now)
            let wrong = code == "000000" ? "111111" : "000000"
            #expect(try await world.accounts.confirmSecondFactorEnrollment(pending.value, code: wrong, address: "10.0.0.1") == .refused(message: AccountService.wrongCode))
            // Asked again (a reload, another tab, the page after a wrong code): the same key, not a new one.
            let shownAgain = try await world.accounts.beginSecondFactorEnrollment(pending.value)
            #expect(shownAgain.secret == enrollment.secret && shownAgain.url == enrollment.url)
            guard case .signedIn(let full) = try await world.accounts.confirmSecondFactorEnrollment(pending.value, code: code, address: "10.0.0.1") else {
                Issue.record("the right code did not sign in"); return
            }
            // A new session id once the second factor is in; the waiting one is gone.
            #expect(full.value != pending.value)
            #expect(try await world.accounts.session(pending.value) == nil)
            #expect(try await world.accounts.session(full.value)?.caller == .admin)

            // Next time: password, then a code.
            world.clock.advance(60)
            let again = try await world.accounts.signIn(email: "root@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "tests")
            guard case .secondFactorNeeded(let second) = again else { Issue.record("no code asked: \(again)"); return }
            #expect(try await world.accounts.session(second.value)?.caller == .anonymous)
            #expect(try await world.accounts.session(second.value)?.secondFactorPending == true)
            // A code from five minutes ago is refused; the current one (within a step either side) works.
            let stale = AccountService.currentCode(for: secret, at: world.clock.now.addingTimeInterval(-300))
            #expect(try await world.accounts.verifySecondFactor(second.value, code: stale, address: "10.0.0.1") == .refused(message: AccountService.wrongCode))
            let late = AccountService.currentCode(for: secret, at: world.clock.now.addingTimeInterval(-30))
            guard case .signedIn(let signedIn) = try await world.accounts.verifySecondFactor(second.value, code: late, address: "10.0.0.1") else {
                Issue.record("the previous step's code was refused"); return
            }
            #expect(try await world.accounts.session(signedIn.value)?.caller == .admin)
        }
    }

    @Test func aCodeWorksOnceAndWrongCodesAreThrottled() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let akimat = try await world.organization(.governmentBody)
            let secret = "test-secret-of-the-akimat"
            try await world.person("akim@example.kz", in: [(akimat, .member)], totpSecret: secret)
            func pending() async throws -> String {
                let outcome = try await world.accounts.signIn(email: "akim@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "")
                guard case .secondFactorNeeded(let token) = outcome else { throw TestFailure("no code asked: \(outcome)") }
                return token.value
            }
            let code = AccountService.currentCode(for: secret, at: world.clock.now)
            guard case .signedIn(let token) = try await world.accounts.verifySecondFactor(try await pending(), code: code, address: "10.0.0.1") else {
                Issue.record("the right code was refused"); return
            }
            let session = try #require(try await world.accounts.session(token.value))
            #expect(session.caller.reviewScope != nil)
            // Replayed within its 30 seconds, it is refused.
            let replay = try await pending()
            #expect(try await world.accounts.verifySecondFactor(replay, code: code, address: "10.0.0.1") == .refused(message: AccountService.wrongCode))
            for _ in 0..<4 {
                _ = try await world.accounts.verifySecondFactor(replay, code: "12345x", address: "10.0.0.1")
            }
            // Five failures: the next right code waits too.
            let next = AccountService.currentCode(for: secret, at: world.clock.now.addingTimeInterval(30))
            if case .throttled = try await world.accounts.verifySecondFactor(replay, code: next, address: "10.0.0.1") {} else {
                Issue.record("wrong codes were not throttled")
            }
        }
    }

    @Test func aGovernmentMemberWithoutTOTPMustEnrollBeforeActing() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let akimat = try await world.organization(.governmentBody)
            try await world.person("officer@example.kz", in: [(akimat, .member)])
            let outcome = try await world.accounts.signIn(email: "officer@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "")
            guard case .enrollSecondFactor(let token) = outcome else { Issue.record("no enrollment asked: \(outcome)"); return }
            #expect(try await world.accounts.session(token.value)?.caller == .anonymous)
            // A code owed is not a code that can be skipped by calling verify.
            await #expect(throws: DomainError.self) { try await world.accounts.verifySecondFactor(token.value, code: "123456", address: "10.0.0.1") }
        }
    }

    @Test func base32MatchesTheAuthenticatorURL() {
        #expect(AccountService.authenticatorKey(for: "12345678901234567890") == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        // RFC 6238's SHA-1 vector at T = 59 s, last six digits.
        #expect(AccountService.currentCode(for: "12345678901234567890", at: Date(timeIntervalSince1970: 59)) == "287082")
    }
}
