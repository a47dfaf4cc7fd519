import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The parties' partnership workspace, through its pages, on a real database.
@Suite struct PartnershipPageTests {
    static let password = ReviewPageTests.password
    static let secret = ReviewPageTests.secret

    /// People of each party (the government body's with the second factor it must have), a viewer
    /// of the NGO, and a member of an organization that takes no part.
    static func people(_ database: TestDatabase, world: AccessWorld) async throws {
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        for (email, organization, role) in [
            ("owner@ngo.example.kz", world.ngo, MembershipRole.owner),
            ("member@ngo.example.kz", world.ngo, .member),
            ("viewer@ngo.example.kz", world.ngo, .viewer),
            ("owner@business.example.kz", world.business, .owner),
            ("viewer@business.example.kz", world.business, .viewer),
            ("member@inside.example.kz", world.akimatInside, .member),
            ("member@spare.example.kz", world.spare, .member),
        ] {
            let needsCode = organization == world.akimatInside
            _ = try await services.accounts.createPerson(
                .init(email: email, name: email, password: password), isAdmin: false,
                memberships: [(organization, role)], totpSecret: needsCode ? secret : nil, by: .admin
            )
        }
    }

    static func signedIn(_ client: APIClient, _ email: String) async throws -> PageVisitor {
        try await ReviewPageTests.signedIn(client, email, code: email.hasSuffix("inside.example.kz"))
    }

