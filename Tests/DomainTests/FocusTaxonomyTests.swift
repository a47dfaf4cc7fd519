import Testing
@testable import Domain

@Suite struct FocusTaxonomyTests {
    static let goals: [String: Set<Int>] = [
        "social_protection": [1, 10], "health": [3], "education": [4, 9], "sport": [3], "environment": [6, 12, 13, 14, 15],
        "youth": [4, 8], "inclusion": [10], "employment": [8], "elderly": [1, 3], "culture": [11], "none": [], "digitalisation": [4, 9],
    ]

    /// Relations read from goal bits are the relations read from goal sets: the same, a shared goal
    /// (the lowest), or none, for every pair, including an area the taxonomy does not know.
    @Test func goalBitsRelateAreasAsGoalSetsDo() {
        let fromBits = FocusTaxonomy(goalsByArea: Self.goals)
        // A goal past the bits makes the taxonomy compare sets; the extra area is left out of the pairs.
        var wide = Self.goals
        wide["far"] = [70]
        let fromSets = FocusTaxonomy(goalsByArea: wide)
        let areas = Array(Self.goals.keys) + ["unknown"]
        for area in areas {
            for other in areas {
                #expect(fromBits.relation(area, other) == fromSets.relation(area, other), "\(area), \(other)")
            }
        }
        #expect(fromBits.relation("health", "elderly") == .sharedGoal(3))
        #expect(fromBits.relation("social_protection", "elderly") == .sharedGoal(1))
        #expect(fromBits.relation("health", "culture") == .unrelated)
        #expect(fromBits.relation("education", "digitalisation") == .sharedGoal(4))
    }
}
