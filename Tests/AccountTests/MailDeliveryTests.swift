import Domain
import Foundation
import Storage
import Testing
import TestSupport
@testable import UseCases

@Suite struct MailDeliveryTests {
    @Test func aMessageWaitsOutARelayOutageAndIsDeliveredLater() async throws {
        // The sink's port is chosen, but nothing listens there yet.
        let sink = try SMTPSink()
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database, sink: sink)
            try await world.person("patient@example.kz", language: .en)
            try await world.accounts.requestPasswordReset(email: "patient@example.kz")
            let outbox = MailOutboxRepository(pool: world.pool)

            #expect(try await world.delivery.deliverDue() == 0)
            var status = try #require(try await outbox.status(of: "patient@example.kz").first)
            #expect(status.attempts == 1 && status.sentAt == nil && status.lastError != nil)
            // Not due again until its backoff has passed.
            #expect(try await world.delivery.deliverDue() == 0)
            #expect(try await outbox.status(of: "patient@example.kz").first?.attempts == 1)

            try await sink.start()
            defer { sink.stop() }
            world.clock.advance(6)
            #expect(try await world.delivery.deliverDue() == 1)
            status = try #require(try await outbox.status(of: "patient@example.kz").first)
            #expect(status.attempts == 2 && status.sentAt != nil && status.deliveredVia == "smtp" && status.lastError == nil)
            let mail = try await sink.message(to: "patient@example.kz")
            #expect(mail.subject == "ASAR: reset your password")
            #expect(mail.body.contains("https://asar.example.kz/password/reset?token=asar_r_"))
            // Sent once.
            #expect(try await world.delivery.deliverDue() == 0)
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func withoutARelayMessagesGoToTheLog() async throws {
        try await TestDatabase.with { database in
            let world = AccountWorld(database: database)
            try await world.person("logged@example.kz")
            try await world.accounts.requestPasswordReset(email: "logged@example.kz")
            #expect(try await world.delivery.deliverDue() == 1)
            let status = try #require(try await MailOutboxRepository(pool: world.pool).status(of: "logged@example.kz").first)
            #expect(status.deliveredVia == "log" && status.sentAt != nil)
        }
    }

    @Test func configurationComesFromTheEnvironment() {
        let defaults = AccountConfiguration.fromEnvironment([:])
        #expect(defaults.smtp == nil && defaults.mailFrom == "ASAR <no-reply@asar.kz>")
        #expect(defaults.link("/password/reset?token=t") == "http://127.0.0.1:8080/password/reset?token=t")
        let set = AccountConfiguration.fromEnvironment(["SMTP_URL": "smtp://127.0.0.1:2525", "ASAR_PUBLIC_URL": "https://asar.kz/", "MAIL_FROM": "x@asar.kz"])
        #expect(set.smtp?.port == 2525 && set.mailFrom == "x@asar.kz" && set.unusableSMTPURL == nil)
        #expect(set.link("/invitations/accept?token=t") == "https://asar.kz/invitations/accept?token=t")
        let tls = AccountConfiguration.fromEnvironment(["SMTP_URL": "smtps://relay:465"])
        #expect(tls.smtp == nil && tls.unusableSMTPURL == "smtps://relay:465")
    }

    @Test func retriesBackOffUpToAnHour() {
        #expect(MailDeliveryService.retryDelay(afterAttempts: 1) == 5)
        #expect(MailDeliveryService.retryDelay(afterAttempts: 2) == 10)
        #expect(MailDeliveryService.retryDelay(afterAttempts: 40) == 3600)
    }

    @Test func twoDeliverersNeverClaimTheSameMessage() async throws {
        try await TestDatabase.with { database in
            let outbox = MailOutboxRepository(pool: database.pool)
            for index in 0..<10 {
                try await outbox.enqueue(OutboxMail(recipient: "r\(index)@example.kz", subject: "s", body: "b"))
            }
            let now = Date().addingTimeInterval(1)
            async let first = outbox.claimDue(now: now, limit: 6, lease: .seconds(60))
            async let second = outbox.claimDue(now: now, limit: 6, lease: .seconds(60))
            let claimed = try await (first + second).map(\.id)
            #expect(claimed.count == 10)
            #expect(Set(claimed).count == claimed.count)
        }
    }
}
