import Domain
import Foundation

/// Weights of the components within one direction; they sum to 1.
public struct Weights: Sendable, Equatable {
    public var focus = 0.35
    public var geography = 0.25
    public var resources = 0.20
    public var trackRecord = 0.10
    public var text = 0.10

    public init() {}

    /// A government body's view weighs the unfunded share of the need in place of a budget.
    public static let governmentView: Weights = {
        var weights = Weights()
        weights.focus = 0.35
        weights.geography = 0.20
        weights.resources = 0.25
        weights.trackRecord = 0.10
        weights.text = 0.10
        return weights
    }()

    /// The weights a direction's score uses.
    public static func of(_ direction: Direction) -> Weights {
        switch direction {
        case .sponsorToProject, .projectToSponsor: Weights()
        case .governmentToProject, .projectToGovernment: .governmentView
        }
    }

    public func weight(of component: Component) -> Double {
        switch component {
        case .focus: focus
        case .geography: geography
        case .resources, .fundingGap: resources
        case .trackRecord: trackRecord
        case .text: text
        }
    }
}

/// Discounts candidates shown very often recently, so the same few names do not fill every list.
public struct ExposureFairness: Sendable, Equatable {
    /// The largest discount, reached for the most shown candidates; 0 switches the effect off.
    public var maxDiscount: Double
    /// Recent impressions at which about 63% of the maximum discount applies.
    public var scale: Double

    public init(maxDiscount: Double = 0.15, scale: Double = 200) {
        self.maxDiscount = maxDiscount
        self.scale = scale
    }

    public static let off = ExposureFairness(maxDiscount: 0)

    public func factor(impressions: Double) -> Double {
        guard maxDiscount > 0, impressions > 0 else { return 1 }
        return 1 - maxDiscount * (1 - exp(-impressions / scale))
    }
}

/// Scores pairs and triples. Pure: the same inputs always give the same scores.
public struct MatchScorer: Sendable {
    public let taxonomy: FocusTaxonomy
    /// For sponsor pairs.
    public var weights = Weights()
    /// For government pairs.
    public var governmentWeights = Weights.governmentView
    public var fairness = ExposureFairness()

    public init(taxonomy: FocusTaxonomy, fairness: ExposureFairness = ExposureFairness()) {
        self.taxonomy = taxonomy
        self.fairness = fairness
    }

    // MARK: - Pairs

    /// A sponsor for a project; `text` is the text relevance between them in [0, 1].
    /// `exposureOf` says whose exposure discounts the score: the one being listed.
    public func sponsorship(
        project: ProjectProfile, owner: PartnerProfile, sponsor: PartnerProfile, text: Double, listing: Listed
    ) -> Match {
        let key = listing == .partner ? PairKey(sponsor.id.lowercasedString) : PairKey(project.id.lowercasedString)
        let impressions = listing == .partner ? sponsor.recentImpressions : project.recentImpressions
        if let veto = sponsorVeto(project: project, owner: owner, sponsor: sponsor) {
            return Match(candidateID: key, score: 0, directions: [], exposureFactor: 1, veto: veto)
        }
        let geography = geographicFit(project: project, partner: sponsor)
        let sponsorView = direction(.sponsorToProject, weights, [
            focusFit(seeking: sponsor.seeking + sponsor.focusAreas, offered: project.focusAreas),
            geography,
            ngoCapacity(owner: owner, project: project),
            trackRecord(owner),
            textFit(text),
        ])
        let projectView = direction(.projectToSponsor, weights, [
            focusFit(seeking: project.focusAreas + owner.seeking, offered: sponsor.focusAreas + sponsor.seeking),
            geography,
            budgetCoverage(sponsor: sponsor, project: project),
            trackRecord(sponsor),
            textFit(text),
        ])
        return combine(key, [sponsorView, projectView], impressions: impressions)
    }

