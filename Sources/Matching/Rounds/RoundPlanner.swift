import Dispatch
import Domain
import Foundation

/// Builds the allocation problem of a funding round from profiles: scores the plausible pairs and
/// keeps each project's best edges. Pure, so the service and the benchmark share it.
public struct RoundPlanner: Sendable {
    /// Sponsors fully scored per project, after a cheap pre-ranking over every sponsor in scope.
    public var candidatesPerProject = 40
    /// Edges per project handed to the allocator.
    public var edgesPerProject = 20
    /// Scores from the candidate index's bits when exact; off, from profiles (what tests compare with).
    var scoresFromBits = true
    /// Pre-ranks from the per-area lists when that is sure to give the same candidates; off, over
    /// every sponsor (what tests compare with).
    var preRanksFromAreaLists = true
    /// Scores become integer weights, for an exact integral allocation.
    public static let weightScale = 1_000_000.0

    public let scorer: MatchScorer

    public init(taxonomy: FocusTaxonomy) {
        scorer = MatchScorer(taxonomy: taxonomy, fairness: .off)
    }

    public struct Plan: Sendable {
        public let problem: AllocationProblem
        /// The match score of each of the problem's edges, in their order: a project's edges are
        /// together, projects in order (a dictionary per project cost a third of the planning, profiled).
        let edgeScores: [Double]
        /// Where each project's edges begin, and the end of the last.
        let firstEdge: [Int]
        public let pairsScored: Int
        /// Whether the candidates were scored from bits (see `scoresFromBits`).
        let scoredFromBits: Bool
        /// Projects whose candidates came from the per-area lists (see `preRanksFromAreaLists`).
        public let preRankedFromLists: Int

        /// The match score of the edge between a project and a sponsor (indices); nil when none was kept.
        public func score(project: Int, sponsor: Int) -> Double? {
            guard firstEdge.indices.contains(project + 1) else { return nil }
            for edge in firstEdge[project]..<firstEdge[project + 1] where problem.edges[edge].sponsor == sponsor {
                return edgeScores[edge]
            }
            return nil
        }

        /// Whether any sponsor was plausible for the project (index).
        public func hasEdges(project: Int) -> Bool {
            firstEdge.indices.contains(project + 1) && firstEdge[project + 1] > firstEdge[project]
        }

        /// Every kept edge's score, by project then sponsor index (for tests to compare plans).
        var scores: [Int: [Int: Double]] {
            var scores: [Int: [Int: Double]] = [:]
            for (edge, score) in zip(problem.edges, edgeScores) { scores[edge.project, default: [:]][edge.sponsor] = score }
            return scores
        }
    }

    /// How many placements a sponsor may get in a round: its `maxActivePartnerships` less the
    /// partnerships it has open (approved or active, as the matching veto counts them); nil when it
    /// set no limit.
    public static func slots(of sponsor: PartnerProfile) -> Int? {
        sponsor.maxActivePartnerships.map { max(0, $0 - sponsor.activePartnerships) }
    }

