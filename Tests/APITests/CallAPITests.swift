import Domain
import Foundation
import HTTPTypes
import Testing
import TestSupport

/// A call for proposals through the JSON API: drafted with its errors named, changed under
/// If-Match, published, pledged to, applied to and submitted.
@Suite struct CallAPITests {
    @Test func aCallGoesFromDraftToSubmittedApplicationsThroughTheAPI() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let akimat = world.caller("government_inside")

                // Errors are named on their fields, all at once.
                let broken = #"""
                    {"title": {"ru": ""}, "territory": "750000000", "state_budget_kzt": -1, "min_grant_kzt": 5, "max_grant_kzt": 4,
                     "pass_mark": 50, "opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z",
                     "reviews_due_at": "2030-02-01T00:00:00Z", "results_at": "2030-03-01T00:00:00Z", "criteria": [], "colour": "red"}
                    """#
                let refused = try await client.send(.post, "/v1/calls", json: broken, as: akimat)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.errorFields.isSuperset(of: ["title.ru", "territory", "state_budget_kzt", "max_grant_kzt", "closes_at", "criteria", "colour"]), "\(refused.errorFields)")

                let created = try await client.send(.post, "/v1/calls", json: AuthorizationMatrixTests.callJSON(governmentBody: nil), as: akimat)
                #expect(created.status == .created)
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["state"] as? String == "draft" && created.json["phase"] as? String == "draft")
                #expect(created.headers[.eTag] == "\"1\"")
                #expect(try await client.send(.get, "/v1/calls/\(id)").status == .notFound, "a draft is its body's own")

                // A change under a stale ETag is refused; under the current one it is made.
                var stale = HTTPFields()
                stale[.ifMatch] = "\"7\""
                #expect(try await client.send(.put, "/v1/calls/\(id)", json: AuthorizationMatrixTests.callJSON(governmentBody: nil), as: akimat, headers: stale).status == .preconditionFailed)
                var current = HTTPFields()
                current[.ifMatch] = "\"1\""
                let changed = try await client.send(.put, "/v1/calls/\(id)", json: AuthorizationMatrixTests.callJSON(governmentBody: nil), as: akimat, headers: current)
                #expect(changed.status == .ok && changed.json["version"] as? Int == 2)

                let published = try await client.send(.post, "/v1/calls/\(id)/publish", as: akimat)
                #expect(published.status == .ok && published.json["phase"] as? String == "open")
                #expect(try await client.send(.get, "/v1/calls").items.contains { $0["id"] as? String == id }, "anyone lists it")

                let pledge = try await client.send(.post, "/v1/calls/\(id)/pledges", json: #"{"amount_kzt": 3000000, "earmark_focus_areas": ["inclusion"]}"#, as: world.caller("business"))
                #expect(pledge.status == .created && pledge.json["earmark_focus_areas"] as? [String] == ["inclusion"])
                let tooMuch = try await client.send(.post, "/v1/calls/\(id)/pledges", json: #"{"amount_kzt": 999000000}"#, as: world.caller("business"))
                #expect(tooMuch.status == .unprocessableContent && tooMuch.errorFields == ["amount_kzt"])

                let project = try await world.openProject().lowercasedString
                let applied = try await client.send(
                    .post, "/v1/calls/\(id)/applications",
                    json: #"{"project_id": "\#(project)", "amount_kzt": 2000000, "indicators": [{"name": "Children enrolled", "unit": "children", "baseline": 0, "target": 30}]}"#,
                    as: world.caller("ngo")
                )
                #expect(applied.status == .created)
                let application = try #require(applied.json["id"] as? String)
                let unanswered = try await client.send(.post, "/v1/applications/\(application)/submit", as: world.caller("ngo"))
                #expect(unanswered.status == .unprocessableContent && unanswered.errorFields == ["answers[0]"])
                let answered = try await client.send(.put, "/v1/applications/\(application)", json: #"{"amount_kzt": 2500000, "answers": ["Детям с ОВЗ."], "indicators": [{"name": "Children enrolled", "unit": "children", "baseline": 0, "target": 30}]}"#, as: world.caller("ngo"))
                #expect(answered.status == .ok && answered.json["amount_kzt"] as? Int == 2_500_000)
                #expect((answered.json["indicators"] as? [[String: Any]])?.count == 1)
                let submitted = try await client.send(.post, "/v1/applications/\(application)/submit", as: world.caller("ngo"))
                #expect(submitted.status == .ok && submitted.json["state"] as? String == "submitted")

                let list = try await client.send(.get, "/v1/calls/\(id)/applications", as: akimat)
                #expect(list.items.map { $0["id"] as? String } == [application])
                #expect(try await client.send(.get, "/v1/organizations/\(world.ngo)/applications", as: world.caller("ngo")).items.count == 1)
            }
        }
    }
}
