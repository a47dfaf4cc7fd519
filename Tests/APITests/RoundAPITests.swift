import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
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
