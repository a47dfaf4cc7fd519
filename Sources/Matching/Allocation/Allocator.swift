/// Divides sponsors' budgets among projects' needs to maximise the total weight of the money placed.
public enum Allocator {
    /// Split funding: projects may be funded by several sponsors. The exact optimum when no sponsor's
    /// slots bind; otherwise see `withinSlots`, and `upperBound` is the optimum without slots.
    /// Weights times (sponsors + projects) must stay below about 1e18, and the budgets must sum within Int64.
    public static func split(_ problem: AllocationProblem) -> AllocationResult {
        split(CleanProblem(problem))
    }

    /// Whole funding: each project gets nothing or its whole need from ONE sponsor; a sponsor may fund several projects within its budget and slots.
    /// Not necessarily optimal (it is a multiple-knapsack problem); upperBound = the split optimum without slots (an LP relaxation bound), so `gap` is reported.
    public static func whole(_ problem: AllocationProblem) -> AllocationResult {
        let clean = CleanProblem(problem)
        let exact = exactSplit(clean)
        return WholeFunding(clean, guide: withinSlots(clean, exact: exact), upperBound: exact.objective).solve()
    }

    /// The status quo to compare with: projects in index order each take, from their best-weighted sponsor that still has money and a slot, min(need, remaining budget) — one sponsor per project, one pass.
    /// Its upper bound is the split optimum without slots, as its placements are split-funding ones.
    public static func greedy(_ problem: AllocationProblem) -> AllocationResult {
        let clean = CleanProblem(problem)
        var remaining = clean.budgets
        var slotsLeft = clean.slots
        var placements: [Placement] = []
        var weights: [Int64] = []
        for project in 0..<clean.projectCount where clean.needs[project] > 0 {
            var best: CleanProblem.Edge?
            // Edges come by sponsor, so a strict comparison keeps the lower index on ties.
            for edge in clean.edges(of: project) where remaining[edge.sponsor] > 0 && slotsLeft[edge.sponsor] > 0 {
                if edge.weight > best?.weight ?? 0 { best = edge }
            }
            guard let best else { continue }
            let amount = min(clean.needs[project], remaining[best.sponsor])
            remaining[best.sponsor] -= amount
            slotsLeft[best.sponsor] -= 1
            placements.append(Placement(sponsor: best.sponsor, project: project, amount: amount))
            weights.append(best.weight)
        }
        let greedy = clean.result(placements, weights: weights, upperBound: nil)
        let bound = exactSplit(clean).objective
        return AllocationResult(
            placements: greedy.placements, objective: greedy.objective, upperBound: max(bound, greedy.objective)
        )
    }

    /// Pairs (i, j) with an edge, not used in `result`, where sponsor i would rather fund j (it has unspent budget and a slot, or funds some project with a lower weight than w_ij) and project j would rather have i (it has unmet need, or takes money from a sponsor with a lower weight than w_ij).
    /// With `wholeNeeds` (whole funding), unspent budget counts as room for j only when it covers j's whole need.
    public static func blockingPairs(_ problem: AllocationProblem, _ result: AllocationResult, wholeNeeds: Bool = false) -> Int {
        unorderedBlockingPairs(problem, result, wholeNeeds: wholeNeeds).count
    }

    /// The blocking pairs themselves (see `blockingPairs`), heaviest first, ties by sponsor then project.
    public static func blockingPairList(_ problem: AllocationProblem, _ result: AllocationResult, wholeNeeds: Bool = false) -> [BlockingPair] {
        unorderedBlockingPairs(problem, result, wholeNeeds: wholeNeeds).sorted { left, right in
            if left.weight != right.weight { return left.weight > right.weight }
            return left.sponsor != right.sponsor ? left.sponsor < right.sponsor : left.project < right.project
        }
    }

    private static func unorderedBlockingPairs(_ problem: AllocationProblem, _ result: AllocationResult, wholeNeeds: Bool) -> [BlockingPair] {
        let clean = CleanProblem(problem)
        let projectCount = clean.projectCount
        var weightOfPair: [Int: Int64] = [:]
        for edge in clean.edges {
            weightOfPair[edge.sponsor * projectCount + edge.project] = edge.weight
        }
        var spent = [Int64](repeating: 0, count: clean.sponsorCount)
        var received = [Int64](repeating: 0, count: projectCount)
        var sponsorLowest = [Int64](repeating: .max, count: clean.sponsorCount)
        var projectLowest = [Int64](repeating: .max, count: projectCount)
        var placedCount = [Int](repeating: 0, count: clean.sponsorCount)
        var used: Set<Int> = []
        for placement in result.placements where placement.amount > 0 {
            guard spent.indices.contains(placement.sponsor), received.indices.contains(placement.project) else { continue }
            let pair = placement.sponsor * projectCount + placement.project
            used.insert(pair)
            placedCount[placement.sponsor] += 1
            spent[placement.sponsor] = spent[placement.sponsor].addingSaturated(placement.amount)
            received[placement.project] = received[placement.project].addingSaturated(placement.amount)
            if let weight = weightOfPair[pair] {
                sponsorLowest[placement.sponsor] = min(sponsorLowest[placement.sponsor], weight)
                projectLowest[placement.project] = min(projectLowest[placement.project], weight)
            }
        }
        var pairs: [BlockingPair] = []
        for edge in clean.edges where !used.contains(edge.sponsor * projectCount + edge.project) {
            // A sponsor with all its slots used can only swap a project for a better one.
            let room = wholeNeeds ? clean.needs[edge.project] : 1
            let sponsorHasRoom = clean.budgets[edge.sponsor] - spent[edge.sponsor] >= room && placedCount[edge.sponsor] < clean.slots[edge.sponsor]
            let projectHasRoom = received[edge.project] < clean.needs[edge.project]
            guard sponsorHasRoom || sponsorLowest[edge.sponsor] < edge.weight,
                  projectHasRoom || projectLowest[edge.project] < edge.weight else { continue }
            pairs.append(BlockingPair(
                sponsor: edge.sponsor, project: edge.project, weight: edge.weight,
                sponsorHasRoom: sponsorHasRoom, projectHasRoom: projectHasRoom
            ))
        }
        return pairs
    }

