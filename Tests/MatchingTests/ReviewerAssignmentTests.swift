import Domain
import Foundation
import Matching
import Testing

/// Assigning reviewers: never a conflicted one, a local one first where one is free, the load
/// even, the same answer every time; and the conflict rules themselves.
@Suite struct ReviewerAssignmentTests {
    static let regions = ["310000000", "550000000", "750000000", "710000000"]

    /// Random calls: applications in one or two regions, reviewers in none to two, conflicts at random.
    static func instance(seed: UInt64) -> (applications: [ReviewerAssignment.Application], reviewers: [ReviewerAssignment.Reviewer], k: Int) {
        var random = SplitMix(state: seed)
        let reviewerCount = Int.random(in: 2...12, using: &random)
        let reviewers = (0..<reviewerCount).map { _ in
            ReviewerAssignment.Reviewer(regions: Set((0..<Int.random(in: 0...2, using: &random)).map { _ in regions.randomElement(using: &random)! }))
        }
        let applications = (0..<Int.random(in: 1...25, using: &random)).map { _ in
            ReviewerAssignment.Application(
                regions: Set((0..<Int.random(in: 1...2, using: &random)).map { _ in regions.randomElement(using: &random)! }),
                conflicted: Set((0..<reviewerCount).filter { _ in Int.random(in: 0..<5, using: &random) == 0 })
            )
        }
        return (applications, reviewers, Int.random(in: 2...3, using: &random))
    }

    @Test func noConflictedReviewerIsEverAssignedAndEachGetsItsReviewersWherePossible() {
        for seed in 1...300 as ClosedRange<UInt64> {
            let (applications, reviewers, k) = Self.instance(seed: seed)
            let result = ReviewerAssignment.assign(applications, to: reviewers, perApplication: k)
            for (index, application) in applications.enumerated() {
                let given = result.added[index]
                #expect(Set(given).isDisjoint(with: application.conflicted), "seed \(seed): a conflicted reviewer assigned")
                #expect(Set(given).count == given.count)
                let eligible = reviewers.indices.filter { !application.conflicted.contains($0) }
                #expect(given.count == min(k, eligible.count), "seed \(seed): application \(index) got \(given.count)")
                #expect(result.short.contains(index) == (eligible.count < k))
                // Where a reviewer from the application's region is free of conflicts, one is assigned.
                let local = eligible.filter { !reviewers[$0].regions.isDisjoint(with: application.regions) }
                if !local.isEmpty {
                    #expect(given.contains { local.contains($0) }, "seed \(seed): application \(index) has no local reviewer")
                }
            }
            #expect(ReviewerAssignment.assign(applications, to: reviewers, perApplication: k) == result, "not deterministic")
        }
    }

    @Test func withoutConflictsTheLoadIsEven() {
        let reviewers = (0..<7).map { _ in ReviewerAssignment.Reviewer(regions: []) }
        let applications = (0..<40).map { _ in ReviewerAssignment.Application(regions: ["550000000"], conflicted: []) }
        let result = ReviewerAssignment.assign(applications, to: reviewers, perApplication: 3)
        var load = [Int](repeating: 0, count: reviewers.count)
        for given in result.added { for reviewer in given { load[reviewer] += 1 } }
        #expect(load.reduce(0, +) == 120)
        #expect(load.max()! - load.min()! <= 1, "\(load)")
    }

    @Test func reviewersAlreadyAssignedCountAndExistingLoadIsRespected() {
        let reviewers = [
            ReviewerAssignment.Reviewer(regions: ["550000000"], load: 10),
            ReviewerAssignment.Reviewer(regions: [], load: 0),
            ReviewerAssignment.Reviewer(regions: [], load: 0),
        ]
        let applications = [ReviewerAssignment.Application(regions: ["550000000"], conflicted: [], assigned: [0])]
        let result = ReviewerAssignment.assign(applications, to: reviewers, perApplication: 2)
        #expect(result.added == [[1]], "one more, the least loaded; the local one is there already")
        #expect(result.short.isEmpty)
    }

    @Test func eachConflictRuleIsNamed() {
        let applicant = UUID()
        let funder = UUID()
        let partner = UUID()
        let parties = ReviewConflict.Parties(applicant: applicant, earmarkedCoFunders: [funder], pastPartners: [partner])
        #expect(ReviewConflict.between(reviewerOrganizations: [applicant], declared: false, and: parties) == [.applicant])
        #expect(ReviewConflict.between(reviewerOrganizations: [funder], declared: false, and: parties) == [.earmarkedCoFunder])
        #expect(ReviewConflict.between(reviewerOrganizations: [partner], declared: false, and: parties) == [.pastPartner])
        #expect(ReviewConflict.between(reviewerOrganizations: [UUID()], declared: true, and: parties) == [.declared])
        #expect(ReviewConflict.between(reviewerOrganizations: [UUID()], declared: false, and: parties).isEmpty)
        #expect(ReviewConflict.between(reviewerOrganizations: [applicant, partner], declared: true, and: parties) == [.applicant, .pastPartner, .declared])
    }
}
