import Domain
import Foundation
import Postgres
import Storage
import Testing
import TestSupport
@testable import UseCases

/// Assigning a call's reviewers against PostgreSQL: every conflict-of-interest rule refuses a named
/// assignment, automatic assignment never makes one, and a declared conflict undoes an assignment.
@Suite struct CallReviewTests {
    struct World {
        let access: AccessWorld
        let services: Services
        let call: Call
        /// The NGO's submitted applications: on inclusion (the world's projects) and on sport.
        let inclusion: UUID
        let sport: UUID
        let people: [String: UUID]
    }

    /// A call of the inside akimat's, pledged to by the business earmarked to inclusion, with two
    /// submitted applications of the NGO's, its applications closed; reviewers of every kind.
    static func world(_ database: TestDatabase, stateBudgetKZT: Int64? = nil, pledgeKZT: Int64 = 5_000_000) async throws -> World {
        let access = try await AccessWorld.build(pool: database.pool)
        let services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: .cheapHashes)
        var terms = CallServiceTests.terms(eligibility: CallEligibility(verifiedOnly: true, territoryOnly: true, minYearsActive: 0, noOverdueReports: false))
        if let stateBudgetKZT { terms.stateBudgetKZT = stateBudgetKZT }
        let akimat = try #require(access.identities["government_inside"])
        let draft = try await services.calls.create(terms, governmentBodyID: nil, by: akimat)
        let call = try await services.calls.publish(draft.id, ifMatch: nil, by: akimat)
        _ = try await services.calls.pledge(to: call.id, amountKZT: pledgeKZT, focusAreas: ["inclusion"], places: [], businessID: access.business, by: .admin)
        let ngo = try #require(access.identities["ngo"])
        var applications: [UUID] = []
        for focus in ["inclusion", "sport"] {
            var project = ProjectDraft(organizationID: access.ngo, title: LocalizedText(ru: "Проект \(focus)"), fundingNeededKZT: 5_000_000, durationMonths: 6)
            project.regions = ["550000000"]
            project.focusAreas = [focus]
            project.status = .open
            let id = try await ProjectRepository(pool: database.pool).create(project).id
            let application = try await services.calls.apply(to: call.id, CallApplicationDraft(projectID: id, amountKZT: 2_000_000, answers: ["Да."]), by: ngo)
            applications.append(try await services.calls.submit(application.id, ifMatch: nil, by: ngo).id)
        }
        var people: [String: UUID] = [:]
        for (name, organization) in [
            ("akimat", access.akimatInside), ("applicant", access.ngo), ("funder", access.business), ("elsewhere", access.akimatOutside), ("expert", nil),
        ] as [(String, UUID?)] {
            let account = AccountService.NewAccount(email: "\(name)@review.example.kz", name: name, password: "Correct-Horse-9")
            people[name] = try await services.accounts.createPerson(
                account, isAdmin: false, memberships: organization.map { [($0, .member)] } ?? [], by: .admin
            ).id
        }
        return World(access: access, services: services, call: call, inclusion: applications[0], sport: applications[1], people: people)
    }

    static func refusal(_ call: () async throws -> Void) async -> [FieldIssue] {
        do {
            try await call()
            return []
        } catch DomainError.invalid(let issues) {
            return issues
        } catch {
            return [FieldIssue(field: "", code: "\(error)", message: "")]
        }
    }

    @Test func everyConflictRuleRefusesANamedAssignment() async throws {
        try await TestDatabase.with { database in
            let world = try await Self.world(database)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            for name in world.people.keys.sorted() {
                _ = try await calls.addReviewer(to: world.call.id, email: "\(name.uppercased())@review.example.kz", by: akimat)
            }
            #expect(try await calls.reviewers(of: world.call.id, by: akimat).count == 5)
            await #expect(throws: DomainError.self, "before applications close") {
                _ = try await calls.assign(world.sport, to: try #require(world.people["expert"]), by: akimat)
            }
            world.services.clock.advance(by: 31 * 86_400)

            // The applicant's own people, always.
            #expect(await Self.refusal { _ = try await calls.assign(world.sport, to: world.people["applicant"]!, by: akimat) }.map(\.code) == ["conflict_of_interest"])
            // The co-funder earmarked to inclusion: not for the inclusion application, yes for sport.
            let funder = await Self.refusal { _ = try await calls.assign(world.inclusion, to: world.people["funder"]!, by: akimat) }
            #expect(funder.map(\.code) == ["conflict_of_interest"] && funder.first?.message.contains("co-funder") == true)
            #expect(try await calls.assign(world.sport, to: world.people["funder"]!, by: akimat).automatic == false)
            // A past partner of the NGO: the business, once a partnership of theirs is approved.
            _ = try await world.access.partnership(in: .approved)
            let partner = await Self.refusal { _ = try await calls.assign(world.inclusion, to: world.people["funder"]!, by: akimat) }
            #expect(partner.first?.message.contains("co-funder") == true && partner.first?.message.contains("partnered") == true, "\(partner)")
            // The call's own akimat is no past partner of its applicants: its people review.
            #expect(try await calls.assign(world.inclusion, to: world.people["akimat"]!, by: akimat).personID == world.people["akimat"])
            // Declared: the expert says so, and their assignment goes.
            _ = try await calls.assign(world.inclusion, to: world.people["expert"]!, by: akimat)
            try await calls.declareConflict(on: world.inclusion, reason: "I advised this NGO last year.", reviewer: world.people["expert"]!)
            #expect(!(try await calls.assignments(of: world.call.id, by: akimat)).contains { $0.applicationID == world.inclusion && $0.personID == world.people["expert"] })
            let declared = await Self.refusal { _ = try await calls.assign(world.inclusion, to: world.people["expert"]!, by: akimat) }
            #expect(declared.first?.message.contains("declared") == true)

            // Someone outside the pool, another body, and the NGO are refused.
            let stranger = try await world.services.accounts.createPerson(
                .init(email: "stranger@review.example.kz", name: "Stranger", password: "Correct-Horse-9"), isAdmin: false, memberships: [], by: .admin
            ).id
            #expect(await Self.refusal { _ = try await calls.assign(world.sport, to: stranger, by: akimat) }.map(\.code) == ["not_a_reviewer"])
            for refused in ["government_outside", "ngo", "business"] {
                await #expect(throws: DomainError.self) {
                    _ = try await calls.assign(world.sport, to: world.people["expert"]!, by: try #require(world.access.identities[refused]))
                }
            }
            #expect(await Self.refusal { _ = try await calls.addReviewer(to: world.call.id, email: "nobody@review.example.kz", by: akimat) }.map(\.code) == ["unknown_person"])
        }
    }

    @Test func automaticAssignmentNeverMakesAConflictedOneAndSaysWhatFellShort() async throws {
        try await TestDatabase.with { database in
            let world = try await Self.world(database)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            for name in ["applicant", "funder", "expert"] {
                _ = try await calls.addReviewer(to: world.call.id, email: "\(name)@review.example.kz", by: akimat)
            }
            world.services.clock.advance(by: 31 * 86_400)
            let (added, short) = try await calls.assignAutomatically(world.call.id, by: akimat)
            let pairs = Set(added.map { "\($0.applicationID)|\($0.personID)" })
            // The applicant's person reviews neither; the funder only the sport application.
            #expect(!added.contains { $0.personID == world.people["applicant"] })
            #expect(pairs == ["\(world.sport)|\(world.people["funder"]!)", "\(world.sport)|\(world.people["expert"]!)", "\(world.inclusion)|\(world.people["expert"]!)"])
            #expect(added.allSatisfy { $0.automatic })
            #expect(short == [world.inclusion], "two reviewers are needed and only the expert is free of conflicts")
            // With more reviewers, a second pass fills what is short and leaves the rest.
            _ = try await calls.addReviewer(to: world.call.id, email: "akimat@review.example.kz", by: akimat)
            let again = try await calls.assignAutomatically(world.call.id, by: akimat)
            #expect(again.added.map(\.personID) == [world.people["akimat"]!] && again.added.first?.applicationID == world.inclusion)
            #expect(again.short.isEmpty)
        }
    }

    @Test func scoresAreBlindUntilAllAreInAndADisagreementGoesToAModerator() async throws {
        try await TestDatabase.with { database in
            let world = try await Self.world(database)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            let (expert, colleague) = (world.people["expert"]!, world.people["akimat"]!)
            for email in ["expert@review.example.kz", "akimat@review.example.kz"] { _ = try await calls.addReviewer(to: world.call.id, email: email, by: akimat) }
            world.services.clock.advance(by: 31 * 86_400)
            for person in [expert, colleague] { _ = try await calls.assign(world.sport, to: person, by: akimat) }

            // The rubric has one criterion out of 5: the expert gives 5 (100 points).
            #expect(await Self.refusal { _ = try await calls.submitReview(of: world.sport, scores: [5, 1], comment: "", reviewer: expert) }.map(\.field) == ["scores"])
            #expect(await Self.refusal { _ = try await calls.submitReview(of: world.sport, scores: [6], comment: "", reviewer: expert) }.map(\.field) == ["scores[0]"])
            await #expect(throws: DomainError.notFound(resource: "application"), "not assigned to it") {
                _ = try await calls.submitReview(of: world.inclusion, scores: [5], comment: "", reviewer: expert)
            }
            let first = try await calls.submitReview(of: world.sport, scores: [5], comment: "Strong need.", reviewer: expert)
            #expect(first.total == 100)

            // Blind: the colleague, the call's body and the applicant read none of it yet.
            #expect(try await calls.reviews(of: world.sport, reader: colleague, by: .anonymous).reviews.isEmpty)
            #expect(try await calls.reviews(of: world.sport, reader: expert, by: .anonymous).reviews.map(\.personID) == [expert], "one's own, always")
            let early = try await calls.reviews(of: world.sport, reader: nil, by: akimat)
            #expect(early.reviews.isEmpty && !early.complete)
            #expect(try await calls.scores(of: world.call.id, by: akimat)[world.sport]?.totals == [])
            await #expect(throws: DomainError.self) { _ = try await calls.reviews(of: world.sport, reader: nil, by: try #require(world.access.identities["ngo"])) }
            await #expect(throws: DomainError.self) { _ = try await calls.reviews(of: world.sport, reader: world.people["applicant"]!, by: .anonymous) }

            // The colleague gives 1 (20 points): all in, all read, 80 points apart.
            _ = try await calls.submitReview(of: world.sport, scores: [1], comment: "Weak plan.", reviewer: colleague)
            #expect(try await calls.reviews(of: world.sport, reader: colleague, by: .anonymous).reviews.count == 2)
            let score = try #require(try await calls.scores(of: world.call.id, by: akimat)[world.sport])
            #expect(score.totals == [20, 100] && score.awaitsModeration(limit: world.call.terms.moderationSpread))
            #expect(score.final(limit: world.call.terms.moderationSpread) == nil, "no score for the allocation until moderated")
            await #expect(throws: DomainError.conflict(code: "reviews_complete", message: "Every reviewer has scored this application; the scores are final.")) {
                _ = try await calls.submitReview(of: world.sport, scores: [3], comment: "", reviewer: expert)
            }
            // Nor does a third reviewer reopen them.
            _ = try await calls.addReviewer(to: world.call.id, email: "funder@review.example.kz", by: akimat)
            await #expect(throws: DomainError.self, "a reviewer added after all scored") {
                _ = try await calls.assign(world.sport, to: world.people["funder"]!, by: akimat)
            }
            #expect(try await calls.assignAutomatically(world.call.id, by: akimat).added.allSatisfy { $0.applicationID != world.sport })

            #expect(await Self.refusal { _ = try await calls.moderate(world.sport, score: 70, comment: " ", moderator: colleague, by: akimat) }.map(\.field) == ["comment"])
            await #expect(throws: DomainError.self, "another body moderates") {
                _ = try await calls.moderate(world.sport, score: 70, comment: "Read both.", moderator: colleague, by: try #require(world.access.identities["government_outside"]))
            }
            _ = try await calls.moderate(world.sport, score: 70, comment: "The need is real; the plan can be fixed.", moderator: colleague, by: akimat)
            let moderated = try #require(try await calls.scores(of: world.call.id, by: akimat)[world.sport])
            #expect(moderated.final(limit: world.call.terms.moderationSpread) == 70)
            await #expect(throws: DomainError.self, "moderated once") {
                _ = try await calls.moderate(world.sport, score: 60, comment: "Again.", moderator: colleague, by: akimat)
            }
        }
    }

    @Test func theAllocationFundsTheBestWithinEachFundAndEarmarkAndSaysWhyNotForTheRest() async throws {
        try await TestDatabase.with { database in
            // The state has 1M; the business pledged 5M earmarked to inclusion; each application asks 2M.
            let world = try await Self.world(database, stateBudgetKZT: 1_000_000)
            let calls = world.services.calls
            let akimat = try #require(world.access.identities["government_inside"])
            await #expect(throws: DomainError.self, "not before applications close") { _ = try await calls.allocate(world.call.id, by: akimat) }
            let reviewers = [world.people["expert"]!, world.people["akimat"]!]
            for email in ["expert@review.example.kz", "akimat@review.example.kz"] { _ = try await calls.addReviewer(to: world.call.id, email: email, by: akimat) }
            world.services.clock.advance(by: 31 * 86_400)
            for application in [world.inclusion, world.sport] {
                for reviewer in reviewers { _ = try await calls.assign(application, to: reviewer, by: akimat) }
            }
            // Only one review of sport so far: it waits.
            for reviewer in reviewers { _ = try await calls.submitReview(of: world.inclusion, scores: [5], comment: "", reviewer: reviewer) }
            _ = try await calls.submitReview(of: world.sport, scores: [4], comment: "", reviewer: reviewers[0])
            let early = try await calls.allocate(world.call.id, by: akimat)
            #expect(early.unfunded.map(\.reason) == [.awaitingReviews])
            #expect(early.grants.reduce(0) { $0 + $1.amountKZT } == 2_000_000 && early.cutOff == 100)

            // Sport scores 80 and passes, but only the state's 1M may pay for it: whole grants, so nothing.
            _ = try await calls.submitReview(of: world.sport, scores: [4], comment: "", reviewer: reviewers[1])
            let outcome = try await calls.allocate(world.call.id, by: akimat)
            #expect(outcome.unfunded.map(\.applicationID) == [world.sport] && outcome.unfunded.first?.reason == .outOfBudget)
            #expect(outcome.unfunded.first?.score == 80)
            let inclusion = outcome.grants.filter { $0.applicationID == world.inclusion }
            #expect(inclusion.reduce(0) { $0 + $1.amountKZT } == 2_000_000)
            #expect(Set(inclusion.map(\.funderID)).isSubset(of: [world.access.business, world.access.akimatInside]))
            #expect(outcome.isExact && outcome.gap == 0)
            #expect(try await calls.allocation(of: world.call.id, by: akimat) == outcome, "kept as computed")
            await #expect(throws: DomainError.self, "another body") { _ = try await calls.allocate(world.call.id, by: try #require(world.access.identities["government_outside"])) }

            // An NGO that is no longer verified is ineligible, with the rule named.
            _ = try await OrganizationRepository(pool: database.pool).setVerification(world.access.ngo, to: .unverified)
            let after = try await calls.allocate(world.call.id, by: akimat)
            #expect(after.grants.isEmpty && Set(after.unfunded.map(\.reason)) == [.ineligible])
            #expect(after.unfunded.allSatisfy { $0.detail.contains("verified") })
        }
    }
}
