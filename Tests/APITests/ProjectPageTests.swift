import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// An NGO's projects and a proposal made from a recommendation, through the pages, on a real database.
@Suite struct ProjectPageTests {
    static func status(of project: UUID, _ database: TestDatabase) async throws -> String {
        try await database.pool.withConnection { try $0.query("SELECT status FROM projects WHERE id = $1", [project]).rows[0].decode(String.self, at: 0) }
    }

    @Test func anNGOPublishesADraftAndSeesItsRecommendedPartners() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let draft = world.draftProject.lowercasedString

                var viewer = try await PartnershipPageTests.signedIn(client, "viewer@ngo.example.kz")
                let viewed = String(buffer: try await viewer.get("/workspace/projects").body)
                #expect(viewed.contains("/workspace/projects/\(draft)") && !viewed.contains("/workspace/projects/\(draft)/publish"))
                #expect(try await viewer.post("/workspace/projects/\(draft)/publish", []).status == .forbidden)
                #expect(try await Self.status(of: world.draftProject, database) == "draft")

                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let list = String(buffer: try await owner.get("/workspace/projects").body)
                #expect(list.contains(#"action="/workspace/projects/\#(draft)/publish""#))
                #expect(list.contains(#"href="/workspace/projects""#), "the header links an NGO to its projects")
                let draftPage = String(buffer: try await owner.get("/workspace/projects/\(draft)").body)
                #expect(draftPage.contains("publish it first"))
                let published = try await owner.post("/workspace/projects/\(draft)/publish", [])
                #expect(published.status == .seeOther && published.headers[.location] == "/workspace/projects?done=publish")
                #expect(try await Self.status(of: world.draftProject, database) == "open")
                // Pairs, and each side on its own: the business to propose to in one step, the akimat whose jurisdiction covers it.
                let partners = String(buffer: try await owner.get("/workspace/projects/\(draft)").body)
                let sides = partners.split(separator: #"id="sponsors-heading""#).last?.split(separator: #"id="bodies-heading""#) ?? []
                try #require(sides.count == 2, "no separate lists of sponsors and government partners")
                #expect(sides[0].contains("business_id=\(world.business.lowercasedString)"))
                #expect(sides[1].contains("/organizations/\(world.akimatInside.lowercasedString)") && !sides[1].contains("/workspace/propose"))

                // Someone else's project is not this NGO's to work on; businesses have no projects page.
                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get("/workspace/projects").status == .forbidden)
                #expect(try await business.post("/workspace/projects/\(draft)/close", []).status == .forbidden)
                #expect(try await Self.status(of: world.draftProject, database) == "open")
                #expect(try await owner.get("/workspace/recommendations").headers[.location] == "/workspace/projects")

