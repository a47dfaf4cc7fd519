import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The planning page of a government body through the router: open needs by focus area and by
/// district in its jurisdiction, the NGOs there, past calls' demand against money, each table as
/// CSV; a district inside it, never a place outside; nobody but a government body.
@Suite struct PlanningPageTests {
    /// The CSV's rows by their first cell.
    static func table(_ response: TestResponse) -> [String: [String: String]] {
        let rows = PortalPageTests.csvRows(String(buffer: response.body))
        guard let header = rows.first else { return [:] }
        var table: [String: [String: String]] = [:]
        for row in rows.dropFirst() where row.count == header.count {
            table[row[0]] = Dictionary(uniqueKeysWithValues: zip(header, row))
        }
        return table
    }

    @Test func aGovernmentBodyReadsItsTerritorysNeedsAndPastCallsAndDownloadsEachTable() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                // Open inclusion projects of 20M each in Pavlodar Region: two without partners, one with 10M pledged.
                for _ in 0..<2 { _ = try await world.openProject() }
                _ = try await world.partnership(in: .approved, pledge: 10_000_000)
                // One sport project in Aksu, 3M; one in Almaty, outside the region.
                for (place, need) in [("551600000", Int64(3_000_000)), ("750000000", Int64(7_000_000))] {
                    var project = ProjectDraft(organizationID: world.ngo, title: LocalizedText(en: "Stadium"), fundingNeededKZT: need, durationMonths: 6)
                    project.regions = [place]
                    project.focusAreas = ["sport"]
                    project.status = .open
                    _ = try await ProjectRepository(pool: database.pool).create(project)
                }
                // A past call of the region's on inclusion: 10M of the state's and 4M pledged; one application of 3M.
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                let akimat = try #require(world.identities["government_inside"])
                var terms = CallPublicPageTests.terms(stateBudgetKZT: 10_000_000)
                terms.focusAreas = ["inclusion"]
                terms.eligibility = CallEligibility(verifiedOnly: true, territoryOnly: true, minYearsActive: 0, noOverdueReports: false)
                let call = try await services.calls.publish(try await services.calls.create(terms, governmentBodyID: nil, by: akimat).id, ifMatch: nil, by: akimat)
                _ = try await services.calls.pledge(to: call.id, amountKZT: 4_000_000, focusAreas: [], places: [], businessID: world.business, by: .admin)
                let ngo = try #require(world.identities["ngo"])
                let application = try await services.calls.apply(
                    to: call.id, CallApplicationDraft(projectID: try await world.openProject(), amountKZT: 3_000_000, answers: ["Children."]), by: ngo
                )
                _ = try await services.calls.submit(application.id, ifMatch: nil, by: ngo)

                var reviewer = try await ReviewPageTests.signedIn(client, "member@inside.example.kz")
                let page = try await reviewer.get("/workspace/planning")
                #expect(page.status == .ok)
                #expect(page.headers[.cacheControl] == "no-store")
                let html = String(buffer: page.body)
                #expect(html.contains(#"<option value="550000000" selected>"#), "the body's own jurisdiction is chosen")
                #expect(html.contains(#"<option value="551600000">Aksu City</option>"#) && !html.contains(#"value="750000000""#), "only places inside it")
                #expect(html.contains("<h2>Pavlodar Region</h2>"))
                #expect(html.contains("Open needs by focus area") && html.contains("Open needs by district"))
                // Five open projects in the region (the call's applicant is one): 83M needed, 10M pledged, 73M unfunded.
                for (label, value) in [
                    ("Open projects", "5"), ("Need", PlanningPageTests.money(83_000_000)), ("Pledged", PlanningPageTests.money(10_000_000)),
                    ("Unfunded need", PlanningPageTests.money(73_000_000)),
                ] {
                    #expect(html.contains("<div><dt>\(label)</dt><dd>\(value)</dd></div>"), "\(label)")
                }
                #expect(html.contains(#"<a href="/workspace/planning?territory=551600000">Aksu City</a>"#), "a district opens its own figures")
                #expect(html.contains("No call covering this territory has closed yet."), "the call is still open")
                for reading in ["Each row counts the open projects on one focus area", "Each row counts the open projects taking place", "Calls whose applications have closed"] {
                    #expect(html.contains(reading), "how to read a table: \(reading)")
                }
                #expect(try PortalPageTests.count(#"data-format="csv" download>Download this table as CSV"#, in: html) == 2)

                let focus = Self.table(try await reviewer.get("/workspace/planning.csv?territory=550000000&table=focus"))
                #expect(focus["inclusion"]?["open_projects"] == "4" && focus["inclusion"]?["need_kzt"] == "80000000")
                #expect(focus["inclusion"]?["pledged_kzt"] == "10000000" && focus["inclusion"]?["unfunded_kzt"] == "70000000")
                #expect(focus["inclusion"]?["ngos"] == "1", "the NGO names inclusion and the region")
                #expect(focus["sport"]?["open_projects"] == "1" && focus["sport"]?["need_kzt"] == "3000000", "Almaty's project is outside")
                #expect(focus["education"]?["open_projects"] == "0", "every focus area has its row")
                #expect(focus[""]?["name"] == "total" && focus[""]?["open_projects"] == "5" && focus[""]?["unfunded_kzt"] == "73000000")
                let places = Self.table(try await reviewer.get("/workspace/planning.csv?table=places"))
                #expect(places["551600000"]?["open_projects"] == "1" && places["551600000"]?["unfunded_kzt"] == "3000000")
                #expect(places["551000000"]?["open_projects"] == "0")

