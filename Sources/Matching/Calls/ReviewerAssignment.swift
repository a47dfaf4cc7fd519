/// Assigns reviewers to a call's applications: each application gets `perApplication` reviewers
/// with no conflict of interest, at least one from the application's region where one is free of
/// conflicts, and the load spread as evenly as the conflicts allow.
public enum ReviewerAssignment {
    public struct Application: Sendable, Equatable {
        /// The top-level regions (KATO) the project takes place in.
        public let regions: Set<String>
        /// Reviewers (indices) who may not review it.
        public let conflicted: Set<Int>
        /// Reviewers (indices) already assigned to it; they count towards `perApplication`.
        public let assigned: Set<Int>

        public init(regions: Set<String>, conflicted: Set<Int>, assigned: Set<Int> = []) {
            self.regions = regions
            self.conflicted = conflicted
            self.assigned = assigned
        }
    }

    public struct Reviewer: Sendable, Equatable {
        /// The top-level regions (KATO) the reviewer's organizations work in; empty for none known.
        public let regions: Set<String>
        /// Applications of the call already assigned to the reviewer.
        public let load: Int

        public init(regions: Set<String>, load: Int = 0) {
            self.regions = regions
            self.load = load
        }
    }

    public struct Result: Sendable, Equatable {
        /// The new assignments, by application index: reviewer indices, ascending.
        public let added: [[Int]]
        /// Applications left with fewer than `perApplication` reviewers because too few are free of conflicts.
        public let short: [Int]
    }

    /// Deterministic: the same input gives the same assignment. Applications with the fewest
    /// eligible reviewers are served first, so the scarce ones are not used up elsewhere; each
    /// takes the least-loaded eligible reviewer from its region first, then the least-loaded
    /// others; ties go to the lower index.
    public static func assign(_ applications: [Application], to reviewers: [Reviewer], perApplication: Int) -> Result {
        var load = reviewers.map(\.load)
        var added = [[Int]](repeating: [], count: applications.count)
        var short: [Int] = []
        // Marks by application (index + 1), reused for every application rather than sets built
        // for each: who may not review it, and who shares a region with it.
        var barred = [Int](repeating: 0, count: reviewers.count)
        var local = [Int](repeating: 0, count: reviewers.count)
        var byRegion: [String: [Int]] = [:]
        for (index, reviewer) in reviewers.enumerated() {
            for region in reviewer.regions { byRegion[region, default: []].append(index) }
        }
        let eligibleCount = applications.map { application in
            reviewers.count - application.conflicted.union(application.assigned).filter { reviewers.indices.contains($0) }.count
        }
        let order = applications.indices.sorted { left, right in
            let (l, r) = (eligibleCount[left] - needed(applications[left], perApplication), eligibleCount[right] - needed(applications[right], perApplication))
            return l != r ? l < r : left < right
        }
        for index in order {
            let application = applications[index]
            var want = needed(application, perApplication)
            guard want > 0 else { continue }
            let mark = index + 1
            for reviewer in application.conflicted where reviewers.indices.contains(reviewer) { barred[reviewer] = mark }
            for reviewer in application.assigned where reviewers.indices.contains(reviewer) { barred[reviewer] = mark }
            for region in application.regions {
                for reviewer in byRegion[region] ?? [] { local[reviewer] = mark }
            }
            var candidates = reviewers.indices.filter { barred[$0] != mark }
            let hasLocal = application.assigned.contains { local[$0] == mark }
            if !hasLocal, let chosen = leastLoaded(candidates, load, where: { local[$0] == mark }) {
                added[index].append(chosen)
                load[chosen] += 1
                candidates.removeAll { $0 == chosen }
                want -= 1
            }
            while want > 0, let next = leastLoaded(candidates, load) {
                added[index].append(next)
                load[next] += 1
                candidates.removeAll { $0 == next }
                want -= 1
            }
            if want > 0 { short.append(index) }
            added[index].sort()
        }
        return Result(added: added, short: short.sorted())
    }

    static func needed(_ application: Application, _ perApplication: Int) -> Int {
        max(0, perApplication - application.assigned.count)
    }

    /// The candidate with the least load (the lower index of equals), among those `admits` lets through.
    static func leastLoaded(_ candidates: [Int], _ load: [Int], where admits: (Int) -> Bool = { _ in true }) -> Int? {
        var best: Int?
        for candidate in candidates where admits(candidate) {
            if let current = best, load[current] < load[candidate] || (load[current] == load[candidate] && current < candidate) { continue }
            best = candidate
        }
        return best
    }
}
