import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Testing
import TestSupport
import UseCases

/// A government body's funding round through its pages: the form with errors beside the fields,
/// the allocation and the unfunded projects, and accepting behind a check-your-answers page.
@Suite struct RoundPageTests {
    @Test func aReviewerRunsARoundChecksItAndAcceptsItOnce() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                try await PartnershipPageTests.people(database, world: world)
                for _ in 0..<3 { _ = try await world.openProject() }
                var reviewer = try await ReviewPageTests.signedIn(client, "member@inside.example.kz")
                let form = String(buffer: try await reviewer.get("/workspace/rounds/new").body)
                #expect(form.contains(#"<option value="550000000" selected"#), "the body's own jurisdiction is chosen")

                let fields = [("region", "550000000"), ("district", ""), ("focus", ""), ("mode", "split")]
                let past = try await reviewer.post("/workspace/rounds", fields + [("consent_deadline", "2020-01-01")])
                #expect(past.status == .unprocessableContent)
                #expect(String(buffer: past.body).contains(#"id="consent_deadline-error""#))
                let outside = try await reviewer.post("/workspace/rounds", [("region", "750000000"), ("district", ""), ("focus", ""), ("mode", "whole"), ("consent_deadline", "2099-12-31")])
                #expect(outside.status == .unprocessableContent)
                #expect(String(buffer: outside.body).contains("outside your jurisdiction"))

                // Named sponsors: a typo, a BIN nobody has, an NGO's BIN, each refused beside the field with the text kept.
                for (typed, message) in [("12345", "is not a BIN"), ("990340004651", "No organization"), ("940140000385", "Name only active businesses")] {
                    let named = try await reviewer.post("/workspace/rounds", fields + [("consent_deadline", "2099-12-31"), ("sponsor_bins", typed)])
                    #expect(named.status == .unprocessableContent)
                    let body = String(buffer: named.body)
                    #expect(body.contains(#"id="sponsor_bins-error""#) && body.contains(message), "\(typed): \(message)")
                    #expect(body.contains(">\(typed)</textarea>"), "what was typed is kept")
                }

                let run = try await reviewer.post("/workspace/rounds", fields + [("consent_deadline", "2099-12-31")])
                #expect(run.status == .seeOther)
                let path = try #require(run.headers[.location])
                let page = String(buffer: try await reviewer.get(path).body)
                #expect(page.contains("Placements") && page.contains("Blocking pairs") && page.contains(path + "/accept"))
                #expect(page.contains("Every business working here or nationwide"), "no sponsors were named")

                // Nobody else sees the body's round.
                var ngo = try await PartnershipPageTests.signedIn(client, "owner@ngo.example.kz")
                #expect(try await ngo.get(path).status == .notFound)

                let check = String(buffer: try await reviewer.get(path + "/accept").body)
                #expect(check.contains("Accept and send the proposals") && check.contains("Accepting proposes"))
                let accepted = try await reviewer.post(path + "/accept", [])
                #expect(accepted.status == .seeOther)
                #expect(String(buffer: try await reviewer.get(path + "?done=accept").body).contains("The round is accepted"))
                let proposals = try await database.pool.withConnection {
                    try $0.query("SELECT count(*)::int FROM partnerships WHERE round_id IS NOT NULL").rows[0].decode(Int.self, at: 0)
                }
                #expect(proposals > 0, "the demo sponsor's budget placed nothing")
                #expect(try await reviewer.post(path + "/accept", []).status == .conflict, "a round is accepted once")
            }
        }
    }
}
