import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The inbox page: the unread count in the header, news linking to where the person acts, read
/// marks, and the choice of email.
@Suite struct InboxPageTests {
    @Test func newsShowsInTheHeaderAndTheInboxAndOpensWhereThePersonActs() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                // The owner heard who joined after them (a member and a viewer), and reads it.
                let joined = String(buffer: try await ngo.get("/inbox").body)
                #expect(joined.contains("Inbox (2 new)") && joined.contains("Someone joined your organization"))
                #expect(joined.contains("member@ngo.example.kz, member") && joined.contains("viewer@ngo.example.kz, viewer"))
                #expect(try await ngo.post("/inbox/read", []).status == .seeOther)
                #expect(!String(buffer: try await ngo.get("/inbox").body).contains("new)"))

                // The sponsor proposes (through the API): the NGO's owner has news.
                let project = try await world.openProject()
                let proposed = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)", "pledge_kzt": 1000}
                    """, as: world.caller("business"))
                let partnership = try #require(proposed.json["id"] as? String)
                let page = String(buffer: try await ngo.get("/inbox").body)
                #expect(page.contains("Inbox (1 new)"), "the header counts unread news")
                #expect(page.contains("A partnership is proposed: your consent is asked for") && page.contains("Your move"))
                let id = try #require(page.range(of: #"href="/inbox/(\d+)""#, options: .regularExpression).map { String(page[$0].dropFirst(13).dropLast()) })

                // Someone else's notification does not exist for them.
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get("/inbox/\(id)").status == .notFound)

                let opened = try await ngo.get("/inbox/\(id)")
                #expect(opened.status == .seeOther)
                #expect(opened.headers[.location] == "/workspace/partnerships/\(partnership)")
                #expect(!String(buffer: try await ngo.get("/inbox").body).contains("new)"), "opened news is read")

                // Email: a choice is saved; a forged value is refused beside the field.
                let forged = try await ngo.post("/inbox/email", [("email_notifications", "hourly")])
                #expect(forged.status == .unprocessableContent)
                #expect(String(buffer: forged.body).contains(#"id="email_notifications-error""#))
                #expect(try await ngo.post("/inbox/email", [("email_notifications", "daily")]).status == .seeOther)
                let person = try #require(try await PeopleRepository(pool: database.pool).credentials(email: "owner@ngo.example.kz"))
                #expect(try await NotificationRepository(pool: database.pool).emailFrequency(of: person.person.id) == .daily)

                // Marking everything read.
                try await client.send(.post, "/v1/partnerships/\(partnership)/withdraw", as: world.caller("business"))
                #expect(String(buffer: try await ngo.get("/inbox").body).contains("Inbox (1 new)"))
                #expect(try await ngo.post("/inbox/read", []).status == .seeOther)
                #expect(!String(buffer: try await ngo.get("/inbox").body).contains("new)"))

                // A person in two organizations, acting for the one the news is not about, is
                // switched to the right one on opening it (the proposal is hidden from the other).
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                _ = try await services.accounts.createPerson(
                    .init(email: "both@example.kz", name: "Both", password: PartnershipPageTests.password), isAdmin: false,
                    memberships: [(world.ngo, .member), (world.spare, .member)], by: .admin
                )
                let second = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(try await world.openProject())", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)", "pledge_kzt": 1000}
                    """, as: world.caller("business"))
                let secondID = try #require(second.json["id"] as? String)
                var both = try await PartnershipPageTests.signedIn(client, "both@example.kz")
                #expect(try await both.post("/account/organization", [("organization_id", world.spare.lowercasedString)]).status == .seeOther)
                #expect(try await both.get("/workspace/partnerships/\(secondID)").status == .notFound)
                let bothInbox = String(buffer: try await both.get("/inbox").body)
                let bothID = try #require(bothInbox.range(of: #"href="/inbox/(\d+)""#, options: .regularExpression).map { String(bothInbox[$0].dropFirst(13).dropLast()) })
                let followed = try await both.get("/inbox/\(bothID)")
                #expect(followed.headers[.location] == "/workspace/partnerships/\(secondID)")
                #expect(try await both.get("/workspace/partnerships/\(secondID)").status == .ok, "opening the news acts for its organization")
            }
        }
    }
}
