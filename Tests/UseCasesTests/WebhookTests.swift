import Domain
import Foundation
import Logging
import Matching
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Webhooks end to end: registration with the address check, an event queued in its transaction,
/// a signed delivery that a Python receiver verifies, retries against a failing receiver with
/// every attempt logged, and a replay.
@Suite(.serialized) struct WebhookTests {
    static func services(_ database: TestDatabase, allowPrivate: Bool) -> Services {
        var configuration = WebhookConfiguration()
        configuration.allowPrivateAddresses = allowPrivate
        configuration.retry = WebhookRetryPolicy(maxAttempts: 3, firstRetry: 0.2, maxDelay: 1)
        configuration.timeout = 3
        return Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes, webhooks: configuration)
    }

    static func owner(of organization: UUID) -> Caller {
        .organization(.init(organizationID: organization, kind: .ngo, jurisdiction: nil, isNational: false, isSuspended: false, role: .owner))
    }

    @Test func registrationRefusesAddressesInsideTheNetworkUnlessAllowed() async throws {
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let strict = Self.services(database, allowPrivate: false).webhooks
            for url in ["http://127.0.0.1:9000/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
                        "http://[::1]/hook", "http://192.168.0.10/", "ftp://example.kz/hook", "not a url"] {
                await #expect(throws: DomainError.self, "\(url) was accepted") {
                    _ = try await strict.register(url: url, for: world.ngo, by: Self.owner(of: world.ngo))
                }
            }
            // Only an owner registers; a member (an API token acts as one) is refused.
            await #expect(throws: DomainError.self) {
                _ = try await strict.register(url: "https://example.kz/hook", for: world.ngo, by: try #require(world.identities["ngo"]))
            }
            let relaxed = Self.services(database, allowPrivate: true).webhooks
            let (webhook, secret) = try await relaxed.register(url: "http://127.0.0.1:9000/hook", for: world.ngo, by: Self.owner(of: world.ngo))
            #expect(secret.hasPrefix("whsec_") && secret.count > 40)
            #expect(try await relaxed.list(for: world.ngo, by: Self.owner(of: world.ngo)).map(\.id) == [webhook.id])
            await #expect(throws: DomainError.self, "another organization's owner sees nothing") {
                _ = try await relaxed.deliveries(of: webhook.id, by: Self.owner(of: world.business))
            }
        }
    }

    @Test func aStagingCopyQueuesDeliveriesButRunsNoDeliverer() async throws {
        #expect(WebhookConfiguration.fromEnvironment(["ASAR_WEBHOOKS_SEND": "0"]).sends == false)
        #expect(WebhookConfiguration.fromEnvironment([:]).sends)
        try await TestDatabase.with { database in
            var configuration = WebhookConfiguration()
            let logger = Logger(label: "test")
            let sending = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes, webhooks: configuration)
            #expect(sending.backgroundServices(logger: logger).contains { $0 is WebhookDeliveryService })
            configuration.sends = false
            configuration.allowPrivateAddresses = true
            let staging = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes, webhooks: configuration)
            #expect(!staging.backgroundServices(logger: logger).contains { $0 is WebhookDeliveryService })
            // Still queued and shown: switching sending back on delivers them.
            let world = try await AccessWorld.build(pool: database.pool)
            let (webhook, _) = try await staging.webhooks.register(url: "http://127.0.0.1:9/hook", for: world.ngo, by: Self.owner(of: world.ngo))
            _ = try await world.partnership(in: .proposed)
            let queued = try await staging.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo))
            #expect(!queued.isEmpty && queued.allSatisfy { $0.status == .pending && $0.attempts == 0 })
        }
    }

    @Test func anOrganizationHasAtMostTenWebhooksSwitchedOn() async throws {
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let webhooks = Self.services(database, allowPrivate: true).webhooks
            let owner = Self.owner(of: world.ngo)
            var made: [Webhook] = []
            for number in 1...WebhookService.maxActive {
                made.append(try await webhooks.register(url: "http://127.0.0.1:9000/hook/\(number)", for: world.ngo, by: owner).webhook)
            }
            await #expect(throws: DomainError.invalid([FieldIssue(
                field: "url", code: "too_many_webhooks", message: "An organization may have at most 10 webhooks switched on; switch one off first."
            )])) {
                _ = try await webhooks.register(url: "http://127.0.0.1:9000/hook/11", for: world.ngo, by: owner)
            }
            // One switched off makes room.
            try await webhooks.disable(made[0].id, by: owner)
            _ = try await webhooks.register(url: "http://127.0.0.1:9000/hook/11", for: world.ngo, by: owner)
            #expect(try await webhooks.list(for: world.ngo, by: owner).filter { $0.disabledAt == nil }.count == WebhookService.maxActive)
        }
    }

    @Test func eventsAreDeliveredSignedRetriedWhileTheReceiverFailsAndReplayed() async throws {
        let receiver = try WebhookReceiver()
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let services = Self.services(database, allowPrivate: true)
            let delivery = services.webhookDelivery(logger: Logger(label: "asar.test.webhooks"))
            let (webhook, secret) = try await services.webhooks.register(url: receiver.url, for: world.ngo, by: Self.owner(of: world.ngo))

            // A receiver that checks the signature: the proposal arrives, signed, once.
            try await receiver.start(secret: secret)
            let partnership = try await world.partnership(in: .proposed)
            #expect(try await delivery.deliverDue() == 1)
            let first = try #require(try receiver.requests().first)
            #expect(first.valid, "the receiver could not verify the signature")
            #expect(first.event == "partnership.propose")
            #expect(first.body.contains(partnership.uuidString.lowercased()))
            #expect(try await delivery.deliverDue() == 0, "a delivered event is not sent again")

            // A receiver that fails: tried three times with backoff, every attempt logged, then failed.
            try await receiver.start(secret: secret, failing: true)
            _ = try await services.partnerships.perform(.withdraw, on: partnership, comment: nil, ifMatch: nil, by: .admin)
            for _ in 0..<30 {
                _ = try await delivery.deliverDue()
                if try await services.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo)).first?.status == .failed { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let failed = try #require(try await services.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo)).first)
            #expect(failed.status == .failed && failed.attempts == 3 && failed.lastStatus == 500)
            #expect(try await WebhookRepository(pool: database.pool).attempts(of: failed.id).map(\.status) == [500, 500, 500])

            // Replayed once the receiver is back: delivered.
            try await receiver.start(secret: secret)
            try await services.webhooks.replay(failed.id, by: Self.owner(of: world.ngo))
            #expect(try await delivery.deliverDue() == 1)
            #expect(try await services.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo)).first?.status == .delivered)
            #expect(try receiver.requests().last?.event == "partnership.withdraw")
            #expect(try receiver.requests().last?.valid == true)

            // A switched-off webhook gets nothing, replays included.
            try await services.webhooks.disable(webhook.id, by: Self.owner(of: world.ngo))
            await #expect(throws: DomainError.self) { try await services.webhooks.replay(failed.id, by: Self.owner(of: world.ngo)) }
            receiver.stop()
        }
    }

    @Test func anOverdueReportReachesEveryPartysWebhookAsAnEvent() async throws {
        let receiver = try WebhookReceiver()
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let services = Self.services(database, allowPrivate: true)
            let delivery = services.webhookDelivery(logger: Logger(label: "asar.test.webhooks"))
            let partnership = try await world.partnership(in: .active)
            // The sponsor, which did not act, registers after the partnership's own events.
            let (_, secret) = try await services.webhooks.register(url: receiver.url, for: world.business, by: Self.owner(of: world.business))
            try await receiver.start(secret: secret)
            let monitoring = services.notificationMailer(logger: Logger(label: "asar.test.notifications"))
            services.clock.advance(by: 105 * 86_400)
            #expect(try await monitoring.pass().overdue == 1)
            #expect(try await monitoring.pass().overdue == 0, "announced once")
            #expect(try await delivery.deliverDue() == 1)
            let sent = try #require(try receiver.requests().first)
            #expect(sent.valid && sent.event == "partnership.overdue")
            #expect(sent.body.contains(partnership.uuidString.lowercased()))
            // The same event is on the partnership's trail, in its parties' inboxes and in the feed.
            let events = try await services.partnerships.events(of: partnership, by: .admin)
            #expect(events.filter { $0.action == "overdue" }.count == 1)
            let inbox = try await OrganizationInboxRepository(pool: database.pool).inbox(of: world.business, unreadOnly: true, before: nil, limit: 20)
            #expect(inbox.contains { $0.kind == "overdue" && $0.partnershipID == partnership })
            receiver.stop()
        }
    }

    @Test func aReceiverThatNeverAnswersIsCutOffAndHoldsNothingUp() async throws {
        // It accepts the connection and says nothing: the attempt ends at the timeout and is
        // logged as failed, and while it hangs the service proposes another partnership.
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            var configuration = WebhookConfiguration()
            configuration.allowPrivateAddresses = true
            configuration.timeout = 8
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes, webhooks: configuration)
            let silent = try SilentListener()
            let (webhook, _) = try await services.webhooks.register(
                url: "http://127.0.0.1:\(silent.port)/hook", for: world.ngo, by: Self.owner(of: world.ngo)
            )
            _ = try await world.partnership(in: .proposed)
            let deliverer = services.webhookDelivery(logger: Logger(label: "asar.test.webhooks"))
            let delivering = Task { try await deliverer.deliverDue() }
            #expect(silent.hasWaitingConnection(milliseconds: 5_000), "the delivery never reached the receiver")
            _ = try await world.partnership(in: .proposed)
            let queued = try await services.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo))
            let first = try #require(queued.min { $0.id < $1.id })
            // Claimed (the count includes the attempt under way) but no answer yet: still hanging.
            #expect(first.attempts == 1 && first.lastError == nil && first.lastStatus == nil, "the service waited for the hung delivery")
            #expect(try await delivering.value == 0)
            let (hung, attempts) = try await services.webhooks.delivery(first.id, by: Self.owner(of: world.ngo))
            #expect(hung.status == .pending && attempts.count == 1)
            #expect(attempts.first?.status == nil && attempts.first?.error != nil)
            #expect((attempts.first?.milliseconds ?? 0) >= 7_900, "cut off before its timeout: \(attempts)")
        }
    }

    @Test func aDeadReceiverNeverHoldsARequestOfTheService() async throws {
        // Nothing listens on this port: the attempt fails at once and is logged, and proposing
        // (which queues the delivery) never waited for it.
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let services = Self.services(database, allowPrivate: true)
            let port = try SMTPSink.freePort()
            let (webhook, _) = try await services.webhooks.register(url: "http://127.0.0.1:\(port)/gone", for: world.ngo, by: Self.owner(of: world.ngo))
            _ = try await world.partnership(in: .proposed)
            #expect(try await services.webhookDelivery(logger: Logger(label: "asar.test.webhooks")).deliverDue() == 0)
            let pending = try #require(try await services.webhooks.deliveries(of: webhook.id, by: Self.owner(of: world.ngo)).first)
            #expect(pending.status == .pending && pending.attempts == 1 && pending.lastStatus == nil && pending.lastError != nil)
        }
    }
}