                // A project with a partnership under way stays open, and the list says why.
                let busy = try await world.partnership(in: .active)
                let project = try await database.pool.withConnection {
                    try $0.query("SELECT project_id FROM partnerships WHERE id = $1", [busy]).rows[0].decode(UUID.self, at: 0)
                }
                let refused = try await owner.post("/workspace/projects/\(project.lowercasedString)/close", [])
                #expect(refused.headers[.location] == "/workspace/projects?problem=close")
                #expect(String(buffer: try await owner.get("/workspace/projects?problem=close").body).contains("cannot be closed while partnerships"))
                #expect(try await Self.status(of: project, database) == "open")
            }
        }
    }

    @Test func aBusinessProposesFromARecommendationWithThePledgePrefilled() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let project = try await world.openProject()
                // Signing in from a proposal link comes back to the same proposal.
                let link = "/workspace/propose?project_id=\(project.lowercasedString)&business_id=\(world.business.lowercasedString)"
                var anonymous = PageVisitor(client)
                let signedOut = try await anonymous.get(link)
                #expect(signedOut.status == .seeOther)
                #expect(signedOut.headers[.location] == "/sign-in?next=" + (link.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))

                var business = try await PartnershipPageTests.signedIn(client, "owner@business.example.kz")
                #expect(try await business.get("/workspace/recommendations").status == .ok)

                let query = "project_id=\(project.lowercasedString)&business_id=\(world.business.lowercasedString)"
                let form = String(buffer: try await business.get("/workspace/propose?\(query)").body)
                #expect(form.contains(#"name="pledge_kzt" value="20000000""#), "the project's whole need, within the sponsor's budget")
                #expect(form.contains(#"<option value="\#(world.akimatInside.lowercasedString)" selected"#), "the body covering the project comes first")

                let fields = [("project_id", project.lowercasedString), ("business_id", world.business.lowercasedString)]
                let bad = try await business.post("/workspace/propose", fields + [("government_body_id", ""), ("pledge_kzt", "twenty")])
                #expect(bad.status == .unprocessableContent)
                let badHTML = String(buffer: bad.body)
                #expect(badHTML.contains(#"id="pledge_kzt-error""#) && badHTML.contains(#"id="government_body_id-error""#))
                #expect(badHTML.contains(#"value="twenty""#), "what was typed is kept")

                let body = ("government_body_id", world.akimatInside.lowercasedString)
                let proposed = try await business.post("/workspace/propose", fields + [body, ("pledge_kzt", "15 000 000")])
                #expect(proposed.status == .seeOther)
                let location = try #require(proposed.headers[.location])
                #expect(location.hasPrefix("/workspace/partnerships/") && location.hasSuffix("?done=propose"))
                #expect(String(buffer: try await business.get(location).body).contains("Your proposal is made."))
                let (pledge, consent) = try await database.pool.withConnection { connection in
                    let row = try connection.query("SELECT pledge_kzt, business_consent FROM partnerships WHERE project_id = $1", [project]).rows[0]
                    return (try row.decode(Int64.self, at: 0), try row.decode(Bool.self, at: 1))
                }
                #expect(pledge == 15_000_000 && consent, "proposing is the sponsor's consent")

                let again = try await business.post("/workspace/propose", fields + [body, ("pledge_kzt", "15 000 000")])
                #expect(again.status == .unprocessableContent)
                #expect(String(buffer: again.body).contains("already have a partnership in progress"))

                // The NGO finds it waiting for its consent.
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(String(buffer: try await ngo.get("/workspace/partnerships").body).contains("Your consent"))
            }
        }
    }

    @Test func anNGOSavesANewDraftWithErrorsBesideTheFields() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(try await owner.get("/workspace/projects/new").status == .ok)

                let bad = try await owner.post("/workspace/projects/new", [
                    ("title", "Reading club"), ("description", ""), ("region", "550000000"), ("district", "751210000"), ("focus", "nothing"),
                    ("funding_needed_kzt", "a lot"), ("duration_months", "40"), ("beneficiaries", ""),
                ])
                #expect(bad.status == .unprocessableContent)
                let html = String(buffer: bad.body)
                for field in ["district", "focus", "funding_needed_kzt", "duration_months"] {
                    #expect(html.contains(#"id="\#(field)-error""#), "\(field) has its message")
                }
                #expect(html.contains(#"value="Reading club""#), "the title typed is kept")
                #expect(!html.contains(#"id="description-error""#) && !html.contains(#"id="title-error""#), "no message beside fields that are right")

                let district = try await database.pool.withConnection {
                    try $0.query("SELECT kato FROM regions WHERE parent_kato = '550000000' ORDER BY kato LIMIT 1").rows[0].decode(String.self, at: 0)
                }
                let saved = try await owner.post("/workspace/projects/new", [
                    ("title", "Reading club"), ("description", "Weekly sessions"), ("region", "550000000"), ("district", district), ("focus", "inclusion"),
                    ("funding_needed_kzt", "3 000 000"), ("duration_months", "10"), ("beneficiaries", "120"),
                ])
                #expect(saved.status == .seeOther)
                #expect(saved.headers[.location]?.hasPrefix("/workspace/projects?done=created") == true)
                let (status, regions, title) = try await database.pool.withConnection { connection in
                    let row = try connection.query(
                        "SELECT status, regions, title_en FROM projects WHERE organization_id = $1 AND title_en = 'Reading club'", [world.ngo]
                    ).rows[0]
                    return (try row.decode(String.self, at: 0), try row.decode([String].self, at: 1), try row.decode(String?.self, at: 2))
                }
                #expect(status == "draft" && regions == [district] && title == "Reading club", "saved in the page's language, in the district")

                var viewer = try await PartnershipPageTests.signedIn(client, "viewer@ngo.example.kz")
                let refused = try await viewer.post("/workspace/projects/new", [
                    ("title", "Not mine to make"), ("region", "550000000"), ("focus", "inclusion"), ("funding_needed_kzt", "1"), ("duration_months", "1"),
                ])
                #expect(refused.status == .forbidden)
            }
        }
    }
}
