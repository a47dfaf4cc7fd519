import Domain
import Foundation
import Logging
import Matching
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// What followed a list: partnership_stats' answer counters through a partnership's lifecycle,
/// the per-viewer impressions, and whether a proposal came from a list.
@Suite struct OutcomeTests {
    struct Answers: Equatable, CustomStringConvertible {
        let received: Int
        let accepted: Int
        var description: String { "\(accepted)/\(received)" }
    }

    func answers(_ id: UUID, _ pool: ConnectionPool) async throws -> Answers {
        try await pool.withConnection { connection in
            guard let row = try connection.query(
                "SELECT proposals_received, proposals_accepted FROM partnership_stats WHERE subject_id = $1", [id]
            ).first else { return Answers(received: 0, accepted: 0) }
            return Answers(received: try row.decode(Int.self, at: 0), accepted: try row.decode(Int.self, at: 1))
        }
    }

    @Test func answerCountersFollowAProposalThroughItsLifecycle() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let ngo = try #require(world.identities["ngo"])
            let business = try #require(world.identities["business"])
            let akimat = try #require(world.identities["government_inside"])
            let pool = database.pool
            func expectAnswers(_ ngoAnswers: Answers, _ businessAnswers: Answers, _ akimatAnswers: Answers, _ step: String) async throws {
                #expect(try await answers(world.ngo, pool) == ngoAnswers, "NGO after \(step)")
                #expect(try await answers(world.business, pool) == businessAnswers, "business after \(step)")
                #expect(try await answers(world.akimatInside, pool) == akimatAnswers, "akimat after \(step)")
            }
            let none = Answers(received: 0, accepted: 0)
            let one = Answers(received: 1, accepted: 1)

            // The NGO proposes: nobody has answered yet, and a proposer never answers its own proposal.
            let id = try await services.partnerships.propose(
                PartnershipDraft(projectID: try await world.openProject(), businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1_000_000),
                by: ngo
            ).id
            try await expectAnswers(none, none, none, "proposing")
            _ = try await services.partnerships.perform(.consent, on: id, comment: nil, ifMatch: nil, by: business)
            try await expectAnswers(none, one, none, "the sponsor's consent")
            _ = try await services.partnerships.perform(.consent, on: id, comment: nil, ifMatch: nil, by: akimat)
            try await expectAnswers(none, one, one, "the akimat's consent")
            // Returned for changes, consents are cleared, but having gone to review they were given.
            _ = try await services.partnerships.perform(.return, on: id, comment: "Add a timeline", ifMatch: nil, by: akimat)
            try await expectAnswers(none, one, one, "a return")

            // The matching profile reads what the trigger keeps.
            let profiles = try #require(try await MatchRepository(pool: pool).profiles(project: try await world.openProject(), organizations: [world.business]))
            #expect(profiles.1[world.business]?.profile.proposalsReceived == 1 && profiles.1[world.business]?.profile.proposalsAccepted == 1)
            #expect(profiles.0.owner.proposalsReceived == 0)

            // A second proposal the proposer withdraws before the others answered: answered, not accepted.
            let second = try await services.partnerships.propose(
                PartnershipDraft(projectID: try await world.openProject(), businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1_000_000),
                by: ngo
            ).id
            try await expectAnswers(none, one, one, "a second proposal")
            _ = try await services.partnerships.perform(.withdraw, on: second, comment: nil, ifMatch: nil, by: ngo)
            let oneOfTwo = Answers(received: 2, accepted: 1)
            try await expectAnswers(none, oneOfTwo, oneOfTwo, "withdrawing it")

            // The sponsor proposes: now the NGO receives one, and consenting answers it.
            let third = try await services.partnerships.propose(
                PartnershipDraft(projectID: try await world.openProject(), businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1_000_000),
                by: business
            ).id
            _ = try await services.partnerships.perform(.consent, on: third, comment: nil, ifMatch: nil, by: ngo)
            try await expectAnswers(one, oneOfTwo, oneOfTwo, "the NGO's consent to the sponsor's proposal")
            // Amended terms clear the NGO's consent: it has not accepted these terms yet.
            _ = try await services.partnerships.amend(third, pledgeKZT: 2_000_000, inKind: nil, ifMatch: nil, by: business)
            try await expectAnswers(none, oneOfTwo, oneOfTwo, "new terms")

