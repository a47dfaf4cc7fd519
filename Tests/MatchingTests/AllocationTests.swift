import Foundation
import Testing
import Domain
@testable import Matching

@Suite struct AllocationTests {
    // MARK: - Against networkx

    @Test func splitMatchesNetworkxOnRandomInstances() throws {
        var generator = SplitMix(state: 41)
        var instances = (0..<240).map { _ in randomProblem(&generator) }
        instances += edgeCases
        let expected: [Int64]
        do {
            expected = try networkxOptima(instances)
        } catch {
            Issue.record("The networkx checker could not run (python3 with networkx is needed): \(error)")
            return
        }
        try #require(expected.count == instances.count, "the checker answered \(expected.count) of \(instances.count) instances")
        var matched = 0
        for (index, problem) in instances.enumerated() {
            let ours = Allocator.split(problem)
            #expect(ours.objective == Double(expected[index]), "instance \(index): split \(ours.objective), networkx \(expected[index])")
            if ours.objective == Double(expected[index]) { matched += 1 }
        }
        #expect(matched == instances.count)
        print("AllocationTests: split matched networkx on \(matched) of \(instances.count) instances")
    }

    // MARK: - Properties

    @Test func allocationsAreFeasibleAndConsistent() {
        var generator = SplitMix(state: 42)
        for _ in 0..<400 {
            let problem = randomProblem(&generator)
            let split = Allocator.split(problem)
            let whole = Allocator.whole(problem)
            let greedy = Allocator.greedy(problem)
            for result in [split, whole, greedy] {
                checkFeasible(result, problem)
            }
            #expect(split.upperBound == split.objective)
            #expect(split.gap == 0)
            #expect(whole.objective <= split.objective)
            #expect(whole.upperBound == split.objective)
            #expect(greedy.objective <= split.objective)
            #expect(greedy.upperBound == split.objective)
            for placement in whole.placements {
                #expect(placement.amount == problem.needs[placement.project], "whole funds \(placement) partly")
            }
            let projects = whole.placements.map(\.project)
            #expect(Set(projects).count == projects.count, "whole funds a project from several sponsors")
            let greedyProjects = greedy.placements.map(\.project)
            #expect(Set(greedyProjects).count == greedyProjects.count)
        }
    }

    @Test func resultsAreDeterministic() {
        var generator = SplitMix(state: 43)
        for _ in 0..<100 {
            let problem = randomProblem(&generator)
            #expect(Allocator.split(problem) == Allocator.split(problem))
            #expect(Allocator.whole(problem) == Allocator.whole(problem))
            #expect(Allocator.greedy(problem) == Allocator.greedy(problem))
            #expect(Allocator.blockingPairs(problem, Allocator.split(problem)) == Allocator.blockingPairs(problem, Allocator.split(problem)))
        }
        // The order edges come in does not matter either.
        for _ in 0..<100 {
            var problem = randomProblem(&generator)
            let before = (Allocator.split(problem), Allocator.whole(problem), Allocator.greedy(problem))
            problem.edges.shuffle(using: &generator)
            #expect(Allocator.split(problem) == before.0)
            #expect(Allocator.whole(problem) == before.1)
            #expect(Allocator.greedy(problem) == before.2)
        }
    }

    @Test func wholeStaysWithinTheTrueWholeOptimum() {
        // Small enough to enumerate every whole-funding assignment: the split optimum must bound the
        // true whole optimum, and the heuristic cannot beat it.
        var generator = SplitMix(state: 44)
        var optimal = 0
        let rounds = 200
        for _ in 0..<rounds {
            let problem = randomProblem(&generator, maxSponsors: 4, maxProjects: 8)
            let best = bruteForceWhole(problem)
            let whole = Allocator.whole(problem)
            #expect(whole.objective <= best)
            #expect(best <= Allocator.split(problem).objective)
            if whole.objective == best { optimal += 1 }
        }
        // A heuristic, but on instances this small it should nearly always find the optimum.
        #expect(optimal >= rounds * 9 / 10, "whole was optimal on \(optimal) of \(rounds)")
        print("AllocationTests: whole was optimal on \(optimal) of \(rounds) small instances")
    }