    /// A government body as the project's public partner.
    public func governmentPartnership(
        project: ProjectProfile, owner: PartnerProfile, body: PartnerProfile, text: Double, listing: Listed
    ) -> Match {
        let key = listing == .partner ? PairKey(body.id.lowercasedString) : PairKey(project.id.lowercasedString)
        let impressions = listing == .partner ? body.recentImpressions : project.recentImpressions
        if let veto = governmentVeto(project: project, owner: owner, body: body) {
            return Match(candidateID: key, score: 0, directions: [], exposureFactor: 1, veto: veto)
        }
        let jurisdiction = jurisdictionFit(project: project, body: body)
        let bodyView = direction(.governmentToProject, governmentWeights, [
            focusFit(seeking: body.seeking + body.focusAreas, offered: project.focusAreas),
            jurisdiction,
            fundingGap(project),
            trackRecord(owner),
            textFit(text),
        ])
        let projectView = direction(.projectToGovernment, governmentWeights, [
            focusFit(seeking: project.focusAreas, offered: body.focusAreas + body.seeking),
            jurisdiction,
            trackRecord(body),
            textFit(text),
        ])
        return combine(key, [bodyView, projectView], impressions: impressions)
    }

    /// A sponsor and a government body together: the harmonic mean of all four directions, so a
    /// triple that any party would not want ranks low.
    public func triple(sponsorship: Match, government: Match) -> Match {
        let key = PairKey(ids: sponsorship.candidateID.ids + government.candidateID.ids)
        if let veto = sponsorship.veto ?? government.veto {
            return Match(candidateID: key, score: 0, directions: [], exposureFactor: 1, veto: veto)
        }
        return Match(
            candidateID: key, score: tripleScore(sponsorship: sponsorship, government: government),
            directions: sponsorship.directions + government.directions,
            exposureFactor: sponsorship.exposureFactor * government.exposureFactor, veto: nil
        )
    }

    /// `triple(sponsorship:government:).score` alone, computed the same way, so a list can choose
    /// which pairs to build as triples.
    public func tripleScore(sponsorship: Match, government: Match) -> Double {
        if sponsorship.veto != nil || government.veto != nil { return 0 }
        var values: [Double] = []
        values.reserveCapacity(sponsorship.directions.count + government.directions.count)
        for direction in sponsorship.directions { values.append(direction.value) }
        for direction in government.directions { values.append(direction.value) }
        return harmonicMean(values) * (sponsorship.exposureFactor * government.exposureFactor)
    }

    /// Who is being listed, so whose exposure counts.
    public enum Listed: Sendable {
        /// Organizations are listed for a project.
        case partner
        /// Projects are listed for an organization.
        case project
    }

    // MARK: - Vetoes

    func sponsorVeto(project: ProjectProfile, owner: PartnerProfile, sponsor: PartnerProfile) -> Veto? {
        if sponsor.kind != .business || owner.kind != .ngo { return .wrongKind }
        if !sponsor.isActive || !owner.isActive { return .inactiveOrganization }
        if !project.isOpen { return .projectNotOpen }
        if let remaining = sponsor.remainingBudgetKZT, remaining <= 0 { return .budgetExhausted }
        if let limit = sponsor.maxActivePartnerships, sponsor.activePartnerships >= limit { return .partnershipLimitReached }
        return nil
    }

    func governmentVeto(project: ProjectProfile, owner: PartnerProfile, body: PartnerProfile) -> Veto? {
        if body.kind != .governmentBody || owner.kind != .ngo { return .wrongKind }
        if !body.isActive || !owner.isActive { return .inactiveOrganization }
        if !project.isOpen { return .projectNotOpen }
        if !body.isNational {
            guard let jurisdiction = body.jurisdiction,
                  project.regions.contains(where: { KATO.covers(jurisdiction, $0) }) else { return .outsideJurisdiction }
        }
        return nil
    }

    // MARK: - Components