            // Migration 0011's backfill computes, for partnerships made before it, what the trigger keeps.
            let migration = try #require(TestDatabase.migrations.first { $0.version == 11 })
            let backfill = try #require(migration.sql.range(of: "-- Existing partnerships"))
            try await pool.withConnection { connection in
                try connection.execute("UPDATE partnership_stats SET proposals_received = 0, proposals_accepted = 0")
                try connection.execute(String(migration.sql[backfill.lowerBound...]))
            }
            try await expectAnswers(none, oneOfTwo, oneOfTwo, "the backfill")
        }
    }

    /// A round's acceptance refreshes the stats once after its inserts (migration 0025) instead of
    /// after each: what it leaves must equal a recount of every subject.
    @Test func aRoundsAcceptanceLeavesTheStatsARecountGives() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            // Counts to keep: partnerships of the same parties in other states.
            _ = try await world.partnership(in: .active, pledge: 3_000_000)
            let withdrawn = try await world.partnership(in: .proposed)
            _ = try await services.partnerships.perform(.withdraw, on: withdrawn, comment: nil, ifMatch: nil, by: .admin)
            _ = try await world.partnership(in: .underReview)
            var placements: [RoundPlacement] = []
            for _ in 0..<6 {
                placements.append(RoundPlacement(projectID: try await world.openProject(), sponsorID: world.business, amountKZT: 1_000_000, score: 0.5))
            }
            let request = RoundRequest(jurisdiction: "550000000", national: false, focusAreas: [], mode: .split, consentDeadline: Date().addingTimeInterval(86_400))
            let outcome = RoundOutcome(
                projectsInScope: 6, sponsorsInScope: 1, pairsScored: 6, objective: 3, upperBound: 3, blockingPairs: 0,
                placements: placements, unfunded: [], needInScopeKZT: 120_000_000
            )
            let round = try await RoundRepository(pool: database.pool).save(request, by: world.akimatInside, isAdmin: false, outcome: outcome)
            _ = try await services.rounds.accept(round.id, by: try #require(world.identities["government_inside"]))

            let (stored, recounted) = try await database.pool.withConnection { connection in
                let columns = "subject_id, pledged_kzt, open_partnerships, completed, cancelled, proposals_received, proposals_accepted"
                let stored = try connection.query("SELECT \(columns) FROM partnership_stats ORDER BY subject_id").rows.map { row in (0..<row.count).map(row.text) }
                try connection.query(
                    "SELECT refresh_partnership_stats(ARRAY(SELECT unnest(ARRAY[ngo_id, business_id, government_body_id, project_id]) FROM partnerships))"
                )
                let recounted = try connection.query("SELECT \(columns) FROM partnership_stats ORDER BY subject_id").rows.map { row in (0..<row.count).map(row.text) }
                return (stored, recounted)
            }
            #expect(stored.count >= 6 + 3, "the round's projects and parties have stats")
            #expect(stored == recounted)
        }
    }

    @Test func aProposalRemembersWhetherTheProposerWasShownItsChoice() async throws {
        try await TestDatabase.with { database in
            let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
            let world = try await AccessWorld.build(pool: database.pool)
            let ngo = try #require(world.identities["ngo"])
            let business = try #require(world.identities["business"])
            let flusher = ExposureFlushService(
                recorder: services.exposure, repository: ExposureRepository(pool: database.pool), interval: .seconds(60), logger: Logger(label: "test")
            )
            let projects = [try await world.openProject(), try await world.openProject(), try await world.openProject()]

            // The NGO saw the sponsor twice; the business saw the first project; an anonymous list counts for exposure only.
            services.exposure.record([world.business, world.akimatInside], shownTo: world.ngo)
            services.exposure.record([world.business], shownTo: world.ngo)
            services.exposure.record([projects[0]], shownTo: world.business)
            services.exposure.record([projects[1]], shownTo: nil)
            await flusher.flush()
            let shown = try await ExposureRepository(pool: database.pool).shown(to: world.ngo)
            #expect(shown[world.business]?.times == 2 && shown[world.akimatInside]?.times == 1)
            #expect(try #require(shown[world.business]).firstShownAt <= shown[world.business]!.lastShownAt)
            #expect(try await ExposureRepository(pool: database.pool).shown(to: world.business).keys.sorted() == [projects[0]])
            // Without a viewer it counts exposure, and nothing per viewer.
            services.exposure.record([projects[2]], shownTo: nil)
            #expect(services.exposure.drain().shown.isEmpty)

            func propose(_ project: UUID, by caller: Caller) async throws -> UUID {
                try await services.partnerships.propose(
                    PartnershipDraft(projectID: project, businessID: world.business, governmentBodyID: world.akimatInside, pledgeKZT: 1_000_000), by: caller
                ).id
            }
            let fromNGOList = try await propose(projects[1], by: ngo)
            let fromBusinessList = try await propose(projects[0], by: business)
            let notFromList = try await propose(projects[2], by: business)
            let byAdmin = try await propose(try await world.openProject(), by: .admin)
            let fromList = try await database.pool.withConnection { connection in
                Dictionary(uniqueKeysWithValues: try connection.query("SELECT id, from_list FROM partnerships").rows.map {
                    (try $0.decode(UUID.self, at: 0), try $0.decode(Bool?.self, at: 1))
                })
            }
            #expect(fromList[fromNGOList] == true)
            #expect(fromList[fromBusinessList] == true)
            #expect(fromList[notFromList] == false)
            #expect(fromList[byAdmin] == false)

            // What followed: the evaluation groups proposals by origin.
            _ = try await services.partnerships.perform(.withdraw, on: notFromList, comment: nil, ifMatch: nil, by: business)
            for action in [PartnershipLifecycle.Action.consent, .approve, .activate, .complete] {
                _ = try await services.partnerships.perform(
                    action, on: fromNGOList, comment: nil, finalEvaluation: action == .complete ? ReportDraft(amountDisbursedKZT: 0, beneficiariesReached: 0, text: "Done") : nil, ifMatch: nil, by: .admin
                )
            }
            let outcomes = try await PartnershipRepository(pool: database.pool).outcomesByOrigin()
            #expect(outcomes.proposals == 4 && outcomes.unrecorded.proposals == 0)
            #expect(outcomes.fromList.proposals == 2 && outcomes.fromList.consented == 1 && outcomes.fromList.approved == 1 && outcomes.fromList.completed == 1)
            #expect(outcomes.notFromList.proposals == 2 && outcomes.notFromList.withdrawn == 1 && outcomes.notFromList.consented == 0)
            let table = outcomes.table
            #expect(table[0] == "4 proposals; made from a list: 2 of 4 recorded (0.500)")
            #expect(table[2].hasPrefix("from a list") && table[2].contains("0.500"))
        }
    }
}
