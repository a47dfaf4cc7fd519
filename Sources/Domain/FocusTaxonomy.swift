/// Which UN Sustainable Development Goals each focus area serves: different areas that serve the
/// same goal are related, and a match between them earns partial credit.
public struct FocusTaxonomy: Sendable {
    private let goalsByArea: [String: Set<Int>]

    public init(goalsByArea: [String: Set<Int>]) {
        self.goalsByArea = goalsByArea
    }

    public enum Relation: Equatable, Sendable {
        case same
        /// Different areas serving the same goal (the lowest shared goal, for a stable explanation).
        case sharedGoal(Int)
        case unrelated
    }

    public func relation(_ area: String, _ other: String) -> Relation {
        if area == other { return .same }
        guard let shared = goalsByArea[area]?.intersection(goalsByArea[other] ?? []).min() else { return .unrelated }
        return .sharedGoal(shared)
    }

    /// Areas that share a goal with any of `areas`, `areas` included: what a candidate search widens to.
    public func related(to areas: some Sequence<String>) -> Set<String> {
        var result = Set(areas)
        let goals = result.reduce(into: Set<Int>()) { $0.formUnion(goalsByArea[$1] ?? []) }
        for (area, areaGoals) in goalsByArea where !areaGoals.isDisjoint(with: goals) {
            result.insert(area)
        }
        return result
    }
}
