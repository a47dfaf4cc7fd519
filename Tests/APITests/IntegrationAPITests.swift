import Domain
import Foundation
import HTTPTypes
import Storage
import Testing
import TestSupport
import UseCases

/// What an integration does through the API beside partnerships: tokens in a role, the
/// organization's inbox, its webhooks with deliveries and their attempts, and the monitoring figures.
@Suite struct IntegrationAPITests {
    @Test func aTokenActsInItsRole() async throws {
        try await TestDatabase.with { database in
            try await withService(database, allowPrivateWebhooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let tokens = TokenRepository(pool: database.pool)
                let owner = RequestCaller.token(try await tokens.issue(organizationID: world.ngo, role: .owner, label: "owner").token)
                let viewer = RequestCaller.token(try await tokens.issue(organizationID: world.ngo, role: .viewer, label: "viewer").token)
                let webhooks = "/v1/organizations/\(world.ngo)/webhooks"
                let body = #"{"url": "http://127.0.0.1:9/asar"}"#
                for (name, caller) in [("member", world.caller("ngo")), ("viewer", viewer)] {
                    let refused = try await client.send(.post, webhooks, json: body, as: caller)
                    #expect(refused.status == .forbidden && refused.isProblem, "\(name) registered a webhook")
                    #expect(try await client.send(.get, webhooks, as: caller).status == .forbidden, "\(name) listed webhooks")
                }
                // A viewer's token reads the organization's private data and changes nothing.
                #expect(try await client.send(.get, "/v1/organizations/\(world.ngo)/inbox", as: viewer).status == .ok)
                #expect(try await client.send(.post, "/v1/organizations/\(world.ngo)/inbox/read", as: viewer).status == .forbidden)
                #expect(try await client.send(.patch, "/v1/organizations/\(world.ngo)", json: #"{"staff_count": 7}"#, as: viewer).status == .forbidden)
                // An owner's token manages webhooks; the secret is in the answer that made it, and only there.
                let made = try await client.send(.post, webhooks, json: body, as: owner)
                #expect(made.status == .created)
                let secret = try #require(made.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                let listed = try await client.send(.get, webhooks, as: owner)
                #expect(listed.items.map { $0["id"] as? String } == [made.json["id"] as? String])
                #expect(listed.items.allSatisfy { $0["secret"] == nil && $0["active"] as? Bool == true })
                #expect(!String(buffer: listed.body).contains(secret))
                // An owner of another organization sees none of it.
                let stranger = RequestCaller.token(try await tokens.issue(organizationID: world.business, role: .owner, label: "other").token)
                let id = try #require(made.json["id"] as? String)
                #expect(try await client.send(.get, "/v1/webhooks/\(id)/deliveries", as: stranger).status == .notFound)
                #expect(try await client.send(.delete, "/v1/webhooks/\(id)", as: stranger).status == .notFound)
                #expect(try await client.send(.delete, "/v1/webhooks/\(id)", as: owner).status == .noContent)
                let after = try await client.send(.get, webhooks, as: owner)
                #expect(after.items.first?["active"] as? Bool == false && after.items.first?["disabled_at"] != nil)
            }
        }
    }