                // Once the call has closed, its money against what was asked.
                try await client.send(.post, "/test/clock?advance_days=31")
                let closed = String(buffer: try await reviewer.get("/workspace/planning").body)
                #expect(closed.contains("Past calls: demand against money") && !closed.contains("No call covering this territory"))
                #expect(closed.contains(">\(PlanningPageTests.money(14_000_000))<") && closed.contains(">21%<"), "3M asked of 14M offered")
                let demand = Self.table(try await reviewer.get("/workspace/planning.csv?table=demand"))
                #expect(demand["inclusion"]?["calls"] == "1" && demand["inclusion"]?["money_kzt"] == "14000000")
                #expect(demand["inclusion"]?["applications"] == "1" && demand["inclusion"]?["asked_kzt"] == "3000000" && demand["inclusion"]?["asked_percent"] == "21")
                #expect(demand[""]?["name"] == "total" && demand[""]?["calls"] == "1")

                // A district of the jurisdiction: its own figures, no smaller units.
                let district = try await reviewer.get("/workspace/planning?territory=551600000")
                #expect(district.status == .ok)
                let districtHTML = String(buffer: district.body)
                #expect(districtHTML.contains("<h2>Aksu City (Pavlodar Region)</h2>") && districtHTML.contains("A district has no smaller units here"))
                #expect(districtHTML.contains(#"<option value="551600000" selected>"#))
                // Outside the jurisdiction: refused; a code that names nothing: the message beside the field.
                #expect(try await reviewer.get("/workspace/planning?territory=750000000").status == .forbidden)
                #expect(try await reviewer.get("/workspace/planning.csv?territory=750000000&table=focus").status == .forbidden)
                let unknown = try await reviewer.get("/workspace/planning?territory=999999999")
                #expect(unknown.status == .badRequest)
                let unknownHTML = String(buffer: unknown.body)
                #expect(unknownHTML.contains(#"id="territory-error""#) && unknownHTML.contains(##"<a href="#territory">"##))
                #expect(try await reviewer.get("/workspace/planning.csv?table=everything").status == .badRequest)

                // Nobody but a government body: an NGO's person gets the forbidden page, a stranger is sent to sign in.
                var owner = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                let refused = try await owner.get("/workspace/planning")
                #expect(refused.status == .forbidden && String(buffer: refused.body).contains("<h1>"))
                #expect(try await owner.get("/workspace/planning.csv?table=focus").status == .forbidden)
                var stranger = PageVisitor(client)
                let anonymous = try await stranger.get("/workspace/planning")
                #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/sign-in?next=") == true)
            }
        }
    }

    @Test func theUseCaseKeepsEachBodyToItsJurisdictionAndLetsNationalBodiesAndAdminsPlanAnywhere() async throws {
        try await TestDatabase.with { database in
            let world = try await AccessWorld.build(pool: database.pool)
            let planning = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes).planning
            let inside = try #require(world.identities["government_inside"])
            let overview = try await planning.overview(territory: nil, by: inside)
            #expect(overview.territory == "550000000" && overview.jurisdiction == "550000000")
            #expect(overview.byFocusArea.count == 16 && overview.byPlace.allSatisfy { $0.key.hasPrefix("55") } && !overview.byPlace.isEmpty)
            #expect(try await planning.overview(territory: "551600000", by: inside).byPlace.isEmpty, "a district has no smaller units")
            await #expect(throws: DomainError.self) { _ = try await planning.overview(territory: "750000000", by: inside) }
            do {
                _ = try await planning.overview(territory: "12345", by: inside)
                Issue.record("an unknown code was taken")
            } catch DomainError.invalid(let issues) {
                #expect(issues.map(\.field) == ["territory"])
            }
            let country = try await planning.overview(territory: nil, by: .admin)
            #expect(country.territory == nil && country.byPlace.count == 20)
            #expect(try await planning.overview(territory: "750000000", by: .admin).territory == "750000000")
            let national = Caller.organization(Caller.Member(
                organizationID: world.akimatInside, kind: .governmentBody, jurisdiction: nil, isNational: true, isSuspended: false
            ))
            #expect(try await planning.overview(territory: "750000000", by: national).jurisdiction == nil)
            let suspended = Caller.organization(Caller.Member(
                organizationID: world.akimatInside, kind: .governmentBody, jurisdiction: "550000000", isNational: false, isSuspended: true
            ))
            for refused in [Caller.anonymous, suspended, try #require(world.identities["ngo"]), try #require(world.identities["business"])] {
                await #expect(throws: DomainError.self, "\(refused)") { _ = try await planning.overview(territory: nil, by: refused) }
            }
            let viewer = try #require(world.identities["government_inside_viewer"])
            #expect(try await planning.overview(territory: nil, by: viewer).territory == "550000000", "a viewer reads")
        }
    }

    static func money(_ value: Int) -> String { CallPublicPageTests.money(value) }
}
