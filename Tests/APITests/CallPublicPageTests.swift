import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The public call pages through the router: the list with its filters and CSV, a call's terms
/// and co-funders for anyone, a draft for nobody, and once the call is awarded its winners with
/// each funder's share, the cut-off, the counts and the reviewers' scores only in aggregate.
@Suite struct CallPublicPageTests {
    static let english: HTTPFields = [.acceptLanguage: "en"]

    static func money(_ value: Int) -> String { PortalPageTests.grouped(value) + "\u{00A0}₸" }

    /// Open since yesterday for a month in Pavlodar Region, on inclusion and sport; two criteria.
    static func terms(now: Date = Date(), stateBudgetKZT: Int64 = 1_000_000) -> CallTerms {
        CallTerms(
            title: LocalizedText(ru: "Инклюзивные школы", en: "Inclusive schools"), description: LocalizedText(en: "Schools that welcome every child."),
            focusAreas: ["inclusion", "sport"], territory: "550000000", stateBudgetKZT: stateBudgetKZT, minGrantKZT: 1_000_000, maxGrantKZT: 3_000_000,
            eligibility: CallEligibility(verifiedOnly: true, territoryOnly: true, minYearsActive: 2, noOverdueReports: false), passMark: 60,
            opensAt: now - 86_400, closesAt: now + 30 * 86_400, reviewsDueAt: now + 45 * 86_400, resultsAt: now + 60 * 86_400,
            questions: [CallQuestion(text: LocalizedText(en: "Whom does the project help?"), maxLength: 2_000)],
            criteria: [
                CallCriterion(name: LocalizedText(en: "Need"), guidance: LocalizedText(en: "How pressing is the need it answers?"), weight: 2, scaleMax: 5),
                CallCriterion(name: LocalizedText(en: "Plan"), weight: 1, scaleMax: 10),
            ]
        )
    }

    struct Setup {
        let world: AccessWorld
        let services: Services
        let call: Call
        /// Submitted: on inclusion (scores 82.0 and is funded) and on sport (74.7, out of budget).
        let inclusion: (application: UUID, project: UUID)
        let sport: (application: UUID, project: UUID)
    }