    @Test func webhookRegistrationRefusalsSayWhy() async throws {
        try await TestDatabase.with { database in
            // Addresses are checked as in production here.
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let path = "/v1/organizations/\(world.ngo)/webhooks"
                let cases: [(String, String, HTTPResponse.Status, String?)] = [
                    ("loopback", #"{"url": "http://127.0.0.1:8080/hook"}"#, .unprocessableContent, "url"),
                    ("cloud metadata", #"{"url": "http://169.254.169.254/latest"}"#, .unprocessableContent, "url"),
                    ("not http", #"{"url": "ftp://example.kz/x"}"#, .unprocessableContent, "url"),
                    ("no url", #"{}"#, .unprocessableContent, "url"),
                    ("unknown field", #"{"url": "https://example.kz/x", "events": ["all"]}"#, .unprocessableContent, "events"),
                    ("malformed", #"{"url": "#, .badRequest, nil),
                ]
                for (name, body, status, field) in cases {
                    let response = try await client.send(.post, path, json: body)
                    #expect(response.status == status && response.isProblem, "\(name): \(response.status)")
                    if let field { #expect(response.errorFields == [field], "\(name)") }
                }
                // A public address (no name to resolve) for an organization nobody registered.
                let nobody = try await client.send(.post, "/v1/organizations/\(UUID())/webhooks", json: #"{"url": "http://93.184.216.34/hook"}"#)
                #expect(nobody.status == .notFound && nobody.isProblem)
                #expect(try await client.send(.get, "/v1/webhook-deliveries/0", as: .admin).status == .notFound)
                #expect(try await client.send(.get, "/v1/webhook-deliveries/x", as: .admin).status == .notFound)
                #expect(try await client.send(.get, "/v1/webhook-deliveries/999999", as: .admin).status == .notFound)
            }
        }
    }

    @Test func deliveriesShowEveryAttemptAndReplay() async throws {
        let receiver = try WebhookReceiver()
        try await TestDatabase.with { database in
            // The service's own deliverer sends, beside the test, with quick retries.
            let retry = WebhookRetryPolicy(maxAttempts: 2, firstRetry: 0.1, maxDelay: 0.2)
            try await withService(database, allowPrivateWebhooks: true, webhookRetry: retry) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let owner = RequestCaller.token(try await TokenRepository(pool: database.pool).issue(organizationID: world.ngo, role: .owner).token)
                let made = try await client.send(.post, "/v1/organizations/\(world.ngo)/webhooks", json: #"{"url": "\#(receiver.url)"}"#, as: owner)
                let webhook = try #require(made.json["id"] as? String)
                let secret = try #require(made.json["secret"] as? String)
                /// The first delivery once it reaches `status` (within about ten seconds).
                func first(_ status: String) async throws -> [String: Any]? {
                    for _ in 0..<100 {
                        let listed = try await client.send(.get, "/v1/webhooks/\(webhook)/deliveries?limit=5", as: owner)
                        if let item = listed.items.first, item["status"] as? String == status { return item }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return nil
                }

                try await receiver.start(secret: secret, failing: true)
                _ = try await world.partnership(in: .proposed)
                let failed = try #require(try await first("failed"), "the delivery to a failing receiver did not fail")
                #expect(failed["attempts"] as? Int == 2 && failed["last_status"] as? Int == 500)
                #expect(failed["action"] as? String == "propose" && failed["attempt_log"] == nil)
                let id = try #require(failed["id"] as? Int)
                let one = try await client.send(.get, "/v1/webhook-deliveries/\(id)", as: owner)
                let log = try #require(one.json["attempt_log"] as? [[String: Any]])
                #expect(log.map { $0["status"] as? Int } == [500, 500])
                #expect(log.allSatisfy { ($0["duration_ms"] as? Int ?? -1) >= 0 && $0["at"] is String })

                try await receiver.start(secret: secret)
                let replayed = try await client.send(.post, "/v1/webhook-deliveries/\(id)/replay", as: owner)
                #expect(replayed.status == .accepted && replayed.json["status"] as? String != "failed")
                _ = try #require(try await first("delivered"), "the replayed delivery was not delivered")
                let delivered = try await client.send(.get, "/v1/webhook-deliveries/\(id)", as: owner)
                #expect(delivered.json["delivered_at"] is String)
                #expect((delivered.json["attempt_log"] as? [[String: Any]])?.last?["status"] as? Int == 200)
                #expect(try receiver.requests().last?.valid == true)

                // Switched off: a replay is refused, with the reason.
                #expect(try await client.send(.delete, "/v1/webhooks/\(webhook)", as: owner).status == .noContent)
                let refused = try await client.send(.post, "/v1/webhook-deliveries/\(id)/replay", as: owner)
                #expect(refused.status == .conflict && refused.isProblem)
                receiver.stop()
            }
        }
    }

    @Test func anOrganizationsInboxHoldsItsPartnershipsNews() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let business = world.caller("business")
                let inbox = "/v1/organizations/\(world.business)/inbox"
                #expect(try await client.send(.get, inbox, as: business).json["unread_count"] as? Int == 0)

                // The NGO proposes: the business and the akimat hear of it, the NGO (which acted) does not.
                let partnership = try await world.partnership(in: .proposed)
                let first = try await client.send(.get, inbox, as: business)
                #expect(first.status == .ok && first.json["unread_count"] as? Int == 1)
                let item = try #require(first.items.first)
                #expect(item["kind"] as? String == "propose" && item["partnership_id"] as? String == partnership.lowercasedString)
                #expect(item["needs_action"] as? Bool == true && item["state"] as? String == "proposed" && item["read_at"] == nil)
                #expect((item["project_title"] as? [String: Any])?["ru"] as? String == "Мастерская")
                let akimatInbox = try await client.send(.get, "/v1/organizations/\(world.akimatInside)/inbox", as: world.caller("government_inside"))
                #expect(akimatInbox.items.count == 1)
                let akimatItem = try #require(akimatInbox.items.first?["id"] as? Int)
                #expect(try await client.send(.get, "/v1/organizations/\(world.ngo)/inbox", as: world.caller("ngo")).items.isEmpty)

                // Marked read once, for the whole organization; again keeps the first time.
                let id = try #require(item["id"] as? Int)
                let read = try await client.send(.post, "\(inbox)/\(id)/read", as: business)
                #expect(read.status == .ok && read.json["read_at"] is String)
                #expect(try await client.send(.post, "\(inbox)/\(id)/read", as: business).json["read_at"] as? String == read.json["read_at"] as? String)
                #expect(try await client.send(.get, "\(inbox)?unread=true", as: business).items.isEmpty)
                // Another organization's item does not exist here, and stays unread.
                #expect(try await client.send(.post, "/v1/organizations/\(world.business)/inbox/\(akimatItem)/read", as: business).status == .notFound)
                #expect(try await client.send(.post, "/v1/organizations/\(world.business)/inbox/\(id + 1_000_000)/read", as: business).status == .notFound)
                let stillUnread = try await client.send(.get, "/v1/organizations/\(world.akimatInside)/inbox?unread=true", as: world.caller("government_inside"))
                #expect(stillUnread.items.compactMap { $0["id"] as? Int } == [akimatItem])

                // Paging back with before, and marking read only what was seen.
                for _ in 0..<3 { _ = try await world.partnership(in: .proposed) }
                let page = try await client.send(.get, "\(inbox)?limit=2", as: business)
                #expect(page.items.count == 2 && page.json["unread_count"] as? Int == 3)
                let before = try #require(page.json["next_before"] as? Int)
                let older = try await client.send(.get, "\(inbox)?limit=2&before=\(before)", as: business)
                #expect(older.items.count == 2 && older.json["next_before"] as? Int != nil)
                #expect(Set(older.items.compactMap { $0["id"] as? Int }).isDisjoint(with: page.items.compactMap { $0["id"] as? Int }))
                let through = try #require(page.items.last?["id"] as? Int)
                let marked = try await client.send(.post, "\(inbox)/read", json: #"{"through": \#(through - 1)}"#, as: business)
                #expect(marked.status == .ok && marked.json["marked"] as? Int == 1)
                #expect(try await client.send(.post, "\(inbox)/read", as: business).json["marked"] as? Int == 2)
                #expect(try await client.send(.get, inbox, as: business).json["unread_count"] as? Int == 0)

                // Bad parameters are named.
                for (query, field) in [("unread=maybe", "unread"), ("before=0", "before"), ("limit=500", "limit"), ("page=2", "page")] {
                    let bad = try await client.send(.get, "\(inbox)?\(query)", as: business)
                    #expect(bad.status == .unprocessableContent && bad.errorFields == [field], "\(query)")
                }
                let badBody = try await client.send(.post, "\(inbox)/read", json: #"{"through": "all"}"#, as: business)
                #expect(badBody.status == .unprocessableContent && badBody.errorFields == ["through"])
            }
        }
    }

    @Test func theDashboardAnswersForAPlaceAFocusAreaAndASponsor() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                _ = try await world.partnership(in: .active, pledge: 4_000_000)
                let country = try await client.send(.get, "/v1/dashboard")
                #expect(country.status == .ok && country.json["place"] == nil && country.json["as_of"] is String)
                let total = try #require(country.json["total"] as? [String: Any])
                #expect(total["active"] as? Int == 1 && total["pledged_kzt"] as? Int == 4_000_000 && total["key"] == nil)
                #expect((country.json["places"] as? [[String: Any]])?.contains { $0["key"] as? String == "550000000" } == true)

                let region = try await client.send(.get, "/v1/dashboard?place=550000000&focus_area=inclusion&sponsor_id=\(world.business)")
                #expect(region.status == .ok && region.json["place"] as? String == "550000000")
                #expect((region.json["total"] as? [String: Any])?["active"] as? Int == 1)
                #expect((region.json["pipeline"] as? [String: Any])?["active"] as? Int == 1)
                let focus = try #require(region.json["focus_areas"] as? [[String: Any]])
                #expect(focus.map { $0["key"] as? String } == ["inclusion"])
                // Another sponsor has placed nothing there.
                let other = try await client.send(.get, "/v1/dashboard?sponsor_id=\(world.ngo)")
                #expect((other.json["total"] as? [String: Any])?["partnerships"] as? Int == 0)

                for (query, field) in [("place=999999999", "place"), ("place=abc", "place"), ("focus_area=astrology", "focus_area"),
                                       ("sponsor_id=nobody", "sponsor_id"), ("region=550000000", "region")] {
                    let bad = try await client.send(.get, "/v1/dashboard?\(query)")
                    #expect(bad.status == .unprocessableContent && bad.isProblem && bad.errorFields == [field], "\(query): \(bad.status)")
                }
            }
        }
    }
}