    static func split(_ clean: CleanProblem) -> AllocationResult {
        withinSlots(clean, exact: exactSplit(clean))
    }

    /// A min-cost flow cannot count a sponsor's edges, so slots are kept by repair: while the split
    /// allocation gives some sponsors more placements than they have slots, each such sponsor keeps
    /// only the edges of its best placements by weight × amount (ties to the lower project index),
    /// its other edges are dropped, and the split optimum is taken again. A sponsor so repaired has
    /// no more edges than slots, so each pass settles at least one sponsor for good and the loop ends.
    /// Not optimal in general; the result's upper bound is `exact`, the optimum without slots.
    static func withinSlots(_ clean: CleanProblem, exact: AllocationResult) -> AllocationResult {
        var problem = clean
        var result = exact
        while true {
            var bySponsor = [[Placement]](repeating: [], count: clean.sponsorCount)
            for placement in result.placements { bySponsor[placement.sponsor].append(placement) }
            let over = (0..<clean.sponsorCount).filter { bySponsor[$0].count > clean.slots[$0] }
            if over.isEmpty { break }
            var weightOf: [Int: Int64] = [:]
            for edge in problem.edges where bySponsor[edge.sponsor].count > clean.slots[edge.sponsor] {
                weightOf[edge.sponsor * clean.projectCount + edge.project] = edge.weight
            }
            var kept: [Int: Set<Int>] = [:]
            for sponsor in over {
                let value = { (placement: Placement) in
                    Double(weightOf[sponsor * clean.projectCount + placement.project] ?? 0) * Double(placement.amount)
                }
                let best = bySponsor[sponsor].sorted { left, right in
                    let (l, r) = (value(left), value(right))
                    return l != r ? l > r : left.project < right.project
                }
                kept[sponsor] = Set(best.prefix(clean.slots[sponsor]).map(\.project))
            }
            problem = problem.keeping { edge in kept[edge.sponsor].map { $0.contains(edge.project) } ?? true }
            result = exactSplit(problem)
        }
        return AllocationResult(placements: result.placements, objective: result.objective, upperBound: max(exact.objective, result.objective))
    }

    /// The split optimum without slots as a min-cost flow: source → sponsor (budget), sponsor → project
    /// (−weight), project → sink (need), and a free source → sink bypass for money left unplaced.
    static func exactSplit(_ clean: CleanProblem) -> AllocationResult {
        let sponsorCount = clean.sponsorCount
        let projectCount = clean.projectCount
        let source = sponsorCount + projectCount
        let sink = source + 1

        var arcs: [NetworkSimplex.Arc] = []
        arcs.reserveCapacity(clean.edges.count + sponsorCount + projectCount + 1)
        var arcEdges: [CleanProblem.Edge] = []
        // A budget beyond what a sponsor's edges can take would only add flow through the bypass.
        var reach = [Int64](repeating: 0, count: sponsorCount)
        var projectReached = [Bool](repeating: false, count: projectCount)
        var largestWeight: Int64 = 0
        for edge in clean.edges {
            let capacity = min(clean.budgets[edge.sponsor], clean.needs[edge.project])
            guard capacity > 0 else { continue }
            arcs.append(NetworkSimplex.Arc(from: edge.sponsor, to: sponsorCount + edge.project, capacity: capacity, cost: -edge.weight))
            arcEdges.append(edge)
            reach[edge.sponsor] = reach[edge.sponsor].addingSaturated(capacity)
            projectReached[edge.project] = true
            largestWeight = max(largestWeight, edge.weight)
        }
        let nodeCount = sink + 1
        precondition(
            !largestWeight.multipliedReportingOverflow(by: Int64(8 * (nodeCount + 2))).overflow,
            "Allocator: weights too large for exact Int64 potentials"
        )
        var total: Int64 = 0
        for sponsor in 0..<sponsorCount {
            let budget = min(clean.budgets[sponsor], reach[sponsor])
            guard budget > 0 else { continue }
            arcs.append(NetworkSimplex.Arc(from: source, to: sponsor, capacity: budget, cost: 0))
            let (sum, overflow) = total.addingReportingOverflow(budget)
            precondition(!overflow, "Allocator: the usable budgets must sum within Int64")
            total = sum
        }
        for project in 0..<projectCount where projectReached[project] {
            arcs.append(NetworkSimplex.Arc(from: sponsorCount + project, to: sink, capacity: clean.needs[project], cost: 0))
        }
        arcs.append(NetworkSimplex.Arc(from: source, to: sink, capacity: total, cost: 0))

        var supply = [Int64](repeating: 0, count: nodeCount)
        supply[source] = total
        supply[sink] = -total
        guard let flows = NetworkSimplex.solve(nodeCount: nodeCount, supply: supply, arcs: arcs) else {
            preconditionFailure("Allocator: the bypass arc makes every round feasible")
        }
        var placements: [Placement] = []
        var weights: [Int64] = []
        for (index, edge) in arcEdges.enumerated() where flows[index] > 0 {
            placements.append(Placement(sponsor: edge.sponsor, project: edge.project, amount: flows[index]))
            weights.append(edge.weight)
        }
        return clean.result(placements, weights: weights, upperBound: nil)
    }
}