    /// The inside akimat's published call with 1M of its own and the business's 5M earmarked to
    /// inclusion; two submitted applications of 2M each and one never submitted; two reviewers
    /// (people of no organization, with names that must never show) who have scored both, applications
    /// closed (on `services`' clock) and the money allocated. Not awarded.
    static func reviewedCall(_ database: TestDatabase, world: AccessWorld) async throws -> Setup {
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        let akimat = try #require(world.identities["government_inside"])
        let ngo = try #require(world.identities["ngo"])
        try await database.pool.withConnection { try $0.query("UPDATE organizations SET founded_year = 2010 WHERE id = $1", [world.ngo]) }
        let draft = try await services.calls.create(terms(), governmentBodyID: nil, by: akimat)
        let call = try await services.calls.publish(draft.id, ifMatch: nil, by: akimat)
        _ = try await services.calls.pledge(to: call.id, amountKZT: 5_000_000, focusAreas: ["inclusion"], places: [], businessID: world.business, by: .admin)
        var made: [(application: UUID, project: UUID)] = []
        for (focus, title, submit) in [("inclusion", "Inclusive workshop", true), ("sport", "Sport for all", true), ("inclusion", "Unsent idea", false)] {
            var project = ProjectDraft(organizationID: world.ngo, title: LocalizedText(en: title), fundingNeededKZT: 5_000_000, durationMonths: 6)
            project.regions = ["550000000"]
            project.focusAreas = [focus]
            project.status = .open
            let id = try await ProjectRepository(pool: database.pool).create(project).id
            let application = try await services.calls.apply(to: call.id, CallApplicationDraft(projectID: id, amountKZT: 2_000_000, answers: ["Children."]), by: ngo)
            if submit { made.append((try await services.calls.submit(application.id, ifMatch: nil, by: ngo).id, id)) }
        }
        var reviewers: [UUID] = []
        // Five reviewers: the fewest a public aggregate is shown over (`CallResults.minimumGroup`).
        for (email, name) in [
            ("aigerim@review.example.kz", "Aigerim Reviewerova"), ("bolat@review.example.kz", "Bolat Reviewerov"), ("dana@review.example.kz", "Dana Reviewerova"),
            ("erlan@review.example.kz", "Erlan Reviewerov"), ("gulnar@review.example.kz", "Gulnar Reviewerova"),
        ] {
            reviewers.append(try await services.accounts.createPerson(.init(email: email, name: name, password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin).id)
            _ = try await services.calls.addReviewer(to: call.id, email: email, by: akimat)
        }
        services.clock.advance(by: 31 * 86_400)
        for (application, _) in made {
            for reviewer in reviewers { _ = try await services.calls.assign(application, to: reviewer, by: akimat) }
        }
        // Need (of 5, weight 2) and Plan (of 10, weight 1): inclusion 93.3, 73.3, 93.3, 73.3 and 76.7 (mean 82.0);
        // sport 73.3 four times and 80.0 (mean 74.7).
        for (application, scores) in [
            (made[0].application, [[5, 8], [4, 6], [5, 8], [4, 6], [4, 7]]), (made[1].application, [[3, 10], [4, 6], [3, 10], [4, 6], [4, 8]]),
        ] {
            for (reviewer, given) in zip(reviewers, scores) {
                _ = try await services.calls.submitReview(of: application, scores: given, comment: "Private remark \(given)", reviewer: reviewer)
            }
        }
        let outcome = try await services.calls.allocate(call.id, by: akimat)
        #expect(outcome.grants.allSatisfy { $0.applicationID == made[0].application }, "only inclusion is funded: \(outcome.grants)")
        return Setup(world: world, services: services, call: call, inclusion: made[0], sport: made[1])
    }

    /// Publishes the results through the award, once the results date has come on `services`' clock.
    static func award(_ setup: Setup) async throws -> CallAward {
        setup.services.clock.advance(by: 30 * 86_400)
        return try await setup.services.calls.award(setup.call.id, checked: nil, publisher: nil, by: try #require(setup.world.identities["government_inside"]))
    }

    @Test func thePublishedCallsAreListedWithTheirMoneyAndFiltersAndADraftIsNowhere() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                let akimat = try #require(world.identities["government_inside"])
                let draft = try await services.calls.create(Self.terms(), governmentBodyID: nil, by: akimat)
                let published = try await services.calls.publish(
                    try await services.calls.create(Self.terms(stateBudgetKZT: 50_000_000), governmentBodyID: nil, by: akimat).id, ifMatch: nil, by: akimat
                )
                _ = try await services.calls.pledge(
                    to: published.id, amountKZT: 5_000_000, focusAreas: ["inclusion"], places: ["551600000"], businessID: world.business, by: .admin
                )
                let id = published.id.lowercasedString

                let list = try await client.send(.get, "/calls", headers: Self.english)
                #expect(list.status == .ok)
                #expect(list.headers[.eTag] != nil, "a public page carries a validator")
                let html = String(buffer: list.body)
                #expect(html.contains(#"<a href="/calls/\#(id)">Inclusive schools</a>"#))
                #expect(!html.contains(draft.id.lowercasedString), "a draft is listed")
                #expect(html.contains("Open for applications") && html.contains("Акимат Павлодарской области"))
                #expect(html.contains(Self.money(55_000_000)) && html.contains(Self.money(50_000_000)) && html.contains(Self.money(5_000_000)))
                #expect(html.contains("Pavlodar Region") && html.contains("Inclusion of people with disabilities, Physical culture and sport"))
                #expect(html.contains(#"<a href="/calls" aria-current="page">Calls</a>"#), "the header links the calls")

                // Filters stay in the URL and in the CSV link; a place outside the territory, or another phase, finds nothing.
                for (query, listed) in [
                    ("phase=open", true), ("phase=awarded", false), ("phase=reviewing", false), ("region=550000000", true),
                    ("region=550000000&district=551600000", true), ("region=750000000", false), ("phase=open&region=750000000", false),
                ] {
                    let page = String(buffer: try await client.send(.get, "/calls?\(query)", headers: Self.english).body)
                    #expect(page.contains("/calls/\(id)") == listed, "\(query)")
                    #expect(page.contains(#"href="/calls.csv?\#(query.replacingOccurrences(of: "&", with: "&amp;"))""#), "\(query): the CSV keeps the filters")
                    if !listed { #expect(page.contains("No call matches these filters"), "\(query)") }
                }
                for query in ["phase=draft", "phase=everything", "region=999999999", "region=551600000", "region=750000000&district=551600000"] {
                    let page = try await client.send(.get, "/calls?\(query)", headers: Self.english)
                    #expect(page.status == .badRequest, "\(query)")
                    let body = String(buffer: page.body)
                    #expect(body.contains(#"class="error-summary""#) && body.contains(#"aria-invalid="true""#), "\(query)")
                    #expect(!body.contains("/calls/\(id)"), "\(query)")
                }

                let csv = try await client.send(.get, "/calls.csv?phase=open", headers: Self.english)
                #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                let rows = PortalPageTests.csvRows(String(buffer: csv.body))
                #expect(rows.first?.first == "id" && rows.count == 2)
                let row = try #require(rows.last)
                let header = try #require(rows.first)
                func cell(_ name: String) -> String? { header.firstIndex(of: name).map { row[$0] } }
                #expect(cell("id") == id && cell("phase") == "open" && cell("state_budget_kzt") == "50000000" && cell("pledged_kzt") == "5000000")
                #expect(cell("focus_areas") == "inclusion;sport" && cell("territory") == "550000000" && cell("page") == "/calls/\(id)")
                #expect(try await client.send(.get, "/calls.csv?phase=bogus").status == .badRequest)

                // The call's page: terms, rubric, co-funders and how many applied; no results yet.
                let page = try await client.send(.get, "/calls/\(id)", headers: Self.english)
                #expect(page.status == .ok)
                let terms = String(buffer: page.body)
                for text in [
                    "Schools that welcome every child.", "Whom does the project help?", "up to 2\u{202F}000 characters",
                    "ASAR has verified the NGO&#39;s registration.", "The NGO works in this territory (Pavlodar Region) and the project takes place there.",
                    "Years since the NGO was founded, at least: 2.",
                    "How pressing is the need it answers?", "2 (67%)", "1 (33%)", "0 to 5 points", "60.0 points of 100",
                    "Ertis", "Projects on: Inclusion of people with disabilities. Projects in: Aksu City (Pavlodar Region).",
                    "The results appear here once the government body publishes them",
                ] {
                    #expect(terms.contains(text), "the call's page lacks \(text)")
                }
                #expect(!terms.contains("None of the NGO&#39;s partnerships has a report overdue"), "a rule the call does not set")
                #expect(!terms.contains("Funded projects") && !terms.contains("Reviewers&#39; scores by criterion"))

                for path in ["/calls/\(draft.id.lowercasedString)", "/calls/\(UUID().uuidString.lowercased())", "/calls/not-a-call"] {
                    let missing = try await client.send(.get, path, headers: Self.english)
                    #expect(missing.status == .notFound, "\(path)")
                }
            }
        }
    }

