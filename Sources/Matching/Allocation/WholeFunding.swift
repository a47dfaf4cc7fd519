/// Whole funding: greedy starts, one of them guided by the split optimum, each improved by local moves
/// (a project to a better sponsor; an unfunded project in, by making room by moving or dropping another)
/// and by re-choosing each sponsor's projects as a small knapsack. No sponsor funds more projects than
/// it has slots.
struct WholeFunding {
    struct Option {
        let sponsor: Int
        let weight: Int64
    }

    /// An option seen from the sponsor's side.
    struct Offer {
        let project: Int
        let weight: Int64
    }

    let clean: CleanProblem
    /// A split allocation within slots, whose projects funded whole by one sponsor seed one start.
    let guide: AllocationResult
    let upperBound: Double
    /// For each project, the sponsors whose budget covers its whole need, best weight first.
    let options: [[Option]]
    /// For each sponsor, the projects it could fund whole, by project.
    let offers: [[Offer]]

    init(_ clean: CleanProblem, guide: AllocationResult, upperBound: Double) {
        self.clean = clean
        self.guide = guide
        self.upperBound = upperBound
        options = (0..<clean.projectCount).map { project in
            let need = clean.needs[project]
            guard need > 0 else { return [] }
            return clean.edges(of: project)
                .filter { clean.budgets[$0.sponsor] >= need }
                .map { Option(sponsor: $0.sponsor, weight: $0.weight) }
                .sorted { ($0.weight, $1.sponsor) > ($1.weight, $0.sponsor) }
        }
        var bySponsor = [[Offer]](repeating: [], count: clean.sponsorCount)
        for (project, choices) in options.enumerated() {
            for option in choices {
                bySponsor[option.sponsor].append(Offer(project: project, weight: option.weight))
            }
        }
        offers = bySponsor
    }

    /// Who funds what while searching.
    struct State {
        /// -1 when unfunded.
        var sponsorOf: [Int]
        var weightOf: [Int64]
        var remaining: [Int64]
        var projectsOf: [[Int]]

        init(_ clean: CleanProblem) {
            sponsorOf = [Int](repeating: -1, count: clean.projectCount)
            weightOf = [Int64](repeating: 0, count: clean.projectCount)
            remaining = clean.budgets
            projectsOf = [[Int]](repeating: [], count: clean.sponsorCount)
        }

        mutating func fund(_ project: Int, by option: Option, need: Int64) {
            sponsorOf[project] = option.sponsor
            weightOf[project] = option.weight
            remaining[option.sponsor] -= need
            projectsOf[option.sponsor].append(project)
        }

        mutating func unfund(_ project: Int, need: Int64) {
            let sponsor = sponsorOf[project]
            guard sponsor >= 0 else { return }
            remaining[sponsor] += need
            projectsOf[sponsor].removeAll { $0 == project }
            sponsorOf[project] = -1
            weightOf[project] = 0
        }
    }

    func value(_ project: Int, _ weight: Int64) -> Double {
        Double(weight) * Double(clean.needs[project])
    }

    /// Whether the sponsor has the budget and a free slot for one more project of this need.
    func hasRoom(_ state: State, _ sponsor: Int, for need: Int64) -> Bool {
        state.remaining[sponsor] >= need && state.projectsOf[sponsor].count < clean.slots[sponsor]
    }

    func solve() -> AllocationResult {
        let byWeight = candidates { ($0.weight, -clean.needs[$0.project]) > ($1.weight, -clean.needs[$1.project]) }
        let byValue = candidates { value($0.project, $0.weight) > value($1.project, $1.weight) }

        // Projects the split allocation funds whole from one sponsor fit together, as it keeps to every
        // budget and slot count.
        var guided = State(clean)
        var index = 0
        let placements = guide.placements
        while index < placements.count {
            var end = index + 1
            while end < placements.count, placements[end].project == placements[index].project { end += 1 }
            let placement = placements[index]
            if end == index + 1, placement.amount == clean.needs[placement.project],
               let option = options[placement.project].first(where: { $0.sponsor == placement.sponsor }) {
                guided.fund(placement.project, by: option, need: placement.amount)
            }
            index = end
        }
        fill(&guided, byWeight)
        var starts = [guided, State(clean), State(clean)]
        fill(&starts[1], byWeight)
        fill(&starts[2], byValue)

        var best: (placements: [Placement], weights: [Int64], objective: Double)?
        for var state in starts {
            improve(&state)
            var placements: [Placement] = []
            var weights: [Int64] = []
            var objective = 0.0
            for project in 0..<clean.projectCount where state.sponsorOf[project] >= 0 {
                placements.append(Placement(sponsor: state.sponsorOf[project], project: project, amount: clean.needs[project]))
                weights.append(state.weightOf[project])
                objective += value(project, state.weightOf[project])
            }
            // Strictly better only, so ties keep the earlier start.
            if objective > best?.objective ?? -1 { best = (placements, weights, objective) }
        }
        let chosen = clean.result(best?.placements ?? [], weights: best?.weights ?? [], upperBound: nil)
        return AllocationResult(
            placements: chosen.placements, objective: chosen.objective, upperBound: max(upperBound, chosen.objective)
        )
    }

