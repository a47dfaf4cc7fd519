/// Which UN Sustainable Development Goals each focus area serves: different areas that serve the
/// same goal are related, and a match between them earns partial credit.
public struct FocusTaxonomy: Sendable {
    private let goalsByArea: [String: Set<Int>]
    /// The same goals as bits (goal n is bit n), when every goal is below 64 (the SDGs are 1 to 17):
    /// comparing two areas is then an AND, where intersecting sets allocated, for every pair of
    /// areas a match list compares.
    private let goalBitsByArea: [String: UInt64]?

    public init(goalsByArea: [String: Set<Int>]) {
        self.goalsByArea = goalsByArea
        let fitsInBits = goalsByArea.values.allSatisfy { $0.allSatisfy { (0..<64).contains($0) } }
        goalBitsByArea = fitsInBits ? goalsByArea.mapValues { $0.reduce(UInt64(0)) { $0 | 1 << UInt64($1) } } : nil
    }

    public enum Relation: Equatable, Sendable {
        case same
        /// Different areas serving the same goal (the lowest shared goal, for a stable explanation).
        case sharedGoal(Int)
        case unrelated
    }

    public func relation(_ area: String, _ other: String) -> Relation {
        if area == other { return .same }
        if let goalBitsByArea {
            let shared = (goalBitsByArea[area] ?? 0) & (goalBitsByArea[other] ?? 0)
            return shared == 0 ? .unrelated : .sharedGoal(shared.trailingZeroBitCount)
        }
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