    @Test func beforeTheAwardNoScoreIsPublicAndAfterItTheWinnersCutOffAndAggregateScoresAre() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let setup = try await Self.reviewedCall(database, world: world)
                let path = "/calls/\(setup.call.id.lowercasedString)"

                // Reviewed and allocated, not awarded: the number of applications, nothing of the scores.
                await #expect(throws: DomainError.conflict(code: "call_not_awarded", message: "A call's results are public once its government body publishes them.")) {
                    _ = try await setup.services.calls.results(of: setup.call.id, by: .anonymous)
                }
                let before = String(buffer: try await client.send(.get, path, headers: Self.english).body)
                #expect(before.contains("The results appear here once the government body publishes them"))
                for hidden in ["82.0", "74.7", "4.4", "Funded projects", "Cut-off score", "Reviewers&#39; scores by criterion", "Inclusive workshop", "Aigerim", "Private remark"] {
                    #expect(!before.contains(hidden), "before the award the page shows \(hidden)")
                }
                let received = try #require(before.firstMatch(of: #/<dt>Applications received</dt><dd>(\d+)</dd>/#))
                #expect(received.output.1 == "2", "a draft application is not counted")

                let award = try await Self.award(setup)
                #expect(Set(award.partnerships.keys) == [setup.inclusion.application])
                let results = try await setup.services.calls.results(of: setup.call.id, by: .anonymous)
                #expect(results.received == 2 && results.eligible == 2 && results.funded == 1)
                #expect(abs((results.cutOff ?? 0) - 82.0) < 0.001)
                #expect(results.winners.map(\.applicationID) == [setup.inclusion.application] && results.winners.first?.amountKZT == 2_000_000)
                #expect(results.winners.first?.partnershipID == award.partnerships[setup.inclusion.application], "the winner's partnership")
                let need = try #require(results.criteria.first), plan = try #require(results.criteria.last)
                // One funded application and one not: the funded mean would give the other's, so it is withheld.
                #expect(need.position == 0 && need.reviews == 10 && need.mean == 4 && need.lowest == 3 && need.highest == 5 && need.fundedMean == nil)
                #expect(abs(need.standardDeviation - 0.4.squareRoot()) < 1e-9)
                #expect(plan.position == 1 && plan.mean == 7.5 && plan.lowest == 6 && plan.highest == 10 && plan.fundedMean == nil)
                #expect(abs(plan.standardDeviation - 1.5) < 1e-9)
                #expect(results.withheld)

                let response = try await client.send(.get, path, headers: Self.english)
                #expect(response.status == .ok)
                let after = String(buffer: response.body)
                #expect(after.contains("Results published"))
                let winner = setup.inclusion.project.lowercasedString
                #expect(after.contains(#"<a href="/projects/\#(winner)">Inclusive workshop</a>"#), "the winner links to its project's public page")
                #expect(after.contains(#"<a href="/organizations/\#(world.ngo.lowercasedString)" lang="ru">Камкор</a>"#))
                #expect(after.contains("82.0") && after.contains("82.0 points of 100"), "the winner's score and the cut-off")
                #expect(after.contains(Self.money(2_000_000)))
                for funder in results.winners[0].funders {
                    #expect(after.contains(#"<a href="/organizations/\#(funder.organizationID.lowercasedString)""#))
                    #expect(after.contains(funder.isState ? "(state budget)" : "(co-funder)"))
                }
                for (label, value) in [("Applications received", "2"), ("Eligible", "2"), ("Funded", "1")] {
                    #expect(after.contains("<dt>\(label)</dt><dd>\(value)</dd>"), "\(label)")
                }
                // Aggregates per criterion: mean, spread, the funded applications' mean; bars of mean against scale.
                for text in ["SD 0.6; lowest 3, highest 5", "SD 1.5; lowest 6, highest 10", ">4.0<", ">7.5<", "4.0 of 5", "7.5 of 10", "A figure is shown only over at least 5 reviews"] {
                    #expect(after.contains(text), "the scores lack \(text)")
                }
                #expect(after.contains(#"<rect class="bar-placed" width="80.00""#) && after.contains(#"<rect class="bar-placed" width="75.00""#))
                // Never a reviewer, a comment, or an application that was not funded.
                for hidden in ["Aigerim", "Bolat", "review.example.kz", "Private remark", "74.7", ">4.4<", ">7.0<", "Sport for all", "Unsent idea"] {
                    #expect(!after.contains(hidden), "the results show \(hidden)")
                }

                let awarded = String(buffer: try await client.send(.get, "/calls?phase=awarded", headers: Self.english).body)
                #expect(awarded.contains(path) && awarded.contains("Results published"))
                #expect(!String(buffer: try await client.send(.get, "/calls?phase=open", headers: Self.english).body).contains(path))
                // The same page in Kazakh and Russian: decimal commas.
                for (language, text) in [("kk", "82,0 балл (100 балдан)"), ("ru", "82,0 из 100 баллов")] {
                    let localized = String(buffer: try await client.send(.get, path, headers: [.acceptLanguage: language]).body)
                    #expect(localized.contains(text), "\(language)")
                }
            }
        }
    }
}
