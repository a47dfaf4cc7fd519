import Domain

/// Builds the allocation problem of a funding round from profiles: scores the plausible pairs and
/// keeps each project's best edges. Pure, so the service and the benchmark share it.
public struct RoundPlanner: Sendable {
    /// Sponsors fully scored per project, after a cheap pre-ranking over every sponsor in scope.
    public var candidatesPerProject = 40
    /// Edges per project handed to the allocator.
    public var edgesPerProject = 20
    /// Scores become integer weights, for an exact integral allocation.
    public static let weightScale = 1_000_000.0

    public let scorer: MatchScorer

    public init(taxonomy: FocusTaxonomy) {
        scorer = MatchScorer(taxonomy: taxonomy, fairness: .off)
    }

    public struct Plan: Sendable {
        public let problem: AllocationProblem
        /// The match score of each kept edge, by project then sponsor index.
        public let scores: [Int: [Int: Double]]
        public let pairsScored: Int
    }

    /// How many placements a sponsor may get in a round: its `maxActivePartnerships` less the
    /// partnerships it has open (approved or active, as the matching veto counts them); nil when it
    /// set no limit.
    public static func slots(of sponsor: PartnerProfile) -> Int? {
        sponsor.maxActivePartnerships.map { max(0, $0 - sponsor.activePartnerships) }
    }

    public func plan(projects: [(project: ProjectProfile, owner: PartnerProfile)], sponsors: [PartnerProfile]) -> Plan {
        // Focus areas as bits, so pre-ranking a sponsor is a few popcounts.
        let allAreas = Set(projects.flatMap { $0.project.focusAreas + $0.owner.seeking } + sponsors.flatMap { $0.focusAreas + $0.seeking })
        let bitOfArea = Dictionary(uniqueKeysWithValues: allAreas.sorted().enumerated().map { ($1, $0) })
        func mask(_ areas: some Sequence<String>) -> UInt64 {
            areas.reduce(0) { mask, area in
                guard let bit = bitOfArea[area], bit < 64 else { return mask }
                return mask | (1 << UInt64(bit))
            }
        }
        let sponsorMasks = sponsors.map { mask($0.focusAreas + $0.seeking) }
        let sponsorRegions = sponsors.map { Set($0.regions.map(KATO.topLevel)) }
        let remaining = sponsors.map { $0.remainingBudgetKZT ?? 0 }
        var edges: [AllocationProblem.Edge] = []
        var scores: [Int: [Int: Double]] = [:]
        var pairsScored = 0
        for (projectIndex, entry) in projects.enumerated() {
            let exact = mask(entry.project.focusAreas + entry.owner.seeking)
            let related = mask(scorer.taxonomy.related(to: entry.project.focusAreas))
            let places = Set(entry.project.regions.map(KATO.topLevel))
            var ranked: [(proxy: Int, sponsor: Int)] = []
            for sponsorIndex in sponsors.indices where sponsorMasks[sponsorIndex] & related != 0 {
                let proxy = 4 * (sponsorMasks[sponsorIndex] & exact).nonzeroBitCount
                    + (sponsorMasks[sponsorIndex] & related).nonzeroBitCount
                    + (sponsorRegions[sponsorIndex].isDisjoint(with: places) ? 0 : 2)
                    + (remaining[sponsorIndex] >= entry.project.fundingGapKZT ? 1 : 0)
                ranked.append((proxy, sponsorIndex))
            }
            ranked.sort { ($0.proxy, $1.sponsor) > ($1.proxy, $0.sponsor) }
            var scored: [(score: Double, sponsor: Int)] = []
            for (_, sponsorIndex) in ranked.prefix(candidatesPerProject) {
                pairsScored += 1
                let match = scorer.sponsorship(project: entry.project, owner: entry.owner, sponsor: sponsors[sponsorIndex], text: 0, listing: .partner)
                if !match.isVetoed, match.score > 0 { scored.append((match.score, sponsorIndex)) }
            }
            scored.sort { ($0.score, $1.sponsor) > ($1.score, $0.sponsor) }
            for (score, sponsorIndex) in scored.prefix(edgesPerProject) {
                let weight = max(1, Int64((score * Self.weightScale).rounded()))
                edges.append(AllocationProblem.Edge(sponsor: sponsorIndex, project: projectIndex, weight: weight))
                scores[projectIndex, default: [:]][sponsorIndex] = score
            }
        }
        let problem = AllocationProblem(
            budgets: remaining, needs: projects.map(\.project.fundingGapKZT), edges: edges, slots: sponsors.map(Self.slots(of:))
        )
        return Plan(problem: problem, scores: scores, pairsScored: pairsScored)
    }
}