    // MARK: - Hand-made cases

    /// A can fund P1 or P2 at similar weights; B only P1. Greedy gives P1 to A and leaves P2 unfunded.
    let contested = AllocationProblem(
        budgets: [100, 100],
        needs: [100, 100],
        edges: [
            .init(sponsor: 0, project: 0, weight: 10),
            .init(sponsor: 0, project: 1, weight: 9),
            .init(sponsor: 1, project: 0, weight: 8),
        ]
    )

    @Test func splitBeatsGreedyWhenASponsorIsContested() {
        let greedy = Allocator.greedy(contested)
        #expect(greedy.placements == [Placement(sponsor: 0, project: 0, amount: 100)])
        #expect(greedy.objective == 1_000)

        let split = Allocator.split(contested)
        #expect(split.placements == [Placement(sponsor: 1, project: 0, amount: 100), Placement(sponsor: 0, project: 1, amount: 100)])
        #expect(split.objective == 1_700)
        #expect(split.gap == 0)
        #expect(greedy.gap > 0.4)

        let whole = Allocator.whole(contested)
        #expect(whole.objective == 1_700)
        #expect(whole.gap == 0)
    }

    @Test func splitSharesAProjectBetweenSponsorsWhenThatPays() {
        // P0 needs 150 and only A and B can fund it; P1 takes the rest of B at a low weight.
        let problem = AllocationProblem(
            budgets: [100, 100],
            needs: [150, 100],
            edges: [
                .init(sponsor: 0, project: 0, weight: 5),
                .init(sponsor: 1, project: 0, weight: 4),
                .init(sponsor: 1, project: 1, weight: 1),
            ]
        )
        let split = Allocator.split(problem)
        #expect(split.placements == [
            Placement(sponsor: 0, project: 0, amount: 100),
            Placement(sponsor: 1, project: 0, amount: 50),
            Placement(sponsor: 1, project: 1, amount: 50),
        ])
        #expect(split.objective == 750)
        // Whole: nobody can fund P0's 150 alone, so only P1 is funded.
        let whole = Allocator.whole(problem)
        #expect(whole.placements == [Placement(sponsor: 1, project: 1, amount: 100)])
        #expect(whole.upperBound == 750)
        #expect(abs(whole.gap - 650.0 / 750) < 1e-12)
    }

    @Test func wholeMovesAProjectToMakeRoom() {
        // Greedy by weight puts P0 (need 60) with A, leaving A no room for P1 (need 80) that only A can
        // fund; moving P0 to B makes room.
        let problem = AllocationProblem(
            budgets: [100, 60],
            needs: [60, 80],
            edges: [
                .init(sponsor: 0, project: 0, weight: 10),
                .init(sponsor: 1, project: 0, weight: 9),
                .init(sponsor: 0, project: 1, weight: 8),
            ]
        )
        let whole = Allocator.whole(problem)
        #expect(whole.placements == [Placement(sponsor: 1, project: 0, amount: 60), Placement(sponsor: 0, project: 1, amount: 80)])
        #expect(whole.objective == 60 * 9 + 80 * 8)
    }

    @Test func emptyAndDegenerateProblems() {
        let empty = AllocationProblem(budgets: [], needs: [], edges: [])
        for result in [Allocator.split(empty), Allocator.whole(empty), Allocator.greedy(empty)] {
            #expect(result.placements.isEmpty)
            #expect(result.objective == 0)
            #expect(result.gap == 0)
        }
        // Zero budgets, zero needs, and edges that are invalid are all ignored.
        let degenerate = AllocationProblem(
            budgets: [0, 50, -5],
            needs: [10, 0, 20],
            edges: [
                .init(sponsor: 0, project: 0, weight: 7),
                .init(sponsor: 1, project: 1, weight: 7),
                .init(sponsor: 2, project: 2, weight: 7),
                .init(sponsor: 1, project: 2, weight: 0),
                .init(sponsor: 9, project: 0, weight: 3),
            ]
        )
        #expect(Allocator.split(degenerate).placements.isEmpty)
        #expect(Allocator.whole(degenerate).placements.isEmpty)
        #expect(Allocator.greedy(degenerate).placements.isEmpty)
    }

    // MARK: - Blocking pairs

    @Test func blockingPairsCountsPairsThatWouldRatherMatch() {
        // The split optimum gives P0 to B (weight 8) and P1 to A (weight 9), yet A and P0 both prefer
        // each other at weight 10: one blocking pair. Greedy's outcome is stable here.
        #expect(Allocator.blockingPairs(contested, Allocator.split(contested)) == 1)
        #expect(Allocator.blockingPairs(contested, Allocator.greedy(contested)) == 0)
        // With nothing placed, every edge between a sponsor with money and a project with need blocks.
        let nothing = AllocationResult(placements: [], objective: 0, upperBound: 0)
        #expect(Allocator.blockingPairs(contested, nothing) == 3)
    }

    @Test func blockingPairsAreListedBestFirstWithWhyEachSideWouldRather() {
        // A funds P1 (9) though it fits P0 better (10), and P0 takes B's money (8): both sides have a better fit.
        #expect(Allocator.blockingPairList(contested, Allocator.split(contested)) == [
            BlockingPair(sponsor: 0, project: 0, weight: 10, sponsorHasRoom: false, projectHasRoom: false),
        ])
        // Nothing placed: every side has room, and the heaviest pair comes first.
        let nothing = AllocationResult(placements: [], objective: 0, upperBound: 0)
        let listed = Allocator.blockingPairList(contested, nothing)
        #expect(listed.map(\.weight) == [10, 9, 8])
        #expect(listed.allSatisfy { $0.sponsorHasRoom && $0.projectHasRoom })
        // Greedy gives P0 all of A's money; P1 (need left) would take A, but A has no better use for it.
        #expect(Allocator.blockingPairList(contested, Allocator.greedy(contested)).isEmpty)
        // A sponsor with money left blocks with a project funded by a worse fit.
        let halfSpent = AllocationResult(placements: [Placement(sponsor: 1, project: 0, amount: 100)], objective: 800, upperBound: 1_900)
        #expect(Allocator.blockingPairList(contested, halfSpent) == [
            BlockingPair(sponsor: 0, project: 0, weight: 10, sponsorHasRoom: true, projectHasRoom: false),
            BlockingPair(sponsor: 0, project: 1, weight: 9, sponsorHasRoom: true, projectHasRoom: true),
        ])
    }

    @Test func underWholeFundingOnlyABudgetThatCoversTheNeedIsRoom() {
        let problem = AllocationProblem(
            budgets: [50, 100],
            needs: [100, 100],
            edges: [.init(sponsor: 0, project: 0, weight: 10), .init(sponsor: 1, project: 1, weight: 5)]
        )
        let result = AllocationResult(placements: [Placement(sponsor: 1, project: 1, amount: 100)], objective: 500, upperBound: 1_000)
        #expect(Allocator.blockingPairs(problem, result) == 1, "split: A's 50 would go to P0")
        #expect(Allocator.blockingPairs(problem, result, wholeNeeds: true) == 0, "whole: 50 cannot cover P0's 100")
    }

    @Test func optimumWithEveryoneSatisfiedHasNoBlockingPairs() {
        let problem = AllocationProblem(
            budgets: [100, 100],
            needs: [100, 100],
            edges: [
                .init(sponsor: 0, project: 0, weight: 10),
                .init(sponsor: 1, project: 1, weight: 10),
                .init(sponsor: 0, project: 1, weight: 1),
            ]
        )
        let split = Allocator.split(problem)
        #expect(split.objective == 2_000)
        #expect(Allocator.blockingPairs(problem, split) == 0)
    }

    // MARK: - Slots (max_active_partnerships)

    /// Sponsor 0 is the best for all three projects but has one slot; sponsor 1 has no limit.
    let oneSlot = AllocationProblem(
        budgets: [300, 300],
        needs: [100, 100, 100],
        edges: [
            .init(sponsor: 0, project: 0, weight: 10),
            .init(sponsor: 0, project: 1, weight: 12),
            .init(sponsor: 0, project: 2, weight: 11),
            .init(sponsor: 1, project: 0, weight: 5),
            .init(sponsor: 1, project: 1, weight: 5),
            .init(sponsor: 1, project: 2, weight: 5),
        ],
        slots: [1, nil]
    )

    @Test func aSponsorWithOneSlotGetsOnePlacement() {
        var unlimited = oneSlot
        unlimited.slots = []
        // Without the limit sponsor 0 takes all three.
        #expect(Allocator.split(unlimited).placements.filter { $0.sponsor == 0 }.count == 3)
        #expect(Allocator.whole(unlimited).placements.filter { $0.sponsor == 0 }.count == 3)

        // With it, sponsor 0 keeps its best (project 1, weight 12) and sponsor 1 funds the rest.
        let expected = [
            Placement(sponsor: 1, project: 0, amount: 100),
            Placement(sponsor: 0, project: 1, amount: 100),
            Placement(sponsor: 1, project: 2, amount: 100),
        ]
        for (name, result) in [("split", Allocator.split(oneSlot)), ("whole", Allocator.whole(oneSlot)), ("greedy", Allocator.greedy(oneSlot))] {
            checkFeasible(result, oneSlot)
            #expect(result.placements.filter { $0.sponsor == 0 }.count == 1, "\(name): \(result.placements)")
            if name != "greedy" { #expect(result.placements == expected, "\(name)") }
            #expect(result.upperBound == 3_300, "\(name): the bound is the optimum without slots")
        }
        #expect(Allocator.split(oneSlot).objective == 2_200)
        // No slot at all: sponsor 0 places nothing, and its edges cannot block.
        var none = oneSlot
        none.slots = [0, nil]
        for result in [Allocator.split(none), Allocator.whole(none), Allocator.greedy(none)] {
            #expect(result.placements.allSatisfy { $0.sponsor == 1 })
            #expect(result.placements.count == 3)
        }
        #expect(Allocator.blockingPairs(none, Allocator.split(none)) == 0)
    }

    @Test func slotsHoldOnRandomInstances() {
        var generator = SplitMix(state: 45)
        var bound = 0
        for _ in 0..<300 {
            var problem = randomProblem(&generator)
            problem.slots = problem.budgets.map { _ in Bool.random(using: &generator) ? nil : Int.random(in: 0...2, using: &generator) }
            // The bound: the optimum without slots, where a sponsor with no slot has no edges either.
            var unlimited = problem
            unlimited.slots = problem.slots.map { $0 == 0 ? 0 : nil }
            let exact = Allocator.split(unlimited).objective
            let split = Allocator.split(problem)
            let whole = Allocator.whole(problem)
            let greedy = Allocator.greedy(problem)
            for result in [split, whole, greedy] {
                checkFeasible(result, problem)
                checkSlots(result, problem)
                #expect(result.objective <= exact)
                #expect(result.upperBound == max(exact, result.objective))
            }
            if split.objective < exact { bound += 1 }
            for placement in whole.placements {
                #expect(placement.amount == problem.needs[placement.project])
            }
        }
        #expect(bound > 30, "slots bound on only \(bound) of 300 instances")
        print("AllocationTests: slots bound the split allocation on \(bound) of 300 random instances")
    }

    @Test func wholeWithSlotsStaysNearTheTrueOptimum() {
        var generator = SplitMix(state: 46)
        var optimal = 0
        let rounds = 200
        for _ in 0..<rounds {
            var problem = randomProblem(&generator, maxSponsors: 4, maxProjects: 8)
            problem.slots = problem.budgets.map { _ in Int.random(in: 0...2, using: &generator) }
            let best = bruteForceWhole(problem)
            let whole = Allocator.whole(problem)
            checkSlots(whole, problem)
            #expect(whole.objective <= best)
            if whole.objective == best { optimal += 1 }
        }
        #expect(optimal >= rounds * 9 / 10, "whole was optimal on \(optimal) of \(rounds)")
    }

    @Test func knapsackTakesAtMostMaxCountItems() {
        let items = (0..<6).map { Knapsack.Item(id: $0, size: 10, value: Double(10 + $0)) }
        #expect(Knapsack.solve(items, capacity: 60, beat: 0)?.count == 6)
        #expect(Knapsack.solve(items, capacity: 60, maxCount: 2, beat: 0)?.sorted() == [4, 5])
        #expect(Knapsack.solve(items, capacity: 60, maxCount: 0, beat: 0) == nil)
    }

    @Test func thePlannerGivesEachSponsorItsRemainingSlots() {
        var generator = SplitMix(state: 47)
        let owner = Sample.ngo(&generator)
        var projects: [(project: ProjectProfile, owner: PartnerProfile)] = []
        for _ in 0..<3 {
            var project = Sample.project(&generator, owner: owner.id)
            project.focusAreas = ["inclusion"]
            project.regions = ["550000000"]
            project.fundingNeededKZT = 1_000_000
            projects.append((project, owner))
        }
        func sponsor(_ areas: [String], max: Int?, open: Int) -> PartnerProfile {
            var sponsor = PartnerProfile(id: Sample.id(&generator), kind: .business)
            sponsor.focusAreas = areas
            sponsor.regions = ["550000000"]
            sponsor.annualCSRBudgetKZT = 10_000_000
            sponsor.maxActivePartnerships = max
            sponsor.activePartnerships = open
            return sponsor
        }
        // The first fits every project best but may take one more partnership.
        let sponsors = [sponsor(["inclusion"], max: 3, open: 2), sponsor(["social_protection"], max: nil, open: 0), sponsor(["inclusion"], max: 1, open: 1)]
        #expect(sponsors.map(RoundPlanner.slots(of:)) == [1, nil, 0])
        let plan = RoundPlanner(taxonomy: Sample.taxonomy).plan(projects: projects, sponsors: sponsors)
        #expect(plan.problem.slots == [1, nil, 0])
        var unlimited = plan.problem
        unlimited.slots = []
        #expect(Allocator.split(unlimited).placements.filter { $0.sponsor == 0 }.count == 3, "sponsor 0 is the best for every project")
        for result in [Allocator.split(plan.problem), Allocator.whole(plan.problem)] {
            #expect(result.placements.filter { $0.sponsor == 0 }.count == 1, "\(result.placements)")
            #expect(result.placements.filter { $0.sponsor == 2 }.isEmpty)
            #expect(result.placements.count == 3, "sponsor 1 funds the other two")
        }
    }

    /// A sponsor already in a live partnership on a project gets no edge to it, in both ways of
    /// scoring; everyone else keeps theirs.
    @Test func aRoundLeavesOutPairsAlreadyPartnered() {
        var generator = SplitMix(state: 77)
        let owner = Sample.ngo(&generator)
        let projects = (0..<3).map { _ -> (project: ProjectProfile, owner: PartnerProfile) in
            (ProjectProfile(id: Sample.id(&generator), organizationID: owner.id, focusAreas: ["inclusion"], regions: ["550000000"], fundingNeededKZT: 2_000_000), owner)
        }
        let sponsors = (0..<2).map { _ -> PartnerProfile in
            var sponsor = PartnerProfile(id: Sample.id(&generator), kind: .business)
            sponsor.focusAreas = ["inclusion"]
            sponsor.regions = ["550000000"]
            sponsor.annualCSRBudgetKZT = 10_000_000
            return sponsor
        }
        let partnered: Set = [ProjectSponsorPair(project: projects[1].project.id, sponsor: sponsors[0].id)]
        for fromBits in [true, false] {
            var planner = RoundPlanner(taxonomy: Sample.taxonomy)
            planner.scoresFromBits = fromBits
            let all = planner.plan(projects: projects, sponsors: sponsors).problem.edges.map { [$0.project, $0.sponsor] }
            let plan = planner.plan(projects: projects, sponsors: sponsors, partnered: partnered).problem.edges.map { [$0.project, $0.sponsor] }
            #expect(all.contains([1, 0]))
            #expect(Set(plan) == Set(all).subtracting([[1, 0]]), "from bits: \(fromBits)")
        }
    }

    /// Scoring a round's candidates from bits gives the edges and scores that scoring their
    /// profiles gives, vetoes, districts and nationwide sponsors included.
    @Test func aRoundScoredFromBitsIsTheRoundScoredFromProfiles() {
        var generator = SplitMix(state: 31)
        for round in 0..<20 {
            let owners = (0..<5).map { _ in Sample.ngo(&generator) }
            let projects = (0..<Int.random(in: 5...60, using: &generator)).map { index -> (project: ProjectProfile, owner: PartnerProfile) in
                let owner = owners[index % owners.count]
                var project = Sample.project(&generator, owner: owner.id)
                project.pledgedKZT = Int64.random(in: 0...project.fundingNeededKZT, using: &generator)
                return (project, owner)
            }
            let sponsors = (0..<Int.random(in: 5...80, using: &generator)).map { _ in
                var sponsor = Sample.business(&generator)
                if Bool.random(using: &generator) { sponsor.regions.append(Sample.places.randomElement(using: &generator) ?? "195230000") }
                if Int.random(in: 0..<8, using: &generator) == 0 { sponsor.annualCSRBudgetKZT = nil }
                if Int.random(in: 0..<8, using: &generator) == 0 { sponsor.isActive = false }
                if Int.random(in: 0..<8, using: &generator) == 0 { sponsor.activePartnerships = sponsor.maxActivePartnerships ?? 0 }
                if Int.random(in: 0..<8, using: &generator) == 0 { sponsor.pledgedKZT = sponsor.annualCSRBudgetKZT ?? 0 }
                return sponsor
            }
            var planner = RoundPlanner(taxonomy: Sample.taxonomy)
            planner.candidatesPerProject = Int.random(in: 3...20, using: &generator)
            planner.edgesPerProject = Int.random(in: 1...planner.candidatesPerProject, using: &generator)
            let fromBits = planner.plan(projects: projects, sponsors: sponsors)
            planner.scoresFromBits = false
            let fromProfiles = planner.plan(projects: projects, sponsors: sponsors)
            #expect(fromBits.scoredFromBits && !fromProfiles.scoredFromBits)
            #expect(fromBits.scores == fromProfiles.scores, "round \(round)")
            #expect(fromBits.problem.edges.map { [$0.sponsor, $0.project, Int($0.weight)] } == fromProfiles.problem.edges.map { [$0.sponsor, $0.project, Int($0.weight)] })
        }
    }

    /// Candidates read from the per-area lists are the candidates a pre-rank over every sponsor
    /// picks, whether the lists sufficed (many sponsors, few candidates) or not.
    @Test func aRoundPreRankedFromAreaListsIsTheRoundPreRankedOverEverySponsor() {
        var generator = SplitMix(state: 37)
        var fromLists = 0
        var projectCount = 0
        for round in 0..<30 {
            let owners = (0..<5).map { _ in Sample.ngo(&generator) }
            let projects = (0..<Int.random(in: 5...40, using: &generator)).map { index -> (project: ProjectProfile, owner: PartnerProfile) in
                let owner = owners[index % owners.count]
                var project = Sample.project(&generator, owner: owner.id)
                project.pledgedKZT = Int64.random(in: 0...project.fundingNeededKZT, using: &generator)
                return (project, owner)
            }
            let sponsors = (0..<Int.random(in: 5...600, using: &generator)).map { _ in
                var sponsor = Sample.business(&generator)
                if Bool.random(using: &generator) { sponsor.regions.append(Sample.places.randomElement(using: &generator) ?? "195230000") }
                if Int.random(in: 0..<8, using: &generator) == 0 { sponsor.annualCSRBudgetKZT = nil }
                return sponsor
            }
            var planner = RoundPlanner(taxonomy: Sample.taxonomy)
            planner.candidatesPerProject = Int.random(in: 1...30, using: &generator)
            planner.edgesPerProject = Int.random(in: 1...planner.candidatesPerProject, using: &generator)
            let quick = planner.plan(projects: projects, sponsors: sponsors)
            planner.preRanksFromAreaLists = false
            let full = planner.plan(projects: projects, sponsors: sponsors)
            fromLists += quick.preRankedFromLists
            projectCount += projects.count
            #expect(full.preRankedFromLists == 0)
            #expect(quick.pairsScored == full.pairsScored, "round \(round)")
            #expect(quick.scores == full.scores, "round \(round)")
            #expect(quick.problem.edges.map { [$0.sponsor, $0.project, Int($0.weight)] } == full.problem.edges.map { [$0.sponsor, $0.project, Int($0.weight)] })
        }
        // Both ways were taken.
        #expect(fromLists > 0 && fromLists < projectCount, "\(fromLists) of \(projectCount) from the lists")

        // A sponsor sharing none of the project's areas can still make the candidates on a tie: one
        // working in the project's region, with a budget covering it, in two areas serving the same
        // goal (pre-rank 2 + 2 + 1), against ones sharing the area elsewhere with small budgets (4 + 1).
        var owner = Sample.ngo(&generator)
        owner.seeking = []
        var project = Sample.project(&generator, owner: owner.id)
        project.focusAreas = ["health"]
        project.regions = ["750000000"]
        var nearby = Sample.business(&generator)
        nearby.focusAreas = ["sport", "elderly"]
        nearby.seeking = []
        nearby.nationwide = false
        nearby.regions = ["750000000"]
        nearby.annualCSRBudgetKZT = 900_000_000
        nearby.pledgedKZT = 0
        let elsewhere = (0..<6).map { _ in
            var sponsor = Sample.business(&generator)
            sponsor.focusAreas = ["health"]
            sponsor.seeking = []
            sponsor.nationwide = false
            sponsor.regions = ["550000000"]
            sponsor.annualCSRBudgetKZT = 10_000
            sponsor.pledgedKZT = 0
            return sponsor
        }
        var planner = RoundPlanner(taxonomy: Sample.taxonomy)
        planner.candidatesPerProject = 3
        planner.edgesPerProject = 3
        let quick = planner.plan(projects: [(project, owner)], sponsors: [nearby] + elsewhere)
        planner.preRanksFromAreaLists = false
        let full = planner.plan(projects: [(project, owner)], sponsors: [nearby] + elsewhere)
        #expect(full.scores[0]?[0] != nil, "the nearby sponsor is a candidate")
        #expect(quick.scores == full.scores)
    }

    // MARK: - Helpers

    private func checkFeasible(_ result: AllocationResult, _ problem: AllocationProblem, sourceLocation: SourceLocation = #_sourceLocation) {
        var weightOf: [Int: Int64] = [:]
        for edge in problem.edges { weightOf[edge.sponsor * 1_000 + edge.project] = edge.weight }
        var spent = [Int64](repeating: 0, count: problem.budgets.count)
        var received = [Int64](repeating: 0, count: problem.needs.count)
        var objective = 0.0
        for placement in result.placements {
            #expect(placement.amount > 0, sourceLocation: sourceLocation)
            guard let weight = weightOf[placement.sponsor * 1_000 + placement.project] else {
                Issue.record("placement \(placement) is not on an edge", sourceLocation: sourceLocation)
                continue
            }
            spent[placement.sponsor] += placement.amount
            received[placement.project] += placement.amount
            objective += Double(weight) * Double(placement.amount)
        }
        for (sponsor, amount) in spent.enumerated() {
            #expect(amount <= max(0, problem.budgets[sponsor]), "sponsor \(sponsor) over budget", sourceLocation: sourceLocation)
        }
        for (project, amount) in received.enumerated() {
            #expect(amount <= max(0, problem.needs[project]), "project \(project) over need", sourceLocation: sourceLocation)
        }
        #expect(result.objective == objective, sourceLocation: sourceLocation)
        let keys = result.placements.map { [$0.project, $0.sponsor] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) }, "placements not sorted", sourceLocation: sourceLocation)
        #expect(Set(keys).count == keys.count, "a pair placed twice", sourceLocation: sourceLocation)
    }

    private func checkSlots(_ result: AllocationResult, _ problem: AllocationProblem, sourceLocation: SourceLocation = #_sourceLocation) {
        var count = [Int](repeating: 0, count: problem.budgets.count)
        for placement in result.placements { count[placement.sponsor] += 1 }
        for (sponsor, slots) in problem.slots.enumerated() {
            if let slots { #expect(count[sponsor] <= slots, "sponsor \(sponsor) over its \(slots) slots", sourceLocation: sourceLocation) }
        }
    }

    /// The best whole-funding objective, by trying every sponsor (or none) for every project, within slots.
    private func bruteForceWhole(_ problem: AllocationProblem) -> Double {
        let projectCount = problem.needs.count
        let choices = (0..<projectCount).map { project in
            problem.edges.filter { $0.project == project && problem.needs[project] > 0 }
        }
        var best = 0.0
        var remaining = problem.budgets
        var slotsLeft = problem.budgets.indices.map { sponsor -> Int in
            problem.slots.indices.contains(sponsor) ? problem.slots[sponsor] ?? .max : .max
        }
        func visit(_ project: Int, _ total: Double) {
            if project == projectCount {
                best = max(best, total)
                return
            }
            visit(project + 1, total)
            let need = problem.needs[project]
            for edge in choices[project] where remaining[edge.sponsor] >= need && slotsLeft[edge.sponsor] > 0 {
                remaining[edge.sponsor] -= need
                slotsLeft[edge.sponsor] -= 1
                visit(project + 1, total + Double(edge.weight) * Double(need))
                remaining[edge.sponsor] += need
                slotsLeft[edge.sponsor] += 1
            }
        }
        visit(0, 0)
        return best
    }

    private func randomProblem(_ generator: inout SplitMix, maxSponsors: Int = 12, maxProjects: Int = 25) -> AllocationProblem {
        let sponsorCount = Int.random(in: 1...maxSponsors, using: &generator)
        let projectCount = Int.random(in: 1...maxProjects, using: &generator)
        // Some instances have many zero budgets and needs.
        let zeroShare: Double = [0.0, 0.1, 0.4].randomElement(using: &generator) ?? 0
        func amount(_ generator: inout SplitMix) -> Int64 {
            let isZero = Double.random(in: 0..<1, using: &generator) < zeroShare
            return isZero ? 0 : Int64.random(in: 0...1_000, using: &generator)
        }
        let budgets = (0..<sponsorCount).map { _ in amount(&generator) }
        let needs = (0..<projectCount).map { _ in amount(&generator) }
        let density = [0.0, 0.1, 0.3, 0.7].randomElement(using: &generator) ?? 0.3
        var edges: [AllocationProblem.Edge] = []
        for project in 0..<projectCount {
            for sponsor in 0..<sponsorCount where Double.random(in: 0..<1, using: &generator) < density {
                edges.append(.init(sponsor: sponsor, project: project, weight: Int64.random(in: 1...100, using: &generator)))
            }
        }
        edges.shuffle(using: &generator)
        return AllocationProblem(budgets: budgets, needs: needs, edges: edges)
    }

    private var edgeCases: [AllocationProblem] {
        [
            AllocationProblem(budgets: [0], needs: [0], edges: []),
            AllocationProblem(budgets: [500], needs: [300], edges: []),
            AllocationProblem(budgets: [0, 0], needs: [10, 20], edges: [.init(sponsor: 0, project: 0, weight: 5), .init(sponsor: 1, project: 1, weight: 5)]),
            AllocationProblem(budgets: [10, 20], needs: [0, 0], edges: [.init(sponsor: 0, project: 0, weight: 5), .init(sponsor: 1, project: 1, weight: 5)]),
            AllocationProblem(budgets: [1_000], needs: [1_000], edges: [.init(sponsor: 0, project: 0, weight: 100)]),
            contested,
        ]
    }

    /// Runs the Python checker once over all instances: one optimum per line.
    private func networkxOptima(_ problems: [AllocationProblem]) throws -> [Int64] {
        let payload = problems.map { problem -> [String: Any] in
            [
                "budgets": problem.budgets,
                "needs": problem.needs,
                "edges": problem.edges.map { [Int64($0.sponsor), Int64($0.project), $0.weight] },
            ]
        }
        return try PythonChecker.optima("min_cost_flow_check.py", payload)
    }
}
