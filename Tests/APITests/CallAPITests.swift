import Domain
import Foundation
import HTTPTypes
import Storage
import Testing
import TestSupport
import UseCases

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

    @Test func theCallsBodyAssignsReviewersAndAllocatesThroughTheAPI() async throws {
        try await TestDatabase.with { database in
            try await withService(database, testHooks: true) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let akimat = world.caller("government_inside")
                let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
                for (email, memberships) in [("expert@example.kz", []), ("insider@example.kz", [(world.ngo, MembershipRole.member)])] {
                    _ = try await services.accounts.createPerson(.init(email: email, name: email, password: "Correct-Horse-9"), isAdmin: false, memberships: memberships, by: .admin)
                }
                // Open now, closing in two days.
                let now = Date()
                let terms = #"""
                    {"title": {"en": "Small grants"}, "territory": "550000000", "state_budget_kzt": 10000000, "min_grant_kzt": 1000000,
                     "max_grant_kzt": 5000000, "pass_mark": 50, "opens_at": "\#(rfc3339(now - 86_400))", "closes_at": "\#(rfc3339(now + 2 * 86_400))",
                     "reviews_due_at": "\#(rfc3339(now + 9 * 86_400))", "results_at": "\#(rfc3339(now + 10 * 86_400))",
                     "criteria": [{"name": {"en": "Need"}, "weight": 1, "scale_max": 5}]}
                    """#
                let call = try #require(try await client.send(.post, "/v1/calls", json: terms, as: akimat).json["id"] as? String)
                #expect(try await client.send(.post, "/v1/calls/\(call)/publish", as: akimat).status == .ok)
                let applied = try await client.send(
                    .post, "/v1/calls/\(call)/applications", json: #"{"project_id": "\#(try await world.openProject())", "amount_kzt": 2000000}"#, as: world.caller("ngo")
                )
                let application = try #require(applied.json["id"] as? String)
                #expect(try await client.send(.post, "/v1/applications/\(application)/submit", as: world.caller("ngo")).status == .ok)

                let unknown = try await client.send(.post, "/v1/calls/\(call)/reviewers", json: #"{"email": "nobody@example.kz"}"#, as: akimat)
                #expect(unknown.status == .unprocessableContent && unknown.errorFields == ["email"])
                var reviewers: [String: String] = [:]
                for email in ["expert@example.kz", "insider@example.kz"] {
                    let list = try await client.send(.post, "/v1/calls/\(call)/reviewers", json: #"{"email": "\#(email)"}"#, as: akimat).items
                    reviewers[email] = list.first { $0["email"] as? String == email }?["person_id"] as? String
                }
                #expect(try await client.send(.post, "/v1/calls/\(call)/allocation", as: akimat).status == .conflict, "still open")

                try await client.send(.post, "/test/clock?advance_days=3")
                let conflicted = try await client.send(
                    .post, "/v1/calls/\(call)/assignments", json: #"{"application_id": "\#(application)", "person_id": "\#(reviewers["insider@example.kz"]!)"}"#, as: akimat
                )
                #expect(conflicted.status == .unprocessableContent && conflicted.errorFields == ["person_id"])
                #expect(String(buffer: conflicted.body).contains("conflict_of_interest"))
                let automatic = try await client.send(.post, "/v1/calls/\(call)/assignments/automatic", as: akimat)
                #expect(automatic.status == .ok)
                #expect((automatic.json["added"] as? [[String: Any]])?.compactMap { $0["person_id"] as? String } == [reviewers["expert@example.kz"]!])
                #expect(automatic.json["short"] as? [String] == [application], "two reviewers are asked for; one is free of conflicts")

                let scores = try await client.send(.get, "/v1/calls/\(call)/scores", as: akimat).items
                #expect(scores.first?["complete"] as? Bool == false && scores.first?["assigned"] as? Int == 1)
                let allocation = try await client.send(.post, "/v1/calls/\(call)/allocation", as: akimat)
                #expect(allocation.status == .ok)
                #expect((allocation.json["unfunded"] as? [[String: Any]])?.first?["reason"] as? String == "awaiting_reviews")
                #expect(try await client.send(.get, "/v1/calls/\(call)/allocation", as: akimat).json["call_id"] as? String == call)

                // A second expert; the two disagree by 100 points, so the body moderates through its token.
                _ = try await services.accounts.createPerson(.init(email: "second@example.kz", name: "Second", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin)
                let pool = try await client.send(.post, "/v1/calls/\(call)/reviewers", json: #"{"email": "second@example.kz"}"#, as: akimat).items
                let second = try #require(pool.first { $0["email"] as? String == "second@example.kz" }?["person_id"] as? String)
                #expect(try await client.send(.post, "/v1/calls/\(call)/assignments", json: #"{"application_id": "\#(application)", "person_id": "\#(second)"}"#, as: akimat).status.code == 201)
                services.clock.advance(by: 3 * 86_400)

                // The reviewers score through a review tool carrying their personal tokens.
                let tokens = TokenRepository(pool: database.pool)
                var personal: [String: String] = [:]
                for (email, person) in [("expert@example.kz", reviewers["expert@example.kz"]!), ("second@example.kz", second), ("insider@example.kz", reviewers["insider@example.kz"]!)] {
                    personal[email] = try await tokens.issue(personID: try #require(UUID(uuidString: person)), label: "review tool").token
                }
                let expert = personal["expert@example.kz"]!, secondToken = personal["second@example.kz"]!
                #expect(try await client.send(.get, "/v1/reviewer/assignments").status == .unauthorized)
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: akimat).status == .forbidden, "an organization's token speaks for no reviewer")
                #expect(try await client.send(.get, "/v1/calls/\(call)/scores", as: .token(expert)).status == .forbidden, "a personal token does nothing an organization does")
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(expert)).items.map { $0["application_id"] as? String } == [application])
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(personal["insider@example.kz"]!)).items.isEmpty)
                #expect(try await client.send(.get, "/v1/reviewer/assignments/\(application)", as: .token(personal["insider@example.kz"]!)).status == .notFound)
                let wrongCount = try await client.send(.put, "/v1/reviewer/assignments/\(application)/review", json: #"{"scores": [5, 1]}"#, as: .token(expert))
                #expect(wrongCount.status == .unprocessableContent && wrongCount.errorFields == ["scores"])
                let notNumber = try await client.send(.put, "/v1/reviewer/assignments/\(application)/review", json: #"{"scores": ["5"]}"#, as: .token(expert))
                #expect(notNumber.status == .unprocessableContent && notNumber.errorFields == ["scores[0]"])
                let scored = try await client.send(.put, "/v1/reviewer/assignments/\(application)/review", json: #"{"scores": [5], "comment": "Clear need."}"#, as: .token(expert))
                #expect(scored.status == .ok && scored.json["total"] as? Double == 100 && scored.json["own"] as? Bool == true)
                // Blind: the second reviewer and the applicant read nothing of the first's scores yet.
                let blind = try await client.send(.get, "/v1/reviewer/assignments/\(application)", as: .token(secondToken))
                #expect(blind.status == .ok && (blind.json["reviews"] as? [[String: Any]])?.isEmpty == true && blind.json["complete"] as? Bool == false)
                #expect((blind.json["criteria"] as? [[String: Any]])?.count == 1 && (blind.json["application"] as? [String: Any])?["amount_kzt"] as? Int == 2_000_000)
                #expect(try await client.send(.get, "/v1/reviewer/assignments/\(application)", as: world.caller("ngo")).status == .forbidden)
                let own = try await client.send(.get, "/v1/reviewer/assignments/\(application)", as: .token(expert))
                #expect((own.json["reviews"] as? [[String: Any]])?.map { $0["own"] as? Bool } == [true] && own.json["reviewed"] as? Bool == true)
                #expect(try await client.send(.put, "/v1/reviewer/assignments/\(application)/review", json: #"{"scores": [0]}"#, as: .token(secondToken)).status == .ok)
                let open = try await client.send(.get, "/v1/reviewer/assignments/\(application)", as: .token(expert))
                #expect(open.json["complete"] as? Bool == true && (open.json["reviews"] as? [[String: Any]])?.count == 2)
                #expect(try await client.send(.put, "/v1/reviewer/assignments/\(application)/review", json: #"{"scores": [3]}"#, as: .token(expert)).status == .conflict, "final once all are in")
                // The insider declares the conflict the assignment was refused for; a reason is needed.
                let noReason = try await client.send(.post, "/v1/reviewer/assignments/\(application)/conflict", json: #"{"reason": " "}"#, as: .token(personal["insider@example.kz"]!))
                #expect(noReason.status == .unprocessableContent && noReason.errorFields == ["reason"])
                #expect(try await client.send(.post, "/v1/reviewer/assignments/\(application)/conflict", json: #"{"reason": "I work for the applicant."}"#, as: .token(personal["insider@example.kz"]!)).status == .noContent)
                let secondID = try #require(UUID(uuidString: second))
                let tokenID = try #require(try await tokens.list(personID: secondID).first?.id)
                try await tokens.revoke(tokenID)
                #expect(try await client.send(.get, "/v1/reviewer/assignments", as: .token(secondToken)).status == .unauthorized, "revoked")
                let moderation = #"{"score": 70, "comment": "Read both reviews and the application."}"#
                #expect(try await client.send(.post, "/v1/applications/\(application)/moderation", json: moderation, as: world.caller("ngo")).status == .forbidden)
                let moderated = try await client.send(.post, "/v1/applications/\(application)/moderation", json: moderation, as: akimat)
                #expect(moderated.status == .created && moderated.json["score"] as? Double == 70)
                #expect(try await client.send(.post, "/v1/applications/\(application)/moderation", json: moderation, as: akimat).status == .conflict, "moderated once")

                // The results date: the allocation funds it at the moderated score, and the award makes it a partnership.
                #expect(try await client.send(.post, "/v1/calls/\(call)/award", as: akimat).status == .conflict, "not before the results date")
                try await client.send(.post, "/test/clock?advance_days=8")
                let final = try await client.send(.post, "/v1/calls/\(call)/allocation", as: akimat)
                #expect((final.json["grants"] as? [[String: Any]])?.first?["application_id"] as? String == application)
                let stale = try await client.send(.post, "/v1/calls/\(call)/award", json: #"{"allocation_computed_at": "2020-01-01T00:00:00Z"}"#, as: akimat)
                #expect(stale.status == .conflict)
                let award = try await client.send(.post, "/v1/calls/\(call)/award", json: #"{"allocation_computed_at": "\#(final.json["computed_at"] as? String ?? "")"}"#, as: akimat)
                #expect(award.status == .created)
                let partnership = try #require((award.json["partnerships"] as? [[String: Any]])?.first?["partnership_id"] as? String)
                let read = try await client.send(.get, "/v1/partnerships/\(partnership)", as: world.caller("ngo"))
                #expect(read.json["state"] as? String == "approved" && read.json["call_id"] as? String == call && read.json["business_id"] == nil)
                #expect((read.json["funders"] as? [[String: Any]])?.first?["role"] as? String == "state")
                #expect(try await client.send(.get, "/v1/calls/\(call)/award", as: world.caller("business")).json["partnerships"] as? [[String: Any]] != nil)
            }
        }
    }
}

/// A time as the API takes it.
private func rfc3339(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: date)
}