    static func row(_ id: UUID, _ database: TestDatabase) async throws -> (state: String, disbursed: Int64, reports: Int) {
        try await database.pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT state, (SELECT coalesce(sum(amount_disbursed_kzt), 0)::bigint FROM partnership_reports WHERE partnership_id = p.id),
                       (SELECT count(*)::int FROM partnership_reports WHERE partnership_id = p.id)
                FROM partnerships p WHERE id = $1
                """, [id]
            ).rows[0]
            return (try row.decode(String.self, at: 0), try row.decode(Int64.self, at: 1), try row.decode(Int.self, at: 2))
        }
    }

    static func version(in html: String) throws -> String {
        try #require(ReviewPageTests.version(in: html))
    }

    @Test func aPartyChangesAProposalsTermsAndTheOthersConsentAgain() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let id = try await world.partnership(in: .proposed)
                let path = "/workspace/partnerships/\(id.lowercasedString)"
                var owner = try await Self.signedIn(client, "owner@ngo.example.kz")
                let page = String(buffer: try await owner.get(path).body)
                #expect(page.contains(#"action="\#(path)/terms""#), "a proposal's page offers new terms to its parties")
                let version = String(try #require(page.firstMatch(of: /name="version" value="(\d+)"/)?.output.1))
                let indicator = [
                    ("indicator_rows", "1"), ("indicator_1_name", "Children enrolled"), ("indicator_1_unit", "children"),
                    ("indicator_1_baseline", "0"), ("indicator_1_target", "40"), ("reporting_period_days", "90"),
                ]

                let bad = try await owner.post(path + "/terms", [("version", version), ("pledge_kzt", "much")] + indicator)
                #expect(bad.status == .unprocessableContent)
                let badPage = String(buffer: bad.body)
                #expect(badPage.contains(#"id="pledge_kzt-error""#) && badPage.contains(#"value="Children enrolled""#), "the indicator typed was lost")

                let saved = try await owner.post(path + "/terms", [("version", version), ("pledge_kzt", "900 000")] + indicator)
                #expect(saved.headers[.location] == "\(path)?done=amend")
                let stored = try await PartnershipRepository(pool: database.pool).find(id)
                #expect(stored.pledgeKZT == 900_000 && stored.state == .proposed && stored.consents == [.ngo], "the others consent again")
                let framework = try await PartnershipRepository(pool: database.pool).framework(of: id)
                #expect(framework.indicators.map(\.name) == ["Children enrolled"] && framework.reportingPeriodDays == 90)
                #expect(String(buffer: try await owner.get("\(path)?done=amend").body).contains("The new terms are saved"))

                // The page it was sent from is stale now: nothing more changes.
                let stale = try await owner.post(path + "/terms", [("version", version), ("pledge_kzt", "800000")] + indicator)
                #expect(stale.status == .conflict)
                // The form shows the terms as they now are, so one more press cannot overwrite them unseen.
                let stalePage = String(buffer: stale.body)
                #expect(stalePage.contains(#"id="pledge_kzt" name="pledge_kzt" value="900000""#) && !stalePage.contains(#"value="800000""#))
                #expect(try await PartnershipRepository(pool: database.pool).find(id).pledgeKZT == 900_000)
                var viewer = try await Self.signedIn(client, "viewer@ngo.example.kz")
                #expect(!String(buffer: try await viewer.get(path).body).contains("/terms"), "a viewer gets no form")
            }
        }
    }

    @Test func eachPartySeesWhatItsPartnershipWaitsForAndConsentsFromItsPage() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let id = try await world.partnership(in: .proposed)
                let path = "/workspace/partnerships/\(id.lowercasedString)"

                var ngo = try await Self.signedIn(client, "owner@ngo.example.kz")
                let list = String(buffer: try await ngo.get("/workspace/partnerships").body)
                #expect(list.contains(path))
                #expect(list.contains("Consent from: Business sponsor, Government body"), "the NGO consented when it proposed")
                #expect(list.contains(#"href="/workspace/partnerships""#), "the header links to the workspace")

                var businessViewer = try await Self.signedIn(client, "viewer@business.example.kz")
                let viewed = String(buffer: try await businessViewer.get("/workspace/partnerships").body)
                #expect(viewed.contains("Consent from: Business sponsor, Government body"), "a viewer cannot consent, so it is not their turn")

                var business = try await Self.signedIn(client, "owner@business.example.kz")
                let page = String(buffer: try await business.get(path).body)
                #expect(page.contains("Your consent, and consent from: Government body"))
                let consented = try await business.post(path, [("action", "consent"), ("version", try Self.version(in: page)), ("comment", "")])
                #expect(consented.status == .seeOther)
                #expect(consented.headers[.location] == "\(path)?done=consent")
                #expect(String(buffer: try await business.get(path + "?done=consent").body).contains("Your consent is recorded."))

                var akimat = try await Self.signedIn(client, "member@inside.example.kz")
                let bodyPage = String(buffer: try await akimat.get(path).body)
                let done = try await akimat.post(path, [("action", "consent"), ("version", try Self.version(in: bodyPage)), ("comment", "")])
                #expect(done.status == .seeOther)
                #expect(try await Self.row(id, database).state == "under_review", "the third consent sends it to review")

                // Someone in no role reads no private partnership, and a party's move is not theirs.
                var stranger = try await Self.signedIn(client, "member@spare.example.kz")
                #expect(try await stranger.get(path).status == .notFound)
                #expect(!String(buffer: try await stranger.get("/workspace/partnerships").body).contains(path))
                let refused = try await stranger.post(path, [("action", "withdraw"), ("version", "1"), ("comment", "")])
                #expect(refused.status == .notFound)
                #expect(try await Self.row(id, database).state == "under_review")
            }
        }
    }

    @Test func theNGOFilesReportsWithErrorsBesideTheFieldsAndAStalePageIsRefused() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let id = try await world.partnership(in: .active, pledge: 10_000_000)
                let path = "/workspace/partnerships/\(id.lowercasedString)"
                let reports = path + "/reports"

                var owner = try await Self.signedIn(client, "owner@ngo.example.kz")
                var member = try await Self.signedIn(client, "member@ngo.example.kz")
                let page = String(buffer: try await owner.get(path).body)
                #expect(page.contains("Your milestone reports, then the final evaluation"))
                let version = try Self.version(in: page)
                let memberPage = String(buffer: try await member.get(path).body)

                let bad = try await owner.post(reports, [
                    ("version", version), ("kind", "milestone"), ("amount_disbursed_kzt", "ten"), ("beneficiaries_reached", "-3"), ("text", "Classes held"),
                ])
                #expect(bad.status == .unprocessableContent)
                let badHTML = String(buffer: bad.body)
                for field in ["amount_disbursed_kzt", "beneficiaries_reached"] {
                    #expect(badHTML.contains(#"id="\#(field)-error""#) && badHTML.contains(##"href="#\##(field)""##), "\(field) has its message")
                }
                #expect(badHTML.contains(#"value="ten""#) && badHTML.contains("Classes held"), "what was typed is kept")

                let over = try await owner.post(reports, [
                    ("version", version), ("kind", "milestone"), ("amount_disbursed_kzt", "10 000 001"), ("beneficiaries_reached", "3"), ("text", "All of it"),
                ])
                #expect(over.status == .unprocessableContent)
                #expect(String(buffer: over.body).contains("past the pledge"))
                #expect(try await Self.row(id, database).reports == 0)

                let filed = try await owner.post(reports, [
                    ("version", version), ("kind", "milestone"), ("amount_disbursed_kzt", "2 500 000"), ("beneficiaries_reached", "40"), ("text", "Two classes held"),
                ])
                #expect(filed.status == .seeOther)
                #expect(try await Self.row(id, database).disbursed == 2_500_000)

                // The member's page was opened before the owner's report: refused and shown as it is now.
                let stale = try await member.post(reports, [
                    ("version", try Self.version(in: memberPage)), ("kind", "milestone"), ("amount_disbursed_kzt", "1"), ("beneficiaries_reached", "1"), ("text", "Same"),
                ])
                #expect(stale.status == .conflict)
                #expect(String(buffer: stale.body).contains("Someone acted on this partnership"))
                #expect(try await Self.row(id, database).reports == 1)
                // The sponsor's list of partnerships tells what its NGO has reported, and when.
                var sponsor = try await Self.signedIn(client, "owner@business.example.kz")
                let sponsorList = String(buffer: try await sponsor.get("/workspace/partnerships").body)
                #expect(sponsorList.contains("1 milestone reports") && sponsorList.contains("Latest:"))

                // The final evaluation needs a rating and completes the partnership.
                let current = try Self.version(in: String(buffer: try await owner.get(path).body))
                let unrated = try await owner.post(reports, [
                    ("version", current), ("kind", "final"), ("amount_disbursed_kzt", "0"), ("beneficiaries_reached", "0"), ("text", "Done"), ("rating", ""),
                ])
                #expect(unrated.status == .unprocessableContent)
                #expect(String(buffer: unrated.body).contains(#"id="rating-error""#))
                let final = try await owner.post(reports, [
                    ("version", current), ("kind", "final"), ("amount_disbursed_kzt", "0"), ("beneficiaries_reached", "0"), ("text", "Done"), ("rating", "4"),
                ])
                #expect(final.status == .seeOther)
                #expect(try await Self.row(id, database).state == "completed")

                // A viewer reads the partnership and is offered nothing.
                var viewer = try await Self.signedIn(client, "viewer@ngo.example.kz")
                let viewed = String(buffer: try await viewer.get(path).body)
                #expect(viewed.contains("Two classes held"))
                #expect(!viewed.contains("<form method=\"post\" action=\"\(path)"))
            }
        }
    }

    @Test func aViewerCannotActEvenWithAForgedForm() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let id = try await world.partnership(in: .active)
                var viewer = try await Self.signedIn(client, "viewer@ngo.example.kz")
                let path = "/workspace/partnerships/\(id.lowercasedString)"
                let version = try await database.pool.withConnection {
                    try $0.query("SELECT version FROM partnerships WHERE id = $1", [id]).rows[0].decode(Int.self, at: 0)
                }
                let forged = try await viewer.post(path + "/reports", [
                    ("version", String(version)), ("kind", "milestone"), ("amount_disbursed_kzt", "5"), ("beneficiaries_reached", "1"), ("text", "x"),
                ])
                #expect(forged.status == .forbidden)
                let cancel = try await viewer.post(path, [("action", "cancel"), ("version", String(version)), ("comment", "no")])
                #expect(cancel.status == .forbidden)
                #expect(try await Self.row(id, database).state == "active")
                #expect(try await Self.row(id, database).reports == 0)
            }
        }
    }

    @Test func theBudgetPageRefusesWhatTheDatabaseWouldWithTheReason() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                _ = try await world.partnership(in: .approved, pledge: 10_000_000)
                func declared() async throws -> Int64? {
                    try await database.pool.withConnection {
                        try $0.query("SELECT annual_csr_budget_kzt FROM organizations WHERE id = $1", [world.business]).rows[0].decode(Int64?.self, at: 0)
                    }
                }
                let before = try await declared()

                var owner = try await Self.signedIn(client, "owner@business.example.kz")
                let page = try await owner.get("/workspace/budget")
                #expect(page.status == .ok)
                #expect(String(buffer: page.body).contains("Pledged in approved and active partnerships"))
                #expect(String(buffer: page.body).contains(#"href="/workspace/budget""#), "the header links a business to its budget")

                let below = try await owner.post("/workspace/budget", [("annual_csr_budget_kzt", "5 000 000")])
                #expect(below.status == .unprocessableContent)
                let belowHTML = String(buffer: below.body)
                #expect(belowHTML.contains(#"id="annual_csr_budget_kzt-error""#) && belowHTML.contains("cannot go below"))
                #expect(belowHTML.contains(#"value="5 000 000""#), "what was typed is kept")
                #expect(try await declared() == before)

                #expect(try await owner.post("/workspace/budget", [("annual_csr_budget_kzt", "lots")]).status == .unprocessableContent)
                let saved = try await owner.post("/workspace/budget", [("annual_csr_budget_kzt", "20 000 000")])
                #expect(saved.status == .seeOther)
                #expect(try await declared() == 20_000_000)

                var viewer = try await Self.signedIn(client, "viewer@business.example.kz")
                let viewed = String(buffer: try await viewer.get("/workspace/budget").body)
                #expect(viewed.contains("Pledged in approved and active partnerships") && !viewed.contains(#"action="/workspace/budget""#))
                #expect(try await viewer.post("/workspace/budget", [("annual_csr_budget_kzt", "30 000 000")]).status == .forbidden)
                #expect(try await declared() == 20_000_000)

                var ngo = try await Self.signedIn(client, "owner@ngo.example.kz")
                #expect(try await ngo.get("/workspace/budget").status == .forbidden)
            }
        }
    }
}
