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
        /// Whether the candidates were scored from bits (see `scoresFromBits`).
        let scoredFromBits: Bool
    }

    /// How many placements a sponsor may get in a round: its `maxActivePartnerships` less the
    /// partnerships it has open (approved or active, as the matching veto counts them); nil when it
    /// set no limit.
    public static func slots(of sponsor: PartnerProfile) -> Int? {
        sponsor.maxActivePartnerships.map { max(0, $0 - sponsor.activePartnerships) }
    }

    public func plan(projects: [(project: ProjectProfile, owner: PartnerProfile)], sponsors: [PartnerProfile]) -> Plan {
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
        let inputs = PlanInputs(vocabulary: vocabulary, sponsorFocus: sponsorFocus, sponsorRegions: sponsorRegions, remaining: remaining, fits: fits)

        // Projects are planned independently: in chunks on every core, joined in project order, so
        // the plan is the same however many cores there are.
        let chunkSize = max(64, projects.count / (4 * max(1, ProcessInfo.processInfo.activeProcessorCount)) + 1)
        let chunks = stride(from: 0, to: projects.count, by: chunkSize).map { $0..<min($0 + chunkSize, projects.count) }
        let parts = chunks.concurrentMap { range in
            var part = PlanPart()
            for projectIndex in range {
                let entry = projects[projectIndex]
                planProject(
                    projectIndex, entry.project, entry.owner, exact: inputs.vocabulary.knownFocusBits(entry.project.focusAreas + entry.owner.seeking),
                    related: inputs.vocabulary.knownFocusBits(scorer.taxonomy.related(to: entry.project.focusAreas)),
                    places: inputs.vocabulary.knownRegionBits(entry.project.regions),
                    sponsors: sponsors, inputs: inputs, into: &part
                )
            }
            return part
        }
        var edges: [AllocationProblem.Edge] = []
        var scores: [Int: [Int: Double]] = [:]
        var pairsScored = 0
        for part in parts {
            edges += part.edges
            scores.merge(part.scores) { first, _ in first }
            pairsScored += part.pairsScored
        }
        let problem = AllocationProblem(
            budgets: remaining, needs: projects.map(\.project.fundingGapKZT), edges: edges, slots: sponsors.map(Self.slots(of:))
        )
        return Plan(problem: problem, scores: scores, pairsScored: pairsScored, scoredFromBits: fits != nil)
    }

    private struct PlanInputs {
        let vocabulary: IndexVocabulary
        let sponsorFocus: [FocusBits]
        let sponsorRegions: [UInt64]
        let remaining: [Int64]
        let fits: SponsorFits?
    }

    /// What `SponsorFit` reads of each sponsor besides its bits, by sponsor index.
    private struct SponsorFits {
        let districts: [[String]]
        let track: [Double]
    }

    private struct PlanPart {
        var edges: [AllocationProblem.Edge] = []
        var scores: [Int: [Int: Double]] = [:]
        var pairsScored = 0
    }

    /// Pre-ranks every sponsor by a small integer (shared and related areas, the region, whether
    /// its budget covers the gap), scores the best `candidatesPerProject` in full and keeps the
    /// best `edgesPerProject` edges. The best by pre-rank are found by counting how many sponsors
    /// have each value instead of sorting them all: the same order (value, then sponsor index).
    private func planProject(
        _ projectIndex: Int, _ project: ProjectProfile, _ owner: PartnerProfile, exact: FocusBits, related: FocusBits, places: UInt64,
        sponsors: [PartnerProfile], inputs: PlanInputs, into part: inout PlanPart
    ) {
        var proxies = [Int8](repeating: -1, count: sponsors.count)
        var countOf = [Int](repeating: 0, count: 128)
        for sponsorIndex in sponsors.indices where inputs.sponsorFocus[sponsorIndex].sharedCount(with: related) > 0 {
            let areas = inputs.sponsorFocus[sponsorIndex]
            let proxy = 4 * areas.sharedCount(with: exact) + areas.sharedCount(with: related)
                + (inputs.sponsorRegions[sponsorIndex] & places == 0 ? 0 : 2)
                + (inputs.remaining[sponsorIndex] >= project.fundingGapKZT ? 1 : 0)
            proxies[sponsorIndex] = Int8(min(proxy, 127))
            countOf[min(proxy, 127)] += 1
        }
        // The lowest value still among the best, and how many of that value make it.
        var threshold = 127
        var above = 0
        while threshold > 0, above + countOf[threshold] < candidatesPerProject {
            above += countOf[threshold]
            threshold -= 1
        }
        var atThreshold = candidatesPerProject - above
        var picked: [(proxy: Int8, sponsor: Int)] = []
        picked.reserveCapacity(candidatesPerProject)
        for sponsorIndex in sponsors.indices {
            let proxy = proxies[sponsorIndex]
            guard proxy >= 0, Int(proxy) >= threshold else { continue }
            if Int(proxy) == threshold {
                guard atThreshold > 0 else { continue }
                atThreshold -= 1
            }
            picked.append((proxy, sponsorIndex))
        }
        picked.sort { ($0.proxy, $1.sponsor) > ($1.proxy, $0.sponsor) }
        var scored: [(score: Double, sponsor: Int)] = []
        if let fits = inputs.fits {
            let fit = SponsorFit(project: project, owner: owner, signature: .empty, scorer: scorer, vocabulary: inputs.vocabulary)
            let projectDistricts = project.regions.compactMap(KATO.district)
            for (_, sponsorIndex) in picked {
                part.pairsScored += 1
                let sponsor = sponsors[sponsorIndex]
                guard scorer.sponsorVeto(project: project, owner: owner, sponsor: sponsor) == nil else { continue }
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
                let match = scorer.sponsorship(project: project, owner: owner, sponsor: sponsors[sponsorIndex], text: 0, listing: .partner)
                if !match.isVetoed, match.score > 0 { scored.append((match.score, sponsorIndex)) }
            }
        }
        scored.sort { ($0.score, $1.sponsor) > ($1.score, $0.sponsor) }
        for (score, sponsorIndex) in scored.prefix(edgesPerProject) {
            let weight = max(1, Int64((score * Self.weightScale).rounded()))
            part.edges.append(AllocationProblem.Edge(sponsor: sponsorIndex, project: projectIndex, weight: weight))
            part.scores[projectIndex, default: [:]][sponsorIndex] = score
        }
    }
}
