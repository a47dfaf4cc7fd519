import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// An owner's webhook page: registering (the secret shown once, a bad URL refused beside the
/// field), the deliveries an event queues, a replay; nobody but owners sees it.
@Suite struct WebhookPageTests {
    @Test func anOwnerRegistersAWebhookSeesItsDeliveriesAndReplaysOne() async throws {
        try await TestDatabase.with { database in
            try await withService(database, allowPrivateWebhooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let path = "/organizations/\(world.ngo.lowercasedString)/webhooks"
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let empty = String(buffer: try await owner.get(path).body)
                #expect(empty.contains("No webhooks yet.") && !empty.contains("shown only now"), "no secret notice before one is made")

                let bad = try await owner.post(path, [("url", "ftp://example.kz/hook")])
                #expect(bad.status == .unprocessableContent)
                let badHTML = String(buffer: bad.body)
                #expect(badHTML.contains(#"id="url-error""#) && badHTML.contains(#"value="ftp://example.kz/hook""#))

                let added = String(buffer: try await owner.post(path, [("url", "http://127.0.0.1:9/hook")]).body)
                #expect(added.contains("whsec_"), "the secret is shown once")
                #expect(!String(buffer: try await owner.get(path).body).contains("whsec_"), "and never again")

                // A member of the NGO is no owner.
                var member = try await PartnershipPageTests.signedIn(client, "member@ngo.example.kz")
                #expect(try await member.get(path).status == .forbidden)

                // An event of the NGO's partnerships is queued for the webhook.
                _ = try await world.partnership(in: .proposed)
                let page = String(buffer: try await owner.get(path).body)
                #expect(page.contains("partnership.propose") && page.contains("Waiting"))
                let delivery = try #require(page.range(of: #"/webhooks/deliveries/(\d+)/replay"#, options: .regularExpression).map { String(page[$0]) })
                let replayed = try await owner.post("/organizations/\(world.ngo.lowercasedString)\(delivery)", [])
                #expect(replayed.status == .seeOther)
                #expect(String(buffer: try await owner.get(path + "?done=replay").body).contains("queued again"))

                // Every attempt on a page of its own: the receiver (nothing listens on port 9) refused each one.
                let detail = "/organizations/\(world.ngo.lowercasedString)" + delivery.replacingOccurrences(of: "/replay", with: "")
                #expect(page.contains(#"href="\#(detail)""#), "the deliveries table links each delivery's attempts")
                var attempts = ""
                for _ in 0..<100 where !attempts.contains("Every attempt") {
                    attempts = String(buffer: try await owner.get(detail).body)
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(attempts.contains("Every attempt") && attempts.contains("connect") && attempts.contains(" ms<"), "\(attempts)")
                #expect(try await member.get(detail).status == .forbidden)
                let elsewhere = detail.replacingOccurrences(of: world.ngo.lowercasedString, with: world.business.lowercasedString)
                #expect(try await owner.get(elsewhere).status == .notFound)
            }
        }
    }
}
