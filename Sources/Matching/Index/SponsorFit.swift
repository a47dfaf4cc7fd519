import Domain

/// The sponsorship score of `MatchScorer.sponsorship`, without exposure, computed from a scan
/// record's bits instead of profiles: what the candidate index ranks businesses by, so that the
/// few it hands on are the best by the score itself rather than by an estimate. The arithmetic
/// follows `MatchScorer` step by step (a property test holds the two equal).
///
/// Exact while the vocabulary gives every focus area and top-level region a bit of its own:
/// 128 areas and 64 regions, against the reference's 20 of each.
struct SponsorFit {
    private let weights: Weights
    /// The project's areas, which a sponsor's areas are compared with (the sponsor's view).
    private let projectAreas: FocusBits
    private let projectNamesAreas: Bool
    /// Areas outside the project's that serve one of its goals.
    private let relatedToProject: FocusBits
    /// The project's areas and what its NGO seeks, each once, with the areas serving one of its
    /// goals (the project's view).
    private let sought: [(bit: FocusBits, related: FocusBits)]
    private let capacity: Double
    private let ownerTrack: Double
    private let gap: Int64
    /// The highest text relevance any candidate could have: every term found in its name.
    let textCeiling: Double
    /// For `mightReach`: every area the project's view looks for, those serving their goals, and
    /// reciprocals that replace its divisions.
    private let soughtAreas: FocusBits
    private let relatedToSought: FocusBits
    private let soughtReciprocal: Double
    /// False when two sought areas share a bit (past the vocabulary's last): a shared bit may then
    /// stand for several, so the bound counts it as all of them.
    private let soughtBitsDistinct: Bool
    private let gapReciprocal: Double

    init(project: ProjectProfile, owner: PartnerProfile, signature: TextSignature, scorer: MatchScorer, vocabulary: IndexVocabulary) {
        weights = scorer.weights
        projectAreas = vocabulary.knownFocusBits(project.focusAreas)
        projectNamesAreas = !project.focusAreas.isEmpty
        relatedToProject = vocabulary.knownFocusBits(scorer.taxonomy.related(to: project.focusAreas)).subtracting(projectAreas)
        sought = Set(project.focusAreas + owner.seeking).map { area in
            let bit = vocabulary.knownFocusBits([area])
            return (bit, vocabulary.knownFocusBits(scorer.taxonomy.related(to: [area])).subtracting(bit))
        }
        soughtAreas = sought.reduce(FocusBits()) { $0.union($1.bit) }
        relatedToSought = sought.reduce(FocusBits()) { $0.union($1.related) }
        soughtReciprocal = sought.isEmpty ? 0 : 1 / Double(sought.count)
        soughtBitsDistinct = soughtAreas.sharedCount(with: soughtAreas) == sought.filter { !$0.bit.isEmpty }.count
        gapReciprocal = project.fundingGapKZT > 0 ? 1 / Double(project.fundingGapKZT) : 0
        capacity = scorer.ngoCapacity(owner: owner, project: project).value
        ownerTrack = MatchScorer.trackRecordValue(owner)
        gap = project.fundingGapKZT
        textCeiling = signature.terms.isEmpty ? 0 : 1 / (1 + 0.1)
    }

    /// `focusFit(seeking: sponsor's areas, offered: project's areas)`.
    func sponsorFocus(_ sponsorAreas: FocusBits) -> Double {
        guard !sponsorAreas.isEmpty, projectNamesAreas else { return 0.5 }
        let shared = sponsorAreas.sharedCount(with: projectAreas)
        let related = sponsorAreas.subtracting(projectAreas).sharedCount(with: relatedToProject)
        return Self.focusValue(shared: shared, related: related, count: sponsorAreas.sharedCount(with: sponsorAreas))
    }

    /// `focusFit(seeking: project's areas and what its NGO seeks, offered: sponsor's areas)`.
    func projectFocus(_ sponsorAreas: FocusBits) -> Double {
        guard !sought.isEmpty, !sponsorAreas.isEmpty else { return 0.5 }
        var shared = 0
        var related = 0
        for area in sought {
            if !area.bit.isEmpty, sponsorAreas.sharedCount(with: area.bit) > 0 {
                shared += 1
            } else if sponsorAreas.sharedCount(with: area.related) > 0 {
                related += 1
            }
        }
        return Self.focusValue(shared: shared, related: related, count: sought.count)
    }

    /// `budgetCoverage`: `remaining` is -1 when the sponsor declared no budget.
    func budget(remaining: Int64) -> Double {
        guard gap > 0 else { return 1 }
        guard remaining >= 0 else { return 0.5 }
        return min(1, Double(remaining) / Double(gap))
    }

