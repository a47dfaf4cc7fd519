import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// The review workspace of a government body, through its pages, on a real database.
@Suite struct ReviewPageTests {
    static let password = "correct horse battery staple"
    static let secret = "review-page-tests-akimat-secret"

    /// Reviewers of the akimat inside the project's region and of the one outside it (both with
    /// the second factor government bodies must have), and the NGO's owner.
    static func people(_ database: TestDatabase, world: AccessWorld) async throws {
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        for (email, organization, role) in [
            ("reviewer@inside.example.kz", world.akimatInside, MembershipRole.member),
            ("colleague@inside.example.kz", world.akimatInside, .member),
            ("viewer@inside.example.kz", world.akimatInside, .viewer),
            ("reviewer@outside.example.kz", world.akimatOutside, .member),
            ("owner@ngo.example.kz", world.ngo, .owner),
        ] {
            _ = try await services.accounts.createPerson(
                .init(email: email, name: email, password: password), isAdmin: false,
                memberships: [(organization, role)], totpSecret: organization == world.ngo ? nil : secret, by: .admin
            )
        }
    }

    /// Signed in with the shared password, and with the second factor when `code` is set.
    static func signedIn(_ client: APIClient, _ email: String, code: Bool) async throws -> PageVisitor {
        var visitor = PageVisitor(client)
        let response = try await visitor.signIn(email, password, totp: code ? secret : nil)
        #expect(response.status == .seeOther && response.headers[.location] == "/account", "\(email) signed in")
        return visitor
    }

    static func signedIn(_ client: APIClient, _ email: String) async throws -> PageVisitor {
        try await signedIn(client, email, code: !email.hasSuffix("ngo.example.kz"))
    }

    static func state(of id: UUID, _ database: TestDatabase) async throws -> String {
        try await database.pool.withConnection { try $0.query("SELECT state FROM partnerships WHERE id = $1", [id]).rows[0].decode(String.self, at: 0) }
    }

    static func version(in html: String) -> String? {
        html.firstMatch(of: /name="version" value="(\d+)"/).map { String($0.output.1) }
    }

    @Test func theQueueListsWhatWaitsInTheJurisdictionAndOnlyThere() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let waiting = try await world.partnership(in: .underReview)
                let approved = try await world.partnership(in: .approved)
                // Submitted three days earlier: it heads the queue, with its age.
                let older = try await world.partnership(in: .underReview)
                try await database.pool.withConnection { connection in
                    try connection.query("UPDATE partnerships SET submitted_at = submitted_at - interval '3 days' WHERE id = $1", [older])
                }

                var inside = try await Self.signedIn(client, "reviewer@inside.example.kz")
                let queue = try await inside.get("/workspace/reviews")
                #expect(queue.status == .ok)
                #expect(queue.headers[.cacheControl] == "no-store")
                let html = String(buffer: queue.body)
                #expect(html.contains("/workspace/reviews/\(waiting.lowercasedString)"))
                #expect(!html.contains("/workspace/reviews/\(approved.lowercasedString)"), "an approved partnership waits for nobody")
                #expect(html.contains(#"href="/workspace/reviews""#), "the header links the reviewer to the queue")
                let first = try #require(html.range(of: "/workspace/reviews/\(older.lowercasedString)"))
                let second = try #require(html.range(of: "/workspace/reviews/\(waiting.lowercasedString)"))
                #expect(first.lowerBound < second.lowerBound, "the oldest waits first")
                #expect(html.contains("3 days") && html.contains("less than a day"), "each row says how long it has waited")
                // The item page explains the triple's fit with its reasons.
                let item = String(buffer: try await inside.get("/workspace/reviews/\(waiting.lowercasedString)").body)
                #expect(item.contains(#"id="fit-heading""#) && item.contains("Works on the same focus"))

                // A viewer of the reviewing body reads the review page and is offered no decision.
                var viewer = try await Self.signedIn(client, "viewer@inside.example.kz")
                let viewed = String(buffer: try await viewer.get("/workspace/reviews/\(waiting.lowercasedString)").body)
                #expect(viewed.contains("Budget check") && !viewed.contains("Approve partnership"))

                var outside = try await Self.signedIn(client, "reviewer@outside.example.kz")
                let elsewhere = String(buffer: try await outside.get("/workspace/reviews").body)
                #expect(!elsewhere.contains(waiting.lowercasedString), "another region's reviewer sees it in the queue")
                #expect(try await outside.get("/workspace/reviews/\(waiting.lowercasedString)").status == .notFound)