    /// `partnered` holds the project–sponsor pairs already in a live partnership: a round gives
    /// them no edge, since accepting it could not propose them again.
    public func plan(
        projects: [(project: ProjectProfile, owner: PartnerProfile)], sponsors: [PartnerProfile], partnered: Set<ProjectSponsorPair> = []
    ) -> Plan {
        // Focus areas and top-level regions as the candidate index's bits: pre-ranking a sponsor is
        // a few popcounts, and while every area and region has a bit of its own the candidates are
        // scored from them exactly (`SponsorFit`), at 20,000 x 5,000 in a quarter of the time
        // scoring profiles took (`asar bench round`, BENCHMARKS.md).
        var vocabulary = IndexVocabulary()
        let sponsorFocus = sponsors.map { vocabulary.focusBits($0.focusAreas + $0.seeking) }
        let sponsorRegions = sponsors.map { vocabulary.regionBits($0.regions) }
        for (project, owner) in projects {
            _ = vocabulary.focusBits(project.focusAreas + owner.seeking)
            _ = vocabulary.regionBits(project.regions)
        }
        let remaining = sponsors.map { $0.remainingBudgetKZT ?? 0 }
        let fits = scoresFromBits && vocabulary.givesEveryValueABit ? SponsorFits(
            districts: sponsors.map { $0.regions.compactMap(KATO.district) }, track: sponsors.map(MatchScorer.trackRecordValue)
        ) : nil
        var sponsorsByArea = [[Int32]](repeating: [], count: 128)
        for (sponsorIndex, focus) in sponsorFocus.enumerated() {
            for bit in focus.bits { sponsorsByArea[bit].append(Int32(sponsorIndex)) }
        }
        let inputs = PlanInputs(
            vocabulary: vocabulary, sponsorFocus: sponsorFocus, sponsorRegions: sponsorRegions, remaining: remaining, fits: fits,
            sponsorsByArea: sponsorsByArea, mostAreas: sponsorFocus.map { $0.sharedCount(with: $0) }.max() ?? 0, partnered: partnered
        )

        // Projects are planned independently: in chunks on every core, joined in project order, so
        // the plan is the same however many cores there are.
        let chunkSize = max(64, projects.count / (4 * max(1, ProcessInfo.processInfo.activeProcessorCount)) + 1)
        let chunks = stride(from: 0, to: projects.count, by: chunkSize).map { $0..<min($0 + chunkSize, projects.count) }
        let parts = chunks.concurrentMap { range in
            var part = PlanPart()
            var seen = SeenSponsors(count: sponsors.count)
            for projectIndex in range {
                let entry = projects[projectIndex]
                planProject(
                    projectIndex, entry.project, entry.owner, exact: inputs.vocabulary.knownFocusBits(entry.project.focusAreas + entry.owner.seeking),
                    related: inputs.vocabulary.knownFocusBits(scorer.taxonomy.related(to: entry.project.focusAreas)),
                    places: inputs.vocabulary.knownRegionBits(entry.project.regions),
                    sponsors: sponsors, inputs: inputs, seen: &seen, into: &part
                )
            }
            return part
        }
        var edges: [AllocationProblem.Edge] = []
        var edgeScores: [Double] = []
        var pairsScored = 0
        var preRankedFromLists = 0
        for part in parts {
            edges += part.edges
            edgeScores += part.edgeScores
            pairsScored += part.pairsScored
            preRankedFromLists += part.preRankedFromLists
        }
        let problem = AllocationProblem(
            budgets: remaining, needs: projects.map(\.project.fundingGapKZT), edges: edges, slots: sponsors.map(Self.slots(of:))
        )
        var firstEdge = [Int](repeating: 0, count: projects.count + 1)
        for edge in edges { firstEdge[edge.project + 1] += 1 }
        for project in projects.indices { firstEdge[project + 1] += firstEdge[project] }
        return Plan(
            problem: problem, edgeScores: edgeScores, firstEdge: firstEdge, pairsScored: pairsScored, scoredFromBits: fits != nil,
            preRankedFromLists: preRankedFromLists
        )
    }

    private struct PlanInputs {
        let vocabulary: IndexVocabulary
        let sponsorFocus: [FocusBits]
        let sponsorRegions: [UInt64]
        let remaining: [Int64]
        let fits: SponsorFits?
        /// Sponsors by focus-area bit, in index order.
        let sponsorsByArea: [[Int32]]
        /// The most areas any sponsor has a bit for.
        let mostAreas: Int
        let partnered: Set<ProjectSponsorPair>

        func arePartners(_ project: ProjectProfile, _ sponsor: PartnerProfile) -> Bool {
            !partnered.isEmpty && partnered.contains(ProjectSponsorPair(project: project.id, sponsor: sponsor.id))
        }
    }

    /// Which sponsors one project's pre-ranking has met: a sponsor is met when stamped with the current project.
    private struct SeenSponsors {
        private var stamps: [UInt32]
        private var current: UInt32 = 0

        init(count: Int) {
            stamps = [UInt32](repeating: 0, count: count)
        }

        mutating func next() {
            current &+= 1
            if current == 0 {
                for index in stamps.indices { stamps[index] = 0 }
                current = 1
            }
        }

        /// True the first time a sponsor is met for the current project.
        mutating func meet(_ sponsor: Int) -> Bool {
            if stamps[sponsor] == current { return false }
            stamps[sponsor] = current
            return true
        }
    }

