import Domain
import Foundation
import HTTPTypes
import Postgres
import DemoData
import Storage
import Testing
import TestSupport

@Suite struct RoundAPITests {
    /// The access world plus more sponsors and open projects in Pavlodar Region.
    func withRoundWorld(_ body: @Sendable (APIClient, AccessWorld) async throws -> Void) async throws {
        try await TestDatabase.with(maxConnections: 6) { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                let organizations = OrganizationRepository(pool: database.pool)
                for (index, budget) in [30_000_000, 12_000_000, 5_000_000].enumerated() {
                    var sponsor = OrganizationDraft(
                        kind: .business, bin: try AccessWorld.validBIN(startingAt: "150640000\(index)"), legalForm: "llp",
                        name: LocalizedText(en: "Sponsor \(index)")
                    )
                    sponsor.regions = ["550000000"]
                    sponsor.focusAreas = index == 2 ? ["education"] : ["inclusion", "social_protection"]
                    sponsor.annualCSRBudgetKZT = Int64(budget)
                    let id = try await organizations.create(sponsor).id
                    _ = try await organizations.setVerification(id, to: .verified)
                }
                for _ in 0..<6 { _ = try await world.openProject() }
                try await body(client, world)
            }
        }
    }

    static let deadline = "2030-01-01T00:00:00Z"

    struct Summary {
        let count: Int
        let perSponsor: [String: Int]
        let perProject: [String: Int]
        let allPositiveWithReasons: Bool
    }

    /// Totals per sponsor and per project of a round's placements.
    static func summarize(_ response: TestResponse) -> Summary {
        let placements = response.json["placements"] as? [[String: Any]] ?? []
        var perSponsor: [String: Int] = [:]
        var perProject: [String: Int] = [:]
        var fine = true
        for placement in placements {
            let sponsor = (placement["sponsor"] as? [String: Any])?["id"] as? String ?? ""
            let project = (placement["project"] as? [String: Any])?["id"] as? String ?? ""
            let amount = placement["amount_kzt"] as? Int ?? 0
            let reasons = placement["reasons"] as? [String] ?? []
            fine = fine && amount > 0 && !reasons.isEmpty
            perSponsor[sponsor, default: 0] += amount
            perProject[project, default: 0] += amount
        }
        return Summary(count: placements.count, perSponsor: perSponsor, perProject: perProject, allPositiveWithReasons: fine)
    }

    /// Project, sponsor and amount of each placement, to compare two rounds.
    static func placementKeys(_ response: TestResponse) -> [String] {
        let placements = response.json["placements"] as? [[String: Any]] ?? []
        return placements.map { placement in
            let project = (placement["project"] as? [String: Any])?["id"] as? String ?? ""
            let sponsor = (placement["sponsor"] as? [String: Any])?["id"] as? String ?? ""
            return "\(project)|\(sponsor)|\(placement["amount_kzt"] as? Int ?? 0)"
        }
    }

    @Test func aRoundAllocatesWithinBudgetsAndNeedsReproducibly() async throws {
        try await withRoundWorld { client, world in
            let request = #"{"consent_deadline": "\#(Self.deadline)", "mode": "split"}"#
            let first = try await client.send(.post, "/v1/rounds", json: request, as: world.caller("government_inside"))
            #expect(first.status == .created)
            let summary = Self.summarize(first)
            #expect(summary.count > 0)
            #expect(summary.allPositiveWithReasons)
            let perSponsor = summary.perSponsor
            let perProject = summary.perProject
            // Every open project needs 20M; sponsors have 1,000M + 30M + 12M + 5M.
            #expect(perProject.values.allSatisfy { $0 <= 20_000_000 })
            #expect((perSponsor.values.max() ?? 0) <= 1_000_000_000)
            let totals = first.json["totals"] as? [String: Any]
            #expect(totals?["funding_placed_kzt"] as? Int == perProject.values.reduce(0, +))
            #expect(first.json["blocking_pairs"] is Int)
            #expect(first.json["optimality_gap"] as? Double == 0)

            let second = try await client.send(.post, "/v1/rounds", json: request, as: world.caller("government_inside"))
            #expect(Self.placementKeys(first) == Self.placementKeys(second), "the same data and options give the same allocation")
        }
    }

    @Test func namedSponsorsAreTheRoundsOnlySponsorsWhereverTheyWork() async throws {
        try await withRoundWorld { client, world in
            var far = OrganizationDraft(
                kind: .business, bin: try AccessWorld.validBIN(startingAt: "1506400009"), legalForm: "llp", name: LocalizedText(en: "Memorandum signer")
            )
            far.regions = ["750000000"]
            far.focusAreas = ["inclusion", "social_protection"]
            far.annualCSRBudgetKZT = 40_000_000
            let organizations = OrganizationRepository(pool: world.pool)
            let signer = try await organizations.create(far).id
            _ = try await organizations.setVerification(signer, to: .verified)

            let request = #"{"consent_deadline": "\#(Self.deadline)", "sponsor_ids": ["\#(signer.lowercasedString)", "\#(signer.lowercasedString)"]}"#
            let round = try await client.send(.post, "/v1/rounds", json: request, as: world.caller("government_inside"))
            #expect(round.status == .created)
            let summary = Self.summarize(round)
            #expect(summary.count > 0)
            #expect(Set(summary.perSponsor.keys) == [signer.lowercasedString], "only the named business, though it works in Almaty")
            #expect(round.json["sponsor_ids"] as? [String] == [signer.lowercasedString], "named once, kept once")
            #expect((round.json["totals"] as? [String: Any])?["sponsors_in_scope"] as? Int == 1)

            let ngo = #"{"consent_deadline": "\#(Self.deadline)", "sponsor_ids": ["\#(world.ngo.lowercasedString)"]}"#
            let refused = try await client.send(.post, "/v1/rounds", json: ngo, as: world.caller("government_inside"))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["sponsor_ids"])
            #expect(String(buffer: refused.body).contains(world.ngo.lowercasedString), "the refusal names the id")
            let malformed = #"{"consent_deadline": "\#(Self.deadline)", "sponsor_ids": ["not-a-uuid"]}"#
            let bad = try await client.send(.post, "/v1/rounds", json: malformed, as: world.caller("government_inside"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorFields == ["sponsor_ids[0]"])
        }
    }

    @Test func aRoundListsItsStrongestBlockingPairsWithWhyEachSideWouldRather() async throws {
        try await TestDatabase.with { database in try await withService(database) { client in
            let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
            for _ in 0..<3 { _ = try await world.openProject() }
            // The engine's own round: every pair it counts is listed (fewer than 100 here), best first.
            let computed = try await client.send(.post, "/v1/rounds", json: #"{"consent_deadline": "\#(Self.deadline)", "mode": "whole"}"#, as: world.caller("government_inside"))
            let listed = computed.json["strongest_blocking_pairs"] as? [[String: Any]] ?? []
            #expect(listed.count == computed.json["blocking_pairs"] as? Int)
            let scores = listed.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >))

            // A stored round with one listed pair of more: the API and the page name both sides and why.
            let project = try await world.openProject()
            let request = RoundRequest(jurisdiction: "550000000", national: false, focusAreas: [], mode: .split, consentDeadline: Date().addingTimeInterval(86_400))
            let outcome = RoundOutcome(
                projectsInScope: 1, sponsorsInScope: 1, pairsScored: 1, objective: 0, upperBound: 1, blockingPairs: 3,
                strongestBlockingPairs: [RoundBlockingPair(projectID: project, sponsorID: world.business, score: 0.75, sponsorHasRoom: true, projectHasRoom: false)],
                placements: [], unfunded: [], needInScopeKZT: 20_000_000
            )
            let round = try await RoundRepository(pool: world.pool).save(request, by: world.akimatInside, isAdmin: false, outcome: outcome)
            let shown = try await client.send(.get, "/v1/rounds/\(round.id.lowercasedString)", as: world.caller("government_inside"))
            #expect(shown.status == .ok)
            let pair = try #require((shown.json["strongest_blocking_pairs"] as? [[String: Any]])?.first)
            #expect((pair["project"] as? [String: Any])?["id"] as? String == project.lowercasedString)
            #expect((pair["sponsor"] as? [String: Any])?["name"] != nil, "the sponsor is named")
            #expect(pair["sponsor_reason"] as? String == "budget_left")
            #expect(pair["project_reason"] as? String == "better_fit")
            #expect(pair["score"] as? Double == 0.75)

            try await PartnershipPageTests.people(database, world: world)
            var reviewer = try await ReviewPageTests.signedIn(client, "member@inside.example.kz")
            let page = String(buffer: try await reviewer.get("/workspace/rounds/\(round.id.lowercasedString)").body)
            #expect(page.contains(#"id="blocking-heading""#))
            #expect(page.contains("It has budget left.") && page.contains("A sponsor that fits it less well funds it."))
            #expect(page.contains("The 1 best-fitting of 3 are listed."))
            #expect(page.contains("/projects/\(project.lowercasedString)"))
        } }
    }

    @Test func wholeFundingGivesEachProjectOneSponsorOrNone() async throws {
        try await withRoundWorld { client, world in
            let response = try await client.send(.post, "/v1/rounds", json: #"{"consent_deadline": "\#(Self.deadline)", "mode": "whole"}"#, as: world.caller("government_inside"))
            #expect(response.status == .created)
            let placements = response.json["placements"] as? [[String: Any]] ?? []
            #expect(!placements.isEmpty)
            let projects = placements.compactMap { ($0["project"] as? [String: Any])?["id"] as? String }
            #expect(projects.count == placements.count)
            #expect(Set(projects).count == projects.count, "one sponsor per project")
            #expect(placements.allSatisfy { $0["amount_kzt"] as? Int == 20_000_000 }, "whole needs only")
            #expect((response.json["upper_bound"] as? Double ?? 0) >= (response.json["objective"] as? Double ?? 1))
        }
    }

    @Test func acceptingMakesProposalsThatMustBeConsentedInTime() async throws {
        try await withRoundWorld { client, world in
            let round = try await client.send(.post, "/v1/rounds", json: #"{"consent_deadline": "\#(Self.deadline)"}"#, as: world.caller("government_inside"))
            let id = try #require(round.json["id"] as? String)
            #expect(try await client.send(.post, "/v1/rounds/\(id)/accept", as: world.caller("business")).status == .notFound)
            let accepted = try await client.send(.post, "/v1/rounds/\(id)/accept", as: world.caller("government_inside"))
            #expect(accepted.status == .ok)
            #expect(accepted.json["state"] as? String == "accepted")
            let made = (accepted.json["placements"] as? [[String: Any]] ?? []).compactMap { $0["partnership_id"] as? String }
            #expect(!made.isEmpty)
            for partnership in made {
                let read = try await client.send(.get, "/v1/partnerships/\(partnership)", as: .admin)
                #expect(read.json["state"] as? String == "proposed")
                #expect((read.json["consents"] as? [String: Bool])?["government_body"] == true)
                // The NGO and the sponsor hear of it as a proposal that asks for their consent.
                for party in ["ngo_id", "business_id"] {
                    let organization = try #require(read.json[party] as? String)
                    let news = try await client.send(.get, "/v1/organizations/\(organization)/inbox?limit=100", as: .admin).items
                    #expect(
                        news.contains { $0["partnership_id"] as? String == partnership && $0["kind"] as? String == "propose" && $0["needs_action"] as? Bool == true },
                        "no news of the round's proposal \(partnership) for its \(party)"
                    )
                }
            }
            #expect(try await client.send(.post, "/v1/rounds/\(id)/accept", as: world.caller("government_inside")).status == .conflict)

            // Once the deadline has passed, consent is refused.
            let lapsed = try #require(made.first)
            try await client.pool.withConnection { connection in
                try connection.query("UPDATE partnerships SET consent_deadline = now() - interval '1 day' WHERE id = $1::uuid", [lapsed])
            }
            let late = try await client.send(.post, "/v1/partnerships/\(lapsed)/consent", as: world.caller("ngo"))
            #expect(late.status == .conflict)
            #expect(late.problemType == "/problems/consent-deadline-passed")
        }
    }

    @Test func acceptanceIsAllOrNothingAndSkipsWhatCannotBeProposed() async throws {
        try await withRoundWorld { client, world in
            let round = try await client.send(.post, "/v1/rounds", json: #"{"consent_deadline": "\#(Self.deadline)"}"#, as: world.caller("government_inside"))
            let id = try #require(round.json["id"] as? String)
            let pairs = (round.json["placements"] as? [[String: Any]] ?? []).compactMap { placement -> (project: String, sponsor: String)? in
                guard let project = (placement["project"] as? [String: Any])?["id"] as? String,
                      let sponsor = (placement["sponsor"] as? [String: Any])?["id"] as? String else { return nil }
                return (project, sponsor)
            }
            let projects = Array(Set(pairs.map { $0.project })).sorted()
            try #require(projects.count >= 4, "placements on \(projects.count) projects")
            let body = world.akimatInside.uuidString.lowercased()
            // One placement's triple is opened beforehand, one project is closed, and inserting a
            // partnership on the last project (processed after others) fails.
            let duplicate = try #require(pairs.first { $0.project == projects[0] })
            let proposed = try await client.send(
                .post, "/v1/partnerships",
                json: #"{"project_id": "\#(duplicate.project)", "business_id": "\#(duplicate.sponsor)", "government_body_id": "\#(body)", "pledge_kzt": 1000}"#,
                as: .admin
            )
            #expect(proposed.status == .created)
            let failing = try #require(projects.last)
            try await client.pool.withConnection { connection in
                try connection.query("UPDATE projects SET status = 'closed' WHERE id = $1::uuid", [projects[1]])
                try connection.query(
                    """
                    CREATE FUNCTION test_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'refused by the test'; END $$
                    """,
                    []
                )
                try connection.query(
                    "CREATE TRIGGER test_refuse_insert BEFORE INSERT ON partnerships FOR EACH ROW WHEN (NEW.project_id = '\(failing)') EXECUTE FUNCTION test_refuse_insert()",
                    []
                )
            }
            let traces = { @Sendable () async throws -> [Int] in
                try await client.pool.withConnection { connection in
                    let row = try connection.query(
                        """
                        SELECT (SELECT count(*) FROM partnerships WHERE round_id = $1::uuid)::int,
                            (SELECT count(*) FROM round_placements WHERE round_id = $1::uuid
                                AND (partnership_id IS NOT NULL OR skipped_reason IS NOT NULL))::int,
                            (SELECT count(*) FROM funding_rounds WHERE id = $1::uuid AND (state <> 'computed' OR accepted_at IS NOT NULL))::int
                        """,
                        [id]
                    ).rows[0]
                    return [try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1), try row.decode(Int.self, at: 2)]
                }
            }
            let failed = try await client.send(.post, "/v1/rounds/\(id)/accept", as: world.caller("government_inside"))
            #expect(failed.status.code >= 500, "\(failed.status)")
            #expect(try await traces() == [0, 0, 0], "a failure midway leaves no partnership, no placement result and the round computed")

            try await client.pool.withConnection { connection in
                try connection.query("DROP TRIGGER test_refuse_insert ON partnerships", [])
            }
            let accepted = try await client.send(.post, "/v1/rounds/\(id)/accept", as: world.caller("government_inside"))
            #expect(accepted.status == .ok)
            var made = 0
            for placement in accepted.json["placements"] as? [[String: Any]] ?? [] {
                let project = (placement["project"] as? [String: Any])?["id"] as? String ?? ""
                let sponsor = (placement["sponsor"] as? [String: Any])?["id"] as? String ?? ""
                let reason = placement["skipped_reason"] as? String
                let partnership = placement["partnership_id"] as? String
                if project == duplicate.project && sponsor == duplicate.sponsor {
                    #expect(partnership == nil && reason == "These three already have an open partnership on this project.")
                } else if project == projects[1] {
                    #expect(partnership == nil && reason == "The project is closed, not open.")
                } else {
                    #expect(partnership != nil && reason == nil, "\(placement)")
                    made += 1
                }
            }
            #expect(made > 0)
            #expect(try await traces() == [made, pairs.count, 1])
            // Each proposal is the body's, consent implied, with one propose event by the body.
            let (good, events) = try await client.pool.withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT count(*) FILTER (WHERE p.proposed_by = $2::uuid AND p.government_consent AND NOT p.ngo_consent
                            AND NOT p.business_consent AND p.state = 'proposed'
                            AND p.consent_deadline = (SELECT consent_deadline FROM funding_rounds WHERE id = $1::uuid))::int,
                        (SELECT count(*) FROM partnership_events e JOIN partnerships q ON q.id = e.partnership_id
                            WHERE q.round_id = $1::uuid AND e.action = 'propose' AND e.to_state = 'proposed'
                              AND e.actor_organization_id = $2::uuid AND NOT e.actor_is_admin)::int
                    FROM partnerships p WHERE p.round_id = $1::uuid
                    """,
                    [id, body]
                ).rows[0]
                return (try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1))
            }
            #expect(good == made)
            #expect(events == made)
        }
    }

    /// Placements per sponsor id in a round's response.
    static func placementCounts(_ response: TestResponse) -> [String: Int] {
        let placements = response.json["placements"] as? [[String: Any]] ?? []
        var counts: [String: Int] = [:]
        for placement in placements {
            counts[(placement["sponsor"] as? [String: Any])?["id"] as? String ?? "", default: 0] += 1
        }
        return counts
    }

    @Test func roundsRespectEachSponsorsPartnershipLimit() async throws {
        try await withRoundWorld { client, world in
            // The big sponsor may have one partnership and has one approved already.
            _ = try await world.partnership(in: .approved)
            let wide = try await client.pool.withConnection { connection in
                try connection.query("UPDATE organizations SET max_active_partnerships = 1 WHERE id = $1", [world.business])
                // Sponsor 0 gets budget for every project, so only a limit can keep it to a few.
                return try connection.query(
                    "UPDATE organizations SET annual_csr_budget_kzt = 500000000 WHERE name_en = 'Sponsor 0' RETURNING id::text",
                    []
                ).rows[0].decode(String.self, at: 0)
            }
            let big = world.business.uuidString.lowercased()
            let request = #"{"consent_deadline": "\#(Self.deadline)", "mode": "split"}"#
            let before = try await client.send(.post, "/v1/rounds", json: request, as: world.caller("government_inside"))
            #expect(before.status == .created)
            let counts = Self.placementCounts(before)
            #expect(counts[big] == nil, "a sponsor at its limit gets no placement: \(counts)")
            #expect(counts[wide, default: 0] > 2, "without a limit sponsor 0 funds most projects: \(counts)")

            // With a limit of 2 and nothing open, at most 2; the others take what it leaves.
            try await client.pool.withConnection { connection in
                try connection.query("UPDATE organizations SET max_active_partnerships = 2 WHERE id = $1::uuid", [wide])
            }
            for mode in ["split", "whole"] {
                let limited = try await client.send(
                    .post, "/v1/rounds", json: #"{"consent_deadline": "\#(Self.deadline)", "mode": "\#(mode)"}"#,
                    as: world.caller("government_inside")
                )
                #expect(limited.status == .created)
                let counts = Self.placementCounts(limited)
                #expect(counts[big] == nil, "\(mode): \(counts)")
                #expect((1...2).contains(counts[wide, default: 0]), "\(mode): sponsor 0 gets 1 or 2 placements: \(counts)")
                if mode == "split" {
                    #expect((limited.json["upper_bound"] as? Double ?? 0) > (limited.json["objective"] as? Double ?? 0), "the limit binds")
                }
            }
        }
    }

    @Test func onlyGovernmentBodiesRunRoundsInTheirOwnJurisdiction() async throws {
        try await withRoundWorld { client, world in
            let body = #"{"consent_deadline": "\#(Self.deadline)"}"#
            #expect(try await client.send(.post, "/v1/rounds", json: body, as: .anonymous).status == .unauthorized)
            #expect(try await client.send(.post, "/v1/rounds", json: body, as: world.caller("business")).status == .forbidden)
            #expect(try await client.send(.post, "/v1/rounds", json: body, as: world.caller("ngo")).status == .forbidden)
            let elsewhere = #"{"consent_deadline": "\#(Self.deadline)", "jurisdiction": "550000000"}"#
            #expect(try await client.send(.post, "/v1/rounds", json: elsewhere, as: world.caller("government_outside")).status == .forbidden)
            let own = try await client.send(.post, "/v1/rounds", json: body, as: world.caller("government_inside"))
            let id = try #require(own.json["id"] as? String)
            #expect(try await client.send(.get, "/v1/rounds/\(id)", as: world.caller("government_outside")).status == .notFound)
            #expect(try await client.send(.get, "/v1/rounds/\(id)", as: .admin).status == .ok)
            let past = try await client.send(.post, "/v1/rounds", json: #"{"consent_deadline": "2001-01-01T00:00:00Z", "mode": "halves"}"#, as: world.caller("government_inside"))
            #expect(past.status == .unprocessableContent)
            #expect(past.errorFields == ["consent_deadline", "mode"])
        }
    }
}