    /// What one side seeks against what the other offers: full credit for the same area, half for a
    /// different area that serves the same goal. Mostly the best single match, partly the coverage
    /// of everything sought, so adding an area the other side shares never lowers the score.
    func focusFit(seeking: [String], offered: [String]) -> ComponentScore {
        // A profile names a few areas: sorted arrays beat sets, whose string hashing was most of this.
        let sought = Self.distinctSorted(seeking)
        let offeredInOrder = Self.distinctSorted(offered)
        guard !sought.isEmpty, !offeredInOrder.isEmpty else {
            return ComponentScore(component: .focus, value: 0.5, reason: .noFocusOverlap)
        }
        var shared: [String] = []
        var related: (area: String, partnerArea: String, goal: Int)?
        var credits: [Double] = []
        for area in sought {
            if offeredInOrder.contains(area) {
                shared.append(area)
                credits.append(1)
                continue
            }
            let firstRelated = offeredInOrder.lazy.compactMap { other -> (String, Int)? in
                if case .sharedGoal(let goal) = taxonomy.relation(area, other) { return (other, goal) }
                return nil
            }.first
            if let (partnerArea, goal) = firstRelated {
                if related == nil { related = (area, partnerArea, goal) }
                credits.append(0.5)
            } else {
                credits.append(0)
            }
        }
        let best = credits.max() ?? 0
        let coverage = credits.reduce(0, +) / Double(credits.count)
        let value = 0.7 * best + 0.3 * coverage
        let reason: Reason = if !shared.isEmpty { .sharedFocus(shared) }
            else if let related { .relatedFocus(area: related.area, partnerArea: related.partnerArea, goal: related.goal) }
            else { .noFocusOverlap }
        return ComponentScore(component: .focus, value: value, reason: reason)
    }

    private static func distinctSorted(_ areas: [String]) -> [String] {
        var sorted = areas.sorted()
        var index = 1
        while index < sorted.count {
            if sorted[index] == sorted[index - 1] { sorted.remove(at: index) } else { index += 1 }
        }
        return sorted
    }

    /// Same district > same region > a nationwide partner > elsewhere.
    func geographicFit(project: ProjectProfile, partner: PartnerProfile) -> ComponentScore {
        var best = ComponentScore(component: .geography, value: 0.1, reason: .differentRegion)
        if partner.nationwide {
            best = ComponentScore(component: .geography, value: 0.6, reason: .nationwidePartner)
        }
        for place in project.regions.sorted() {
            for region in partner.regions.sorted() {
                if let district = KATO.district(place), KATO.district(region) == district {
                    return ComponentScore(component: .geography, value: 1, reason: .sameDistrict(district))
                }
                if KATO.topLevel(place) == KATO.topLevel(region), best.value < 0.8 {
                    best = ComponentScore(component: .geography, value: 0.8, reason: .sameRegion(KATO.topLevel(place)))
                }
            }
        }
        return best
    }

    /// A government body closer to the project knows it better: district > region or city > national.
    func jurisdictionFit(project: ProjectProfile, body: PartnerProfile) -> ComponentScore {
        guard !body.isNational, let jurisdiction = body.jurisdiction else {
            return ComponentScore(component: .geography, value: 0.6, reason: .nationalBody)
        }
        let value = KATO.level(jurisdiction) >= 2 ? 1.0 : 0.8
        return ComponentScore(component: .geography, value: value, reason: .jurisdictionCovers(jurisdiction))
    }

    /// The share of the project's unfunded need the sponsor's remaining budget covers.
    func budgetCoverage(sponsor: PartnerProfile, project: ProjectProfile) -> ComponentScore {
        let need = project.fundingGapKZT
        guard need > 0 else { return ComponentScore(component: .resources, value: 1, reason: .budgetCovers(percent: 100)) }
        guard let remaining = sponsor.remainingBudgetKZT else {
            return ComponentScore(component: .resources, value: 0.5, reason: .budgetUnknown)
        }
        let share = min(1, Double(remaining) / Double(need))
        return ComponentScore(component: .resources, value: share, reason: .budgetCovers(percent: Int((share * 100).rounded(.down))))
    }

