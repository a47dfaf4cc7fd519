import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// A government body runs a call through its pages: the terms form with errors beside the fields,
/// publishing, reviewers and automatic assignment, the allocation, and the results behind a
/// check page, published once.
@Suite struct CallPageTests {
    @Test func aBodyDraftsPublishesReviewsAllocatesAndPublishesTheResults() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                var body = try await ReviewPageTests.signedIn(client, "member@inside.example.kz")
                let form = String(buffer: try await body.get("/workspace/calls/new").body)
                #expect(form.contains(#"<option value="550000000" selected"#), "the body's jurisdiction is the territory")

                let today = Date()
                func day(_ offset: Double) -> String {
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = TimeZone(secondsFromGMT: 5 * 3600)!
                    let parts = calendar.dateComponents([.year, .month, .day], from: today.addingTimeInterval(offset * 86_400))
                    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
                }
                let terms: [(String, String)] = [
                    ("title_ru", "Инклюзивные школы"), ("territory", "550000000"), ("focus_inclusion", "1"),
                    ("state_budget", "10 000 000"), ("min_grant", "1000000"), ("max_grant", "5000000"), ("verified_only", "1"),
                    ("min_years", "0"), ("questions", "Кому поможет проект?"), ("criterion_name_1", "Потребность"),
                    ("criterion_weight_1", "1"), ("criterion_scale_1", "5"), ("pass_mark", "50"), ("reviewers", "2"), ("spread", "30"),
                    ("opens", day(0)), ("closes", day(30)), ("reviews_due", day(40)), ("results", day(50)),
                ]
                // No title, applications closing before the call opens: each said beside its field, the rest kept.
                let wrong = try await body.post("/workspace/calls/new", terms.filter { $0.0 != "title_ru" && $0.0 != "closes" } + [("closes", day(-5))])
                #expect(wrong.status == .unprocessableContent)
                let wrongPage = String(buffer: wrong.body)
                #expect(wrongPage.contains(#"id="title_ru-error""#) && wrongPage.contains(#"id="closes-error""#))
                #expect(wrongPage.contains(#"value="Потребность""#) && wrongPage.contains("Кому поможет проект?"), "what was typed is kept")

                let made = try await body.post("/workspace/calls/new", terms)
                #expect(made.status == .seeOther)
                let location = try #require(made.headers[.location])
                let path = String(location.prefix { $0 != "?" })
                #expect(location == path + "?done=created")
                let callID = try #require(UUID(uuidString: String(path.split(separator: "/").last ?? "")))
                var page = String(buffer: try await body.get(location).body)
                #expect(page.contains("Publish the call") && page.contains("10\u{202F}000\u{202F}000"))
                #expect(page.contains("The draft is saved."), "the page says what the form did")
                #expect(!String(buffer: try await body.get(path + "?done=nonsense").body).contains(#"<div class="notice" role="status">"#), "only the page's own notices")
                // Nobody else runs it.
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(try await ngo.get(path).status == .notFound)
                #expect(try await body.post(path + "/publish", []).status == .seeOther)
                page = String(buffer: try await body.get(path).body)
                #expect(page.contains("No business has pledged yet.") && !page.contains("Publish the call"))

                // The NGO applies (through the use cases; its pages have their own tests).
                let ngoCaller = try #require(world.identities["ngo"])
                let application = try await services.calls.apply(
                    to: callID, CallApplicationDraft(projectID: try await world.openProject(), amountKZT: 3_000_000, answers: ["Детям."]), by: ngoCaller
                )
                _ = try await services.calls.submit(application.id, ifMatch: nil, by: ngoCaller)

                // Reviewers: an unknown address is refused beside the field; two experts are added and assigned.
                let unknown = try await body.post(path + "/reviewers", [("email", "nobody@example.kz")])
                #expect(unknown.status == .unprocessableContent && String(buffer: unknown.body).contains(#"id="email-error""#))
                var experts: [UUID] = []
                for name in ["first", "second"] {
                    experts.append(try await services.accounts.createPerson(
                        .init(email: "\(name)@experts.example.kz", name: "Expert \(name)", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin
                    ).id)
                    #expect(try await body.post(path + "/reviewers", [("email", "\(name)@experts.example.kz")]).status == .seeOther)
                }
                try await client.send(.post, "/test/clock?advance_days=31")
                services.clock.advance(by: 31 * 86_400)
                let assigned = try await body.post(path + "/assignments/automatic", [])
                #expect(String(buffer: assigned.body).contains("2 assignments made"))
                for expert in experts { _ = try await services.calls.submitReview(of: application.id, scores: [4], comment: "", reviewer: expert) }
                #expect(String(buffer: try await body.get(path).body).contains("80 (mean)"))

                // The allocation, checked before the results date: it cannot be published yet.
                let allocated = try await body.post(path + "/allocation", [])
                #expect(allocated.status == .seeOther && allocated.headers[.location] == path + "/results")
                var check = String(buffer: try await body.get(path + "/results").body)
                #expect(check.contains("3\u{202F}000\u{202F}000") && check.contains("Results are published from") && !check.contains(#"action="\#(path)/results""#))
                try await client.send(.post, "/test/clock?advance_days=20")
                check = String(buffer: try await body.get(path + "/results").body)
                #expect(check.contains("This cannot be undone"))
                let computedAt = try #require(check.firstMatch(of: #/name="computed_at" value="([^"]+)"/#).map { String($0.1) })

                let published = try await body.post(path + "/results", [("computed_at", computedAt)])
                #expect(published.status == .seeOther && published.headers[.location] == "/calls/\(callID.lowercasedString)")
                let partnerships = try await database.pool.withConnection {
                    try $0.query("SELECT count(*)::int FROM partnerships WHERE call_id = $1 AND state = 'approved'", [callID]).rows[0].decode(Int.self, at: 0)
                }
                #expect(partnerships == 1)
                let again = try await body.post(path + "/results", [("computed_at", computedAt)])
                #expect(again.status == .conflict && String(buffer: again.body).contains(#"id="publish-error""#))
            }
        }
    }
}
