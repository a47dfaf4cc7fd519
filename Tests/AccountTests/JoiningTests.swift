import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct JoiningTests {
    static func draft(bin: String) -> OrganizationDraft {
        var draft = OrganizationDraft(kind: .ngo, bin: bin, legalForm: "public_foundation", name: LocalizedText(kk: "Жаңа қор"))
        draft.regions = ["550000000"]
        return draft
    }

    @Test func anOrganizationRegistersItselfUnverifiedWithItsOwner() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let bin = try AccessWorld.validBIN(startingAt: "1205400123")
            let (organization, outcome) = try await world.accounts.registerOrganization(
                Self.draft(bin: bin), owner: .init(email: "founder@example.kz", name: "Founder", password: "Correct-Horse-9"),
                address: "10.0.0.1", userAgent: "tests"
            )
            #expect(organization.verification == .unverified)
            let token = try #require(outcome.token)
            let session = try #require(try await world.accounts.session(token))
            #expect(session.caller.isOwner(of: organization.id))

            // It waits in the admins' queue, which only admins see.
            #expect(try await world.documents.verificationQueue(limit: 50, by: .admin).map(\.organization.id).contains(organization.id))
            await #expect(throws: DomainError.self) { try await world.documents.verificationQueue(limit: 50, by: session.caller) }
            _ = try await world.accounts.verify(organization.id, as: .verified, by: .admin)
            #expect(!(try await world.documents.verificationQueue(limit: 50, by: .admin).map(\.organization.id).contains(organization.id)))
        }
    }

    @Test func aFailedRegistrationLeavesNeitherOrganizationNorPerson() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("taken@example.kz")
            let bin = try AccessWorld.validBIN(startingAt: "1205400456")
            do {
                _ = try await world.accounts.registerOrganization(
                    Self.draft(bin: bin), owner: .init(email: "TAKEN@example.kz", name: "Someone", password: "Correct-Horse-9"),
                    address: "", userAgent: ""
                )
                Issue.record("a taken email registered")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.field) == ["email"])
            }
            // The organization's insert was rolled back with the person's.
            let count = try await world.pool.withConnection { try $0.query("SELECT count(*) FROM organizations WHERE bin = $1", [bin]).rows[0].decode(Int.self, at: 0) }
            #expect(count == 0)
            // A BIN taken by another organization rolls the new owner back too.
            _ = try await world.accounts.registerOrganization(
                Self.draft(bin: bin), owner: .init(email: "first@example.kz", name: "First", password: "Correct-Horse-9"), address: "", userAgent: ""
            )
            do {
                _ = try await world.accounts.registerOrganization(
                    Self.draft(bin: bin), owner: .init(email: "second@example.kz", name: "Second", password: "Correct-Horse-9"), address: "", userAgent: ""
                )
                Issue.record("a taken BIN registered")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.code) == ["duplicate_bin"])
            }
            #expect(try await PeopleRepository(pool: world.pool).credentials(email: "second@example.kz") == nil)
            // Field problems of both parts come together, the owner's under owner.*.
            do {
                var bad = Self.draft(bin: "123")
                bad.regions = []
                _ = try await world.accounts.registerOrganization(bad, owner: .init(email: "x", name: "", password: "short"), address: "", userAgent: "")
            } catch DomainError.invalid(let issues) {
                #expect(Set(issues.map(\.field)).isSuperset(of: ["bin", "regions", "owner.email", "owner.name", "owner.password"]))
            }
        }
    }

    @Test func anInvitationTravelsByMailAndMakesAMember() async throws {
        let sink = try SMTPSink()
        try await sink.start()
        defer { sink.stop() }
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, sink: sink)
            let ngo = try await world.organization(.ngo)
            try await world.person("owner@example.kz", in: [(ngo, .owner)], language: .ru)
            try await world.person("plain@example.kz", in: [(ngo, .member)])
            let owner = try #require(try await world.accounts.session(try await world.signedIn("owner@example.kz")))
            let member = try #require(try await world.accounts.session(try await world.signedIn("plain@example.kz")))

            // Only owners (and admins) invite.
            await #expect(throws: DomainError.self) { try await world.accounts.invite(email: "new@example.kz", role: .member, to: ngo, by: member) }
            try await world.accounts.invite(email: "new@example.kz", role: .viewer, to: ngo, by: owner)
            #expect(try await world.delivery.deliverDue() == 1)

            let mail = try await sink.message(to: "new@example.kz")
            #expect(mail.subject == "ASAR: приглашение в «Фонд «Бірлік»»")
            #expect(mail.body.contains("наблюдатель"))
            let token = try linkToken(in: mail.body, path: "https://asar.example.kz/invitations/accept")

            let preview = try #require(try await world.accounts.invitation(token))
            #expect(preview.email == "new@example.kz" && preview.role == .viewer && !preview.hasAccount)
            let outcome = try await world.accounts.acceptInvitation(
                token, account: .init(email: "ignored@example.kz", name: "Новичок", password: "Correct-Horse-9", language: .kk),
                address: "10.0.0.2", userAgent: "tests"
            )
            let newcomer = try #require(outcome.token)
            let session = try #require(try await world.accounts.session(newcomer))
            #expect(session.person.email == "new@example.kz")
            #expect(session.caller.member?.organizationID == ngo && session.caller.member?.role == .viewer)
            // Used once.
            #expect(try await world.accounts.invitation(token) == nil)
        }
    }

    @Test func anInvitationForAnExistingPersonIsAcceptedSignedInAndExpires() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            let ngo = try await world.organization(.ngo)
            let business = try await world.organization(.business)
            try await world.person("boss@example.kz", in: [(ngo, .owner)])
            try await world.person("known@example.kz", in: [(business, .member)])
            let boss = try #require(try await world.accounts.session(try await world.signedIn("boss@example.kz")))
            try await world.accounts.invite(email: "Known@Example.kz", role: .member, to: ngo, by: boss)
            try await world.accounts.invite(email: "late@example.kz", role: .member, to: ngo, by: boss)
            let tokens = try await Self.tokensInOutbox(world, path: "/invitations/accept")
            #expect(tokens.count == 2)

            let known = try #require(try await world.accounts.session(try await world.signedIn("known@example.kz")))
            #expect(try await world.accounts.invitation(tokens[0])?.hasAccount == true)
            // Someone else's invitation is not theirs to take.
            await #expect(throws: DomainError.self) { try await world.accounts.acceptInvitation(tokens[0], as: boss) }
            let membership = try await world.accounts.acceptInvitation(tokens[0], as: known)
            #expect(membership.organizationID == ngo && membership.role == .member)

            world.clock.advance(8 * 86_400)
            #expect(try await world.accounts.invitation(tokens[1]) == nil)
        }
    }

    @Test func aPasswordResetTravelsByMailEndsEverySessionRevokesPersonalTokensAndWorksOnce() async throws {
        let sink = try SMTPSink()
        try await sink.start()
        defer { sink.stop() }
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, sink: sink)
            try await world.person("forgetful@example.kz", language: .kk)
            let before = try await world.signedIn("forgetful@example.kz")
            // A personal token made before the reset: whoever knew the old password may have made it.
            let personal = try await world.services.tokens.issuePersonal(
                label: "scoring script", expiresAt: nil, by: try #require(try await world.accounts.session(before))
            )
            #expect(try await world.services.tokens.authenticate(personal.token) != nil)

            // The same answer for an unknown email, and no mail for it.
            try await world.accounts.requestPasswordReset(email: "nobody@example.kz")
            try await world.accounts.requestPasswordReset(email: " FORGETFUL@example.kz ")
            #expect(try await world.delivery.deliverDue() == 1)
            #expect(try await MailOutboxRepository(pool: world.pool).status(of: "nobody@example.kz").isEmpty)

            let mail = try await sink.message(to: "forgetful@example.kz")
            #expect(mail.subject == "ASAR: құпиясөзді қалпына келтіру")
            let token = try linkToken(in: mail.body, path: "https://asar.example.kz/password/reset")
            #expect(try await world.accounts.passwordResetIsOpen(token))

            await #expect(throws: DomainError.self) { try await world.accounts.resetPassword(token, newPassword: "short") }
            try await world.accounts.resetPassword(token, newPassword: "Brand-New-Pass-7")
            #expect(try await world.accounts.session(before) == nil)
            #expect(try await world.services.tokens.authenticate(personal.token) == nil, "the reset revokes personal tokens")
            #expect(try await world.accounts.signIn(email: "forgetful@example.kz", password: "Correct-Horse-9", address: "10.0.0.1", userAgent: "")
                == .refused(message: AccountService.refusal))
            _ = try await world.signedIn("forgetful@example.kz", password: "Brand-New-Pass-7")
            // Used once.
            await #expect(throws: DomainError.self) { try await world.accounts.resetPassword(token, newPassword: "Another-Pass-77") }
        }
    }

    @Test func aResetLinkExpiresAfterAnHourAndRequestsAreCapped() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("capped@example.kz")
            for _ in 0..<5 { try await world.accounts.requestPasswordReset(email: "capped@example.kz") }
            #expect(try await MailOutboxRepository(pool: world.pool).status(of: "capped@example.kz").count == 3)
            let token = try #require(try await Self.tokensInOutbox(world, path: "/password/reset").first)
            world.clock.advance(3601)
            #expect(!(try await world.accounts.passwordResetIsOpen(token)))
            await #expect(throws: DomainError.self) { try await world.accounts.resetPassword(token, newPassword: "Brand-New-Pass-7") }
        }
    }

    /// Link tokens of queued mail, oldest first.
    static func tokensInOutbox(_ world: AccountWorld, path: String) async throws -> [String] {
        let bodies = try await world.pool.withConnection { connection in
            try connection.query("SELECT body FROM mail_outbox ORDER BY id").rows.map { try $0.decode(String.self, at: 0) }
        }
        return try bodies.filter { $0.contains(path) }.map { try linkToken(in: $0, path: path) }
    }
}