    /// Every (project, option) pair in the given order, ties by project then sponsor.
    private func candidates(_ before: (Candidate, Candidate) -> Bool) -> [Candidate] {
        var all: [Candidate] = []
        for project in options.indices {
            for option in options[project] {
                all.append(Candidate(project: project, sponsor: option.sponsor, weight: option.weight))
            }
        }
        return all.sorted { left, right in
            if before(left, right) { return true }
            if before(right, left) { return false }
            return (left.project, left.sponsor) < (right.project, right.sponsor)
        }
    }

    private struct Candidate {
        let project: Int
        let sponsor: Int
        let weight: Int64
    }

    /// Funds each still unfunded project with the first candidate sponsor that still has room.
    private func fill(_ state: inout State, _ order: [Candidate]) {
        for candidate in order where state.sponsorOf[candidate.project] < 0 {
            let need = clean.needs[candidate.project]
            if hasRoom(state, candidate.sponsor, for: need) {
                state.fund(candidate.project, by: Option(sponsor: candidate.sponsor, weight: candidate.weight), need: need)
            }
        }
    }

    /// Applies improving moves until a whole pass finds none; every move raises the objective.
    private func improve(_ state: inout State) {
        for _ in 0..<50 {
            var changed = false
            for project in 0..<clean.projectCount where !options[project].isEmpty {
                let moved = state.sponsorOf[project] >= 0 ? moveUp(project, &state) : bringIn(project, &state)
                changed = changed || moved
            }
            for sponsor in 0..<clean.sponsorCount where !offers[sponsor].isEmpty {
                let moved = rechoose(sponsor, &state)
                changed = changed || moved
            }
            if !changed { return }
        }
    }

    /// Re-chooses all of one sponsor's projects as a 0/1 knapsack over its budget: its own projects, unfunded
    /// ones, and ones funded elsewhere at a lower weight (worth only the difference, the other sponsor's
    /// freed room being left for later moves). True when the sponsor's set changed for a higher objective.
    private func rechoose(_ sponsor: Int, _ state: inout State) -> Bool {
        var items: [Knapsack.Item] = []
        var current = 0.0
        for offer in offers[sponsor] {
            let project = offer.project
            let owner = state.sponsorOf[project]
            var gain = value(project, offer.weight)
            if owner == sponsor {
                current += gain
            } else if owner >= 0 {
                gain -= value(project, state.weightOf[project])
                if gain <= 0 { continue }
            }
            items.append(Knapsack.Item(id: project, size: clean.needs[project], value: gain))
        }
        guard items.count > state.projectsOf[sponsor].count else { return false }
        // A relative margin, so that rounding in large sums cannot pass for an improvement.
        let target = current + current * 1e-12
        guard let chosen = Knapsack.solve(items, capacity: clean.budgets[sponsor], maxCount: clean.slots[sponsor], beat: target) else {
            return false
        }
        for project in state.projectsOf[sponsor] {
            state.unfund(project, need: clean.needs[project])
        }
        for project in chosen {
            state.unfund(project, need: clean.needs[project])
            guard let option = options[project].first(where: { $0.sponsor == sponsor }) else { continue }
            state.fund(project, by: option, need: clean.needs[project])
        }
        return true
    }

    /// Moves a funded project to the best sponsor with room that weighs it higher.
    private func moveUp(_ project: Int, _ state: inout State) -> Bool {
        let need = clean.needs[project]
        let current = state.sponsorOf[project]
        for option in options[project] {
            if option.weight <= state.weightOf[project] { return false }
            if option.sponsor != current, hasRoom(state, option.sponsor, for: need) {
                state.unfund(project, need: need)
                state.fund(project, by: option, need: need)
                return true
            }
        }
        return false
    }

    /// Funds an unfunded project directly, or by moving elsewhere or dropping one project of a sponsor
    /// (a swap, so the sponsor's slot count stays as it was).
    private func bringIn(_ project: Int, _ state: inout State) -> Bool {
        let need = clean.needs[project]
        if let option = options[project].first(where: { hasRoom(state, $0.sponsor, for: need) }) {
            state.fund(project, by: option, need: need)
            return true
        }
        var bestGain = 0.0
        var bestMove: (option: Option, displaced: Int, relocation: Option?)?
        for option in options[project] {
            let sponsor = option.sponsor
            let gained = value(project, option.weight)
            for displaced in state.projectsOf[sponsor] {
                let displacedNeed = clean.needs[displaced]
                guard state.remaining[sponsor].addingSaturated(displacedNeed) >= need else { continue }
                let relocation = options[displaced].first {
                    $0.sponsor != sponsor && hasRoom(state, $0.sponsor, for: displacedNeed)
                }
                let gain = gained - value(displaced, state.weightOf[displaced])
                    + (relocation.map { value(displaced, $0.weight) } ?? 0)
                if gain > bestGain {
                    bestGain = gain
                    bestMove = (option, displaced, relocation)
                }
            }
        }
        guard let move = bestMove else { return false }
        let displacedNeed = clean.needs[move.displaced]
        state.unfund(move.displaced, need: displacedNeed)
        if let relocation = move.relocation {
            state.fund(move.displaced, by: relocation, need: displacedNeed)
        }
        state.fund(project, by: move.option, need: need)
        return true
    }
}