    /// What `SponsorFit` reads of each sponsor besides its bits, by sponsor index.
    private struct SponsorFits {
        let districts: [[String]]
        let track: [Double]
    }

    private struct PlanPart {
        var edges: [AllocationProblem.Edge] = []
        var edgeScores: [Double] = []
        var pairsScored = 0
        var preRankedFromLists = 0
    }

    /// Pre-ranks sponsors by a small integer (shared and related areas, the region, whether its
    /// budget covers the gap), scores the best `candidatesPerProject` in full and keeps the best
    /// `edgesPerProject` edges.
    private func planProject(
        _ projectIndex: Int, _ project: ProjectProfile, _ owner: PartnerProfile, exact: FocusBits, related: FocusBits, places: UInt64,
        sponsors: [PartnerProfile], inputs: PlanInputs, seen: inout SeenSponsors, into part: inout PlanPart
    ) {
        let fromLists = preRanksFromAreaLists
            ? preRankedFromSharedAreas(project, exact: exact, related: related, places: places, inputs: inputs, seen: &seen) : nil
        if fromLists != nil { part.preRankedFromLists += 1 }
        let picked = fromLists ?? preRanked(project, exact: exact, related: related, places: places, sponsors: sponsors, inputs: inputs)
        score(picked, projectIndex, project, owner, places: places, sponsors: sponsors, inputs: inputs, into: &part)
    }

    /// The pre-rank of one sponsor for a project; nil when it shares none of the areas serving the project's goals.
    @inline(__always)
    private func proxy(of sponsorIndex: Int, _ project: ProjectProfile, exact: FocusBits, related: FocusBits, places: UInt64, inputs: PlanInputs) -> Int? {
        let areas = inputs.sponsorFocus[sponsorIndex]
        guard areas.sharedCount(with: related) > 0 else { return nil }
        let proxy = 4 * areas.sharedCount(with: exact) + areas.sharedCount(with: related)
            + (inputs.sponsorRegions[sponsorIndex] & places == 0 ? 0 : 2)
            + (inputs.remaining[sponsorIndex] >= project.fundingGapKZT ? 1 : 0)
        return min(proxy, 127)
    }

    /// `preRanked`'s answer from the sponsors sharing one of the areas the project names or its NGO
    /// seeks, read from the per-area lists, when that is sure to be the same: when their
    /// `candidatesPerProject`-th best pre-rank is above what any other sponsor can reach (at most
    /// its areas plus the region and budget points). Nil otherwise. Reading a few areas' lists
    /// instead of every sponsor was most of planning a round's time saved (`asar bench round`).
    private func preRankedFromSharedAreas(
        _ project: ProjectProfile, exact: FocusBits, related: FocusBits, places: UInt64, inputs: PlanInputs, seen: inout SeenSponsors
    ) -> [(proxy: Int8, sponsor: Int)]? {
        let othersReach = min(inputs.mostAreas, related.sharedCount(with: related)) + 3
        seen.next()
        var found: [(proxy: Int8, sponsor: Int)] = []
        for bit in exact.bits {
            for member in inputs.sponsorsByArea[bit] {
                let sponsorIndex = Int(member)
                guard seen.meet(sponsorIndex),
                      let proxy = proxy(of: sponsorIndex, project, exact: exact, related: related, places: places, inputs: inputs) else { continue }
                found.append((Int8(proxy), sponsorIndex))
            }
        }
        guard found.count >= candidatesPerProject else { return nil }
        let best = bestByPreRank(found)
        return best.lowest > othersReach ? best.picked : nil
    }

    /// The best `candidatesPerProject` sponsors by pre-rank, then by index, over every sponsor.
    private func preRanked(
        _ project: ProjectProfile, exact: FocusBits, related: FocusBits, places: UInt64, sponsors: [PartnerProfile], inputs: PlanInputs
    ) -> [(proxy: Int8, sponsor: Int)] {
        let found = sponsors.indices.compactMap { sponsorIndex in
            proxy(of: sponsorIndex, project, exact: exact, related: related, places: places, inputs: inputs).map { (Int8($0), sponsorIndex) }
        }
        return bestByPreRank(found).picked
    }

