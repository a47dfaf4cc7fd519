import Foundation
import Testing
@testable import Matching

/// Calls for proposals: the state budget and co-funders' pledges (some earmarked) allocated among
/// the applications that passed, to maximise Σ score × amount, checked against independent solvers.
@Suite struct CallAllocationTests {
    @Test func splitEqualsNetworkxOnRandomCalls() throws {
        var generator = SplitMix(state: 2026)
        let problems = (0..<240).map { _ in randomCall(&generator, maxFunds: 6, maxApplications: 30) }
        let payload = problems.map { problem -> [String: Any] in
            [
                "budgets": problem.budgets,
                "needs": problem.applications.map(\.asked),
                "edges": problem.applications.enumerated().flatMap { index, application in
                    application.funds.map { [Int64($0), Int64(index), application.score] }
                },
            ]
        }
        let expected = try PythonChecker.optima("min_cost_flow_check.py", payload)
        try #require(expected.count == problems.count)
        for (problem, optimum) in zip(problems, expected) {
            let result = CallAllocator.split(problem)
            #expect(Int64(result.objective) == optimum, "split \(result.objective) against networkx \(optimum) for \(problem)")
            #expect(result.isExact && result.gap == 0)
            try expectPayable(result, problem, whole: false)
        }
    }

    @Test func wholeGrantsEqualBruteForceOnSmallCalls() throws {
        var generator = SplitMix(state: 14)
        let problems = (0..<220).map { _ in randomCall(&generator, maxFunds: 4, maxApplications: 9) }
        let payload = problems.map { problem -> [String: Any] in
            [
                "budgets": problem.budgets,
                "applications": problem.applications.map { [$0.asked, $0.score, $0.funds] as [Any] },
            ]
        }
        let expected = try PythonChecker.optima("whole_grant_check.py", payload)
        try #require(expected.count == problems.count)
        for (problem, optimum) in zip(problems, expected) {
            let result = CallAllocator.whole(problem)
            #expect(Int64(result.objective) == optimum, "whole \(result.objective) against brute force \(optimum) for \(problem)")
            #expect(result.isExact && result.gap == 0, "an exact result may not claim to fall short")
            #expect(result.objective <= result.splitBound && result.splitBound == CallAllocator.split(problem).objective)
            try expectPayable(result, problem, whole: true)
        }
    }

    @Test func tiesGoToTheEarlierApplicationAndRunsRepeat() {
        // Two applications with the same score and one grant's worth of money.
        let problem = CallAllocationProblem(budgets: [1_000], applications: [
            .init(asked: 1_000, score: 7_000, funds: [0]),
            .init(asked: 1_000, score: 7_000, funds: [0]),
        ])
        for allocate in [CallAllocator.split, { CallAllocator.whole($0) }] {
            let result = allocate(problem)
            #expect(result.grants == [CallAllocation.Grant(application: 0, fund: 0, amount: 1_000)])
            #expect(allocate(problem) == result)
        }
        // The later one wins only with a higher score.
        var higher = problem
        higher.applications[1] = .init(asked: 1_000, score: 7_001, funds: [0])
        #expect(CallAllocator.whole(higher).grants.map(\.application) == [1])
        #expect(CallAllocator.split(higher).grants.map(\.application) == [1])
    }

    @Test func anEarmarkedPledgeMovesTheStateMoneyToWhereOnlyItCanGo() {
        // The state fund admits both; the pledge only the first. Greedy would pay the first from the
        // state and leave the second unpaid; re-routing pays the first from the pledge.
        let problem = CallAllocationProblem(budgets: [500, 500], applications: [
            .init(asked: 500, score: 9_000, funds: [0, 1]),
            .init(asked: 500, score: 8_000, funds: [0]),
        ])
        let whole = CallAllocator.whole(problem)
        #expect(whole.amounts(applicationCount: 2) == [500, 500])
        #expect(whole.grants.contains(CallAllocation.Grant(application: 1, fund: 0, amount: 500)))
        #expect(CallAllocator.split(problem).amounts(applicationCount: 2) == [500, 500])
    }

    @Test func aCutShortSearchReportsItsGapToTheSplitBound() {
        var generator = SplitMix(state: 99)
        let problem = randomCall(&generator, maxFunds: 5, maxApplications: 60, minApplications: 60)
        let cut = CallAllocator.whole(problem, nodeLimit: 5)
        #expect(!cut.isExact)
        #expect(cut.objective <= cut.upperBound)
        #expect(cut.upperBound == CallAllocator.split(problem).objective)
        #expect(cut.gap >= 0 && cut.gap < 1)
    }

    // MARK: - Helpers

    /// Every grant within its fund's terms, no fund over its budget, no application over what it
    /// asked, and whole grants all or nothing.
    private func expectPayable(_ result: CallAllocation, _ problem: CallAllocationProblem, whole: Bool) throws {
        var spent = [Int64](repeating: 0, count: problem.budgets.count)
        for grant in result.grants {
            #expect(grant.amount > 0)
            #expect(problem.applications[grant.application].funds.contains(grant.fund), "fund \(grant.fund) pays outside its earmark")
            spent[grant.fund] += grant.amount
        }
        for (fund, amount) in spent.enumerated() { #expect(amount <= max(0, problem.budgets[fund])) }
        for (index, amount) in result.amounts(applicationCount: problem.applications.count).enumerated() {
            let asked = problem.applications[index].asked
            #expect(amount <= asked)
            if whole { #expect(amount == 0 || amount == asked, "application \(index) got \(amount) of \(asked)") }
        }
    }

    /// A state fund that admits every application and co-funders' pledges, about half of them
    /// earmarked to some applications; scores on a 0–100 scale in hundredths, often tied.
    private func randomCall(_ generator: inout SplitMix, maxFunds: Int, maxApplications: Int, minApplications: Int = 1) -> CallAllocationProblem {
        let fundCount = Int.random(in: 1...maxFunds, using: &generator)
        let applicationCount = Int.random(in: minApplications...maxApplications, using: &generator)
        let sizes: [Int64] = [100, 250, 400, 500, 1_000]
        let asked = (0..<applicationCount).map { _ in sizes.randomElement(using: &generator)! * Int64.random(in: 1...4, using: &generator) }
        let total = asked.reduce(0, +)
        let budgets = (0..<fundCount).map { fund -> Int64 in
            let share = Int64.random(in: 5...60, using: &generator)
            return fund == 0 ? total * share / 100 : total * share / 300
        }
        let earmarked = (0..<fundCount).map { $0 > 0 && Bool.random(using: &generator) }
        let applications = asked.map { amount -> CallAllocationProblem.Application in
            var funds = [0]
            for fund in 1..<max(1, fundCount) where !earmarked[fund] || Int.random(in: 0..<3, using: &generator) == 0 { funds.append(fund) }
            // Some applications are outside the state's own terms and live on pledges alone.
            if funds.count > 1 && Int.random(in: 0..<6, using: &generator) == 0 { funds.removeFirst() }
            let score = Int64([5_000, 6_000, 7_250, 8_000, 9_125].randomElement(using: &generator)!)
            return CallAllocationProblem.Application(asked: amount, score: score, funds: funds)
        }
        return CallAllocationProblem(budgets: budgets, applications: applications)
    }
}
