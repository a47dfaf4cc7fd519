/// Sponsors with budgets, projects with needs, and the pairs that may be funded, each with a weight per KZT.
public struct AllocationProblem: Sendable, Equatable {
    /// A pair that may be funded and how much one KZT placed on it is worth.
    public struct Edge: Sendable, Equatable {
        public let sponsor: Int
        public let project: Int
        public let weight: Int64

        public init(sponsor: Int, project: Int, weight: Int64) {
            self.sponsor = sponsor
            self.project = project
            self.weight = weight
        }
    }

    /// Budget of each sponsor, by sponsor index.
    public var budgets: [Int64]
    /// Need of each project, by project index.
    public var needs: [Int64]
    /// At most one edge per (sponsor, project), with a positive weight.
    public var edges: [Edge]
    /// How many placements each sponsor may get, by sponsor index; nil (or no entry) means no limit.
    public var slots: [Int?]

    public init(budgets: [Int64], needs: [Int64], edges: [Edge], slots: [Int?] = []) {
        self.budgets = budgets
        self.needs = needs
        self.edges = edges
        self.slots = slots
    }
}

/// An amount one sponsor gives one project.
public struct Placement: Sendable, Equatable {
    public let sponsor: Int
    public let project: Int
    public let amount: Int64

    public init(sponsor: Int, project: Int, amount: Int64) {
        self.sponsor = sponsor
        self.project = project
        self.amount = amount
    }
}

/// A sponsor and a project, not placed together, that would both rather be: see `Allocator.blockingPairs`.
public struct BlockingPair: Sendable, Equatable {
    public let sponsor: Int
    public let project: Int
    public let weight: Int64
    /// The sponsor has budget and a slot left; otherwise it funds a project it fits less well.
    public let sponsorHasRoom: Bool
    /// The project's need is not wholly met; otherwise it takes money from a sponsor it fits less well.
    public let projectHasRoom: Bool

    public init(sponsor: Int, project: Int, weight: Int64, sponsorHasRoom: Bool, projectHasRoom: Bool) {
        self.sponsor = sponsor
        self.project = project
        self.weight = weight
        self.sponsorHasRoom = sponsorHasRoom
        self.projectHasRoom = projectHasRoom
    }
}

/// Placements with their total weight and a bound on the best total.
public struct AllocationResult: Sendable, Equatable {
    /// Positive amounts only, sorted by (project, sponsor).
    public let placements: [Placement]
    /// Σ weight × amount; a Double because it can pass Int64.
    public let objective: Double
    /// An upper bound on the best possible objective for the same mode: equals `objective` when exact.
    public let upperBound: Double

    public init(placements: [Placement], objective: Double, upperBound: Double) {
        self.placements = placements
        self.objective = objective
        self.upperBound = upperBound
    }

    /// The share of the upper bound the objective may fall short by; 0 when exact.
    public var gap: Double { upperBound <= 0 ? 0 : (upperBound - objective) / upperBound }
}

/// A problem cleaned for the solvers: negative amounts and slots read as 0, edges out of range, with a
/// non-positive weight or of a sponsor with no slot are dropped, and of edges repeating a pair only the
/// best weighted one is kept.
struct CleanProblem {
    struct Edge {
        let sponsor: Int
        let project: Int
        let weight: Int64
    }

    let budgets: [Int64]
    let needs: [Int64]
    /// Placements each sponsor may get; `Int.max` when unlimited.
    let slots: [Int]
    /// Sorted by (project, sponsor).
    let edges: [Edge]
    /// Into `edges`: the edges of project j are `edges[projectStart[j]..<projectStart[j + 1]]`.
    let projectStart: [Int]

    init(_ problem: AllocationProblem) {
        let budgets = problem.budgets.map { max(0, $0) }
        let needs = problem.needs.map { max(0, $0) }
        let sponsorCount = budgets.count
        let projectCount = needs.count
        let slots = (0..<sponsorCount).map { sponsor -> Int in
            guard problem.slots.indices.contains(sponsor), let slots = problem.slots[sponsor] else { return .max }
            return max(0, slots)
        }
        let valid = problem.edges.filter {
            $0.weight > 0 && (0..<sponsorCount).contains($0.sponsor) && (0..<projectCount).contains($0.project)
                && slots[$0.sponsor] > 0
        }
        .sorted { ($0.project, $0.sponsor, $1.weight) < ($1.project, $1.sponsor, $0.weight) }
        var kept: [Edge] = []
        kept.reserveCapacity(valid.count)
        for edge in valid {
            if let last = kept.last, last.project == edge.project, last.sponsor == edge.sponsor { continue }
            kept.append(Edge(sponsor: edge.sponsor, project: edge.project, weight: edge.weight))
        }
        self.init(budgets: budgets, needs: needs, slots: slots, sortedEdges: kept)
    }

    /// `edges` already clean and sorted by (project, sponsor).
    private init(budgets: [Int64], needs: [Int64], slots: [Int], sortedEdges edges: [Edge]) {
        self.budgets = budgets
        self.needs = needs
        self.slots = slots
        self.edges = edges
        var start = [Int](repeating: 0, count: needs.count + 1)
        for edge in edges { start[edge.project + 1] += 1 }
        for project in 0..<needs.count { start[project + 1] += start[project] }
        projectStart = start
    }

    /// The same problem with only the edges `keep` accepts.
    func keeping(_ keep: (Edge) -> Bool) -> CleanProblem {
        CleanProblem(budgets: budgets, needs: needs, slots: slots, sortedEdges: edges.filter(keep))
    }

    var sponsorCount: Int { budgets.count }
    var projectCount: Int { needs.count }

    /// The edges of one project, by sponsor.
    func edges(of project: Int) -> ArraySlice<Edge> {
        edges[projectStart[project]..<projectStart[project + 1]]
    }

    /// Sorts placements by (project, sponsor), drops zero amounts and totals their weight.
    func result(_ placements: [Placement], weights: [Int64], upperBound: Double?) -> AllocationResult {
        var pairs = zip(placements, weights).filter { $0.0.amount > 0 }
        pairs.sort { ($0.0.project, $0.0.sponsor) < ($1.0.project, $1.0.sponsor) }
        let objective = pairs.reduce(0.0) { $0 + Double($1.1) * Double($1.0.amount) }
        return AllocationResult(placements: pairs.map(\.0), objective: objective, upperBound: upperBound ?? objective)
    }
}

extension Int64 {
    /// The sum, or `Int64.max` when it would overflow; for non-negative amounts.
    func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