    /// The best `candidatesPerProject` of `found` by pre-rank, then by index, best first, and the
    /// lowest pre-rank among them. Found by counting how many have each value instead of sorting
    /// them all (sorting was most of a round's pre-ranking, profiled): only those at the lowest
    /// value that makes it are sorted, for the lowest indices.
    private func bestByPreRank(_ found: [(proxy: Int8, sponsor: Int)]) -> (picked: [(proxy: Int8, sponsor: Int)], lowest: Int) {
        var countOf = [Int](repeating: 0, count: 128)
        for entry in found { countOf[Int(entry.proxy)] += 1 }
        var threshold = 127
        var above = 0
        while threshold > 0, above + countOf[threshold] < candidatesPerProject {
            above += countOf[threshold]
            threshold -= 1
        }
        var picked: [(proxy: Int8, sponsor: Int)] = []
        picked.reserveCapacity(candidatesPerProject)
        var tied: [Int] = []
        for entry in found {
            if Int(entry.proxy) > threshold {
                picked.append(entry)
            } else if Int(entry.proxy) == threshold {
                tied.append(entry.sponsor)
            }
        }
        tied.sort()
        for sponsor in tied.prefix(candidatesPerProject - above) { picked.append((Int8(threshold), sponsor)) }
        picked.sort { ($0.proxy, $1.sponsor) > ($1.proxy, $0.sponsor) }
        return (picked, threshold)
    }

    /// Scores the picked sponsors in full and keeps the best `edgesPerProject` edges.
    private func score(
        _ picked: [(proxy: Int8, sponsor: Int)], _ projectIndex: Int, _ project: ProjectProfile, _ owner: PartnerProfile, places: UInt64,
        sponsors: [PartnerProfile], inputs: PlanInputs, into part: inout PlanPart
    ) {
        var scored: [(score: Double, sponsor: Int)] = []
        if let fits = inputs.fits {
            let fit = SponsorFit(project: project, owner: owner, signature: .empty, scorer: scorer, vocabulary: inputs.vocabulary)
            let projectDistricts = project.regions.compactMap(KATO.district)
            for (_, sponsorIndex) in picked {
                part.pairsScored += 1
                let sponsor = sponsors[sponsorIndex]
                guard scorer.sponsorVeto(project: project, owner: owner, sponsor: sponsor) == nil, !inputs.arePartners(project, sponsor) else { continue }
                let sameRegion = inputs.sponsorRegions[sponsorIndex] & places != 0
                let score = fit.score(
                    sponsorAreas: inputs.sponsorFocus[sponsorIndex], sameRegion: sameRegion,
                    sameDistrict: sameRegion && fits.districts[sponsorIndex].contains(where: projectDistricts.contains),
                    nationwide: sponsor.nationwide, remaining: sponsor.remainingBudgetKZT ?? -1, track: fits.track[sponsorIndex], text: 0
                )
                if score > 0 { scored.append((score, sponsorIndex)) }
            }
        } else {
            for (_, sponsorIndex) in picked {
                part.pairsScored += 1
                if inputs.arePartners(project, sponsors[sponsorIndex]) { continue }
                let match = scorer.sponsorship(project: project, owner: owner, sponsor: sponsors[sponsorIndex], text: 0, listing: .partner)
                if !match.isVetoed, match.score > 0 { scored.append((match.score, sponsorIndex)) }
            }
        }
        scored.sort { ($0.score, $1.sponsor) > ($1.score, $0.sponsor) }
        for (score, sponsorIndex) in scored.prefix(edgesPerProject) {
            let weight = max(1, Int64((score * Self.weightScale).rounded()))
            part.edges.append(AllocationProblem.Edge(sponsor: sponsorIndex, project: projectIndex, weight: weight))
            part.edgeScores.append(score)
        }
    }
}

/// A project and a business, as a pair already partnered.
public struct ProjectSponsorPair: Hashable, Sendable {
    public let project: UUID
    public let sponsor: UUID

    public init(project: UUID, sponsor: UUID) {
        self.project = project
        self.sponsor = sponsor
    }
}
