/// Divides sponsors' budgets among projects' needs to maximise the total weight of the money placed.
public enum Allocator {
    /// Exact optimum when projects may be funded by several sponsors (split funding).
    /// Weights times (sponsors + projects) must stay below about 1e18, and the budgets must sum within Int64.
    public static func split(_ problem: AllocationProblem) -> AllocationResult {
        split(CleanProblem(problem))
    }

    /// Whole funding: each project gets nothing or its whole need from ONE sponsor; a sponsor may fund several projects within its budget.
    /// Not necessarily optimal (it is a multiple-knapsack problem); upperBound = the split optimum (an LP relaxation bound), so `gap` is reported.
    public static func whole(_ problem: AllocationProblem) -> AllocationResult {
        let clean = CleanProblem(problem)
        return WholeFunding(clean, split: split(clean)).solve()
    }

    /// The status quo to compare with: projects in index order each take, from their best-weighted sponsor that still has money, min(need, remaining budget) — one sponsor per project, one pass.
    /// Its upper bound is the split optimum, as its placements are split-funding ones.
    public static func greedy(_ problem: AllocationProblem) -> AllocationResult {
        let clean = CleanProblem(problem)
        var remaining = clean.budgets
        var placements: [Placement] = []
        var weights: [Int64] = []
        for project in 0..<clean.projectCount where clean.needs[project] > 0 {
            var best: CleanProblem.Edge?
            // Edges come by sponsor, so a strict comparison keeps the lower index on ties.
            for edge in clean.edges(of: project) where remaining[edge.sponsor] > 0 {
                if edge.weight > best?.weight ?? 0 { best = edge }
            }
            guard let best else { continue }
            let amount = min(clean.needs[project], remaining[best.sponsor])
            remaining[best.sponsor] -= amount
            placements.append(Placement(sponsor: best.sponsor, project: project, amount: amount))
            weights.append(best.weight)
        }
        let greedy = clean.result(placements, weights: weights, upperBound: nil)
        let bound = split(clean).objective
        return AllocationResult(
            placements: greedy.placements, objective: greedy.objective, upperBound: max(bound, greedy.objective)
        )
    }

    /// Pairs (i, j) with an edge, not used in `result`, where sponsor i would rather fund j (it has unspent budget, or funds some project with a lower weight than w_ij) and project j would rather have i (it has unmet need, or takes money from a sponsor with a lower weight than w_ij).
    public static func blockingPairs(_ problem: AllocationProblem, _ result: AllocationResult) -> Int {
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
        var used: Set<Int> = []
        for placement in result.placements where placement.amount > 0 {
            guard spent.indices.contains(placement.sponsor), received.indices.contains(placement.project) else { continue }
            let pair = placement.sponsor * projectCount + placement.project
            used.insert(pair)
            spent[placement.sponsor] = spent[placement.sponsor].addingSaturated(placement.amount)
            received[placement.project] = received[placement.project].addingSaturated(placement.amount)
            if let weight = weightOfPair[pair] {
                sponsorLowest[placement.sponsor] = min(sponsorLowest[placement.sponsor], weight)
                projectLowest[placement.project] = min(projectLowest[placement.project], weight)
            }
        }
        var count = 0
        for edge in clean.edges where !used.contains(edge.sponsor * projectCount + edge.project) {
            let sponsorWants = spent[edge.sponsor] < clean.budgets[edge.sponsor] || sponsorLowest[edge.sponsor] < edge.weight
            let projectWants = received[edge.project] < clean.needs[edge.project] || projectLowest[edge.project] < edge.weight
            if sponsorWants && projectWants { count += 1 }
        }
        return count
    }

    /// The split optimum as a min-cost flow: source → sponsor (budget), sponsor → project (−weight),
    /// project → sink (need), and a free source → sink bypass for money left unplaced.
    static func split(_ clean: CleanProblem) -> AllocationResult {
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