    /// Whether the NGO is big enough for the project: its yearly budget against the need.
    func ngoCapacity(owner: PartnerProfile, project: ProjectProfile) -> ComponentScore {
        guard let budget = owner.annualBudgetKZT, budget > 0, project.fundingNeededKZT > 0 else {
            return ComponentScore(component: .resources, value: 0.5, reason: .capacityUnknown)
        }
        let ratio = Double(budget) / Double(project.fundingNeededKZT)
        // A project up to the NGO's yearly budget is within its means; beyond, confidence falls off.
        let value = ratio >= 1 ? 1 : max(0.2, ratio.squareRoot())
        let needShare = Double(project.fundingNeededKZT) / Double(budget)
        return ComponentScore(component: .resources, value: value, reason: .capacityFits(percent: Int(min(needShare, 99.99) * 100)))
    }

    /// How much a finished partnership counts against one answered proposal: finishing is the
    /// stronger evidence, but saying yes to proposals is what a match list leads to first.
    static let completionEvidence = 2

    /// Completions and accepted proposals pooled into one Laplace-smoothed rate: neutral 0.5 with no
    /// history. Pooling (not averaging two rates) keeps it monotone: one more completion or
    /// acceptance adds to the numerator at least what it adds to the denominator of a fraction
    /// that is at most 1, so it never lowers the value.
    func trackRecord(_ partner: PartnerProfile) -> ComponentScore {
        let completed = max(0, partner.completedPartnerships)
        let cancelled = max(0, partner.cancelledPartnerships)
        let received = max(0, partner.proposalsReceived)
        let accepted = min(max(0, partner.proposalsAccepted), received)
        guard completed + cancelled + received > 0 else {
            return ComponentScore(component: .trackRecord, value: 0.5, reason: .noTrackRecord)
        }
        let value = Self.trackRecordValue(partner)
        return ComponentScore(
            component: .trackRecord, value: value,
            reason: .trackRecord(completed: completed, cancelled: cancelled, accepted: accepted, received: received)
        )
    }

    /// The track-record component's value alone (the candidate index keeps it for every organization).
    static func trackRecordValue(_ partner: PartnerProfile) -> Double {
        let completed = max(0, partner.completedPartnerships)
        let cancelled = max(0, partner.cancelledPartnerships)
        let received = max(0, partner.proposalsReceived)
        let accepted = min(max(0, partner.proposalsAccepted), received)
        guard completed + cancelled + received > 0 else { return 0.5 }
        let weight = completionEvidence
        return Double(weight * completed + accepted + 1) / Double(weight * (completed + cancelled) + received + 2)
    }

    func textFit(_ relevance: Double) -> ComponentScore {
        ComponentScore(component: .text, value: min(1, max(0, relevance)), reason: .textSimilar)
    }

    /// For a government body: projects still lacking funding need it most.
    func fundingGap(_ project: ProjectProfile) -> ComponentScore {
        guard project.fundingNeededKZT > 0 else { return ComponentScore(component: .fundingGap, value: 0, reason: .fundingGap(percent: 0)) }
        let share = Double(project.fundingGapKZT) / Double(project.fundingNeededKZT)
        return ComponentScore(component: .fundingGap, value: share, reason: .fundingGap(percent: Int((share * 100).rounded())))
    }

    // MARK: - Combining

    private func direction(_ direction: Direction, _ weights: Weights, _ components: [ComponentScore]) -> DirectionScore {
        let totalWeight = components.reduce(0) { $0 + weights.weight(of: $1.component) }
        let value = components.reduce(0) { $0 + weights.weight(of: $1.component) * $1.value } / totalWeight
        return DirectionScore(direction: direction, value: value, components: components)
    }

    private func combine(_ key: PairKey, _ directions: [DirectionScore], impressions: Double) -> Match {
        let factor = fairness.factor(impressions: impressions)
        return Match(
            candidateID: key, score: harmonicMean(directions.map(\.value)) * factor,
            directions: directions, exposureFactor: factor, veto: nil
        )
    }
}

/// The harmonic mean: dominated by the smallest value, and 0 when any value is 0.
func harmonicMean(_ values: [Double]) -> Double {
    guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { return 0 }
    return Double(values.count) / values.reduce(0) { $0 + 1 / $1 }
}
