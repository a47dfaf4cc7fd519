import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport

/// The business's recommendations page: its filters, the shortlist and "not interested", each
/// form coming back to the list it was sent from, and refused to a viewer.
@Suite struct RecommendationPageTests {
    @Test func aBusinessNarrowsItsListKeepsAShortlistAndSetsAProjectAside() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let project = try await world.openProject().lowercasedString
                var owner = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                var viewer = try await PartnershipPageTests.signedIn(client, "viewer@business.example.kz")

                let list = "/workspace/recommendations?region=550000000&focus=inclusion"
                #expect(String(buffer: try await owner.get(list).body).contains(#"id="project-\#(project)""#))
                let elsewhere = String(buffer: try await owner.get("/workspace/recommendations?region=750000000").body)
                #expect(!elsewhere.contains(#"id="project-\#(project)""#), "a project in Pavlodar is not in Almaty's list")
                let wrong = try await owner.get("/workspace/recommendations?max_gap=lots&region=99")
                #expect(wrong.status == .badRequest)
                #expect(String(buffer: wrong.body).contains(#"id="max_gap-error""#) && String(buffer: wrong.body).contains(#"id="region-error""#))

                // Saving comes back to the same list; a `back` leading anywhere else is not followed.
                let saved = try await owner.post("/workspace/shortlist/\(project)", [("back", list)])
                #expect(saved.headers[.location] == list + "&done=saved")
                #expect(String(buffer: try await owner.get(list).body).contains("On your shortlist"))
                for away in ["//evil.example/x", "https://evil.example/", "/workspace/../account", "/account"] {
                    let again = try await owner.post("/workspace/shortlist/\(project)", [("back", away)])
                    #expect(again.headers[.location] == "/workspace/shortlist?done=saved", "\(away)")
                }
                #expect(String(buffer: try await owner.get("/workspace/shortlist").body).contains("Мастерская"))
                #expect(try await viewer.post("/workspace/shortlist/\(project)/remove", []).status == .forbidden)
                #expect(try await viewer.post("/workspace/recommendations/\(project)/dismiss", []).status == .forbidden)

                // Not interested: gone from the list at once, named on the shortlist page, back with one press.
                let dismissed = try await owner.post("/workspace/recommendations/\(project)/dismiss", [("back", list)])
                #expect(dismissed.headers[.location] == list + "&done=dismissed&project=\(project)")
                let without = String(buffer: try await owner.get(list + "&done=dismissed&project=\(project)").body)
                #expect(!without.contains(#"id="project-\#(project)""#))
                #expect(without.contains(#"action="/workspace/recommendations/\#(project)/restore""#), "no undo")
                let names = try await client.send(.get, "/v1/organizations/\(world.business)/dismissals", as: world.caller("business"))
                #expect((names.items.first?["candidate_name"] as? [String: Any])?["ru"] as? String == "Мастерская")
                #expect(try await owner.post("/workspace/recommendations/\(project)/restore", [("back", list)]).headers[.location] == list + "&done=restored")
                #expect(String(buffer: try await owner.get(list).body).contains(#"id="project-\#(project)""#))

                // Proposing takes the project off the shortlist: it is among the partnerships now.
                #expect(try await owner.post("/workspace/shortlist/\(project)", []).status == .seeOther)
                let proposed = try await client.send(.post, "/v1/partnerships", json: """
                    {"project_id": "\(project)", "business_id": "\(world.business)", "government_body_id": "\(world.akimatInside)", "pledge_kzt": 1000}
                    """, as: world.caller("business"))
                #expect(proposed.status == .created)
                #expect(try await client.send(.get, "/v1/organizations/\(world.business)/shortlist", as: world.caller("business")).items.isEmpty)
            }
        }
    }
}