    /// `geographicFit` from what the record tells.
    static func geography(sameRegion: Bool, sameDistrict: Bool, nationwide: Bool) -> Double {
        sameRegion ? (sameDistrict ? 1 : 0.8) : (nationwide ? 0.6 : 0.1)
    }

    /// The harmonic mean of the two directions' weighted means, as `direction` and `combine` compute them.
    func score(sponsorFocus: Double, projectFocus: Double, geography: Double, budget: Double, sponsorTrack: Double, text: Double) -> Double {
        let w = weights
        let total = 0 + w.focus + w.geography + w.resources + w.trackRecord + w.text
        let sponsorView = (0 + w.focus * sponsorFocus + w.geography * geography + w.resources * capacity + w.trackRecord * ownerTrack + w.text * text) / total
        let projectView = (0 + w.focus * projectFocus + w.geography * geography + w.resources * budget + w.trackRecord * sponsorTrack + w.text * text) / total
        guard sponsorView > 0, projectView > 0 else { return 0 }
        return 2 / (0 + 1 / sponsorView + 1 / projectView)
    }

    /// The score of a sponsor from what its bits tell: what the candidate index and round planning
    /// both rank sponsors by. `remaining` is -1 when the sponsor declared no budget.
    func score(
        sponsorAreas: FocusBits, sameRegion: Bool, sameDistrict: Bool, nationwide: Bool, remaining: Int64, track: Double, text: Double
    ) -> Double {
        score(
            sponsorFocus: sponsorFocus(sponsorAreas), projectFocus: projectFocus(sponsorAreas),
            geography: Self.geography(sameRegion: sameRegion, sameDistrict: sameDistrict, nationwide: nationwide),
            budget: budget(remaining: remaining), sponsorTrack: track, text: text
        )
    }

    /// False only when a sponsor's score is surely below `threshold`: a bound on it with
    /// multiplications only, checked before the exact score, whose divisions were most of a
    /// sponsor scan's time (profiled). The focus values are bounded by counting shared areas
    /// alone, and the harmonic mean is compared multiplied out, with a margin for rounding.
    func mightReach(_ threshold: Double, sponsorAreas: FocusBits, geography: Double, remaining: Int64, track: Double, text: Double) -> Bool {
        let sponsorFocus: Double
        if sponsorAreas.isEmpty || !projectNamesAreas {
            sponsorFocus = 0.5
        } else {
            let shared = sponsorAreas.sharedCount(with: projectAreas)
            let count = sponsorAreas.sharedCount(with: sponsorAreas)
            sponsorFocus = shared > 0
                ? 0.85 + 0.15 * Double(shared) * Self.reciprocals[min(count, Self.reciprocals.count - 1)]
                : sponsorAreas.sharedCount(with: relatedToProject) > 0 ? 0.5 : 0
        }
        let projectFocus: Double
        if soughtAreas.isEmpty && relatedToSought.isEmpty || sponsorAreas.isEmpty {
            projectFocus = sought.isEmpty || sponsorAreas.isEmpty ? 0.5 : 0
        } else {
            let shared = sponsorAreas.sharedCount(with: soughtAreas)
            projectFocus = shared > 0
                ? (soughtBitsDistinct ? min(1, 0.85 + 0.15 * Double(shared) * soughtReciprocal) : 1)
                : sponsorAreas.sharedCount(with: relatedToSought) > 0 ? 0.5 : 0
        }
        let budget = gap <= 0 ? 1 : remaining < 0 ? 0.5 : remaining >= gap ? 1 : Double(remaining) * gapReciprocal * (1 + 1e-9)
        let w = weights
        let sponsorView = w.focus * sponsorFocus + w.geography * geography + w.resources * capacity + w.trackRecord * ownerTrack + w.text * text
        let projectView = w.focus * projectFocus + w.geography * geography + w.resources * budget + w.trackRecord * track + w.text * text
        let total = w.focus + w.geography + w.resources + w.trackRecord + w.text
        // 2 / (total / s + total / p) >= threshold, multiplied out.
        return 2 * sponsorView * projectView >= threshold * total * (sponsorView + projectView) * (1 - 1e-9)
    }

    /// 1/n for the few areas a profile names.
    private static let reciprocals: [Double] = (0...128).map { $0 == 0 ? 0 : 1 / Double($0) }

    /// The best score a candidate could have with the given geography at most.
    func ceiling(geography: Double) -> Double {
        score(sponsorFocus: 1, projectFocus: 1, geography: geography, budget: 1, sponsorTrack: 1, text: textCeiling)
    }

    private static func focusValue(shared: Int, related: Int, count: Int) -> Double {
        let best: Double = shared > 0 ? 1 : related > 0 ? 0.5 : 0
        let coverage = (Double(shared) + 0.5 * Double(related)) / Double(count)
        return 0.7 * best + 0.3 * coverage
    }
}