                var ngo = try await Self.signedIn(client, "owner@ngo.example.kz")
                #expect(try await ngo.get("/workspace/reviews").status == .forbidden)
                #expect(!String(buffer: try await ngo.get("/account").body).contains(#"href="/workspace/reviews""#))
                // A party reads its partnership, but does not review it.
                #expect(try await ngo.get("/workspace/reviews/\(waiting.lowercasedString)").status == .forbidden)
                let version = try #require(Self.version(in: String(buffer: try await inside.get("/workspace/reviews/\(waiting.lowercasedString)").body)))
                let refused = try await ngo.post("/workspace/reviews/\(waiting.lowercasedString)", [("action", "approve"), ("version", version), ("comment", "")])
                #expect(refused.status == .forbidden)
                #expect(try await Self.state(of: waiting, database) == "under_review")
            }
        }
    }

    @Test func aReviewerReturnsWithACommentAndAColleaguesStalePageCannotOverwriteIt() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let id = try await world.partnership(in: .underReview)
                let path = "/workspace/reviews/\(id.lowercasedString)"

                var first = try await Self.signedIn(client, "reviewer@inside.example.kz")
                var second = try await Self.signedIn(client, "colleague@inside.example.kz")
                let page = String(buffer: try await first.get(path).body)
                #expect(page.contains("Budget check") && page.contains("History") && page.contains("Approve partnership"))
                let version = try #require(Self.version(in: page))
                let stalePage = String(buffer: try await second.get(path).body)
                #expect(Self.version(in: stalePage) == version)

                // Returning needs a comment: said beside the field, nothing recorded.
                let bare = try await first.post(path, [("action", "return"), ("version", version), ("comment", "  ")])
                #expect(bare.status == .unprocessableContent)
                let bareHTML = String(buffer: bare.body)
                #expect(bareHTML.contains(#"id="comment-error""#) && bareHTML.contains(##"href="#comment""##))
                #expect(try await Self.state(of: id, database) == "under_review")

                let returned = try await first.post(path, [("action", "return"), ("version", version), ("comment", "Lower the pledge to 8 000 000 ₸")])
                #expect(returned.status == .seeOther)
                #expect(returned.headers[.location] == "/workspace/reviews?done=return")
                #expect(try await Self.state(of: id, database) == "proposed")

                // The colleague approves from the page opened before: refused, told why, shown what happened.
                let stale = try await second.post(path, [("action", "approve"), ("version", version), ("comment", "")])
                #expect(stale.status == .conflict)
                let staleHTML = String(buffer: stale.body)
                #expect(staleHTML.contains("Someone acted on this partnership"))
                #expect(staleHTML.contains("Lower the pledge to 8 000 000 ₸"), "the history shows the colleague's comment")
                #expect(!staleHTML.contains("Approve partnership"), "a partnership no longer under review offers no decision")
                #expect(try await Self.state(of: id, database) == "proposed")
            }
        }
    }

    @Test func approvingChecksTheSponsorsBudgetAsTheDatabaseDoes() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await Self.people(database, world: world)
                let budget: Int64 = 30_000_000
                try await database.pool.withConnection {
                    _ = try $0.query("UPDATE organizations SET annual_csr_budget_kzt = $2 WHERE id = $1", [world.business, budget])
                }
                let fits = try await world.partnership(in: .underReview, pledge: budget / 2)
                let tooMuch = try await world.partnership(in: .underReview, pledge: budget / 2 + 1)
                var reviewer = try await Self.signedIn(client, "reviewer@inside.example.kz")

                let fitsPath = "/workspace/reviews/\(fits.lowercasedString)"
                let fitsHTML = String(buffer: try await reviewer.get(fitsPath).body)
                #expect(fitsHTML.contains("fits."), "the budget check says the pledge fits")
                let approved = try await reviewer.post(fitsPath, [("action", "approve"), ("version", try #require(Self.version(in: fitsHTML))), ("comment", "")])
                #expect(approved.status == .seeOther)
                #expect(try await Self.state(of: fits, database) == "approved")
                #expect(String(buffer: try await reviewer.get("/workspace/reviews?done=approve").body).contains("Partnership approved."))

                // Half the budget is pledged now; the other half plus one does not fit.
                let tooMuchPath = "/workspace/reviews/\(tooMuch.lowercasedString)"
                let tooMuchHTML = String(buffer: try await reviewer.get(tooMuchPath).body)
                #expect(tooMuchHTML.contains("does not fit"))
                let refused = try await reviewer.post(tooMuchPath, [("action", "approve"), ("version", try #require(Self.version(in: tooMuchHTML))), ("comment", "")])
                #expect(refused.status == .conflict)
                #expect(String(buffer: refused.body).contains("past its declared budget"))
                #expect(try await Self.state(of: tooMuch, database) == "under_review")
            }
        }
    }
}
