import Foundation
import Testing
import Domain
@testable import Matching

@Suite struct MatchScorerTests {
    let scorer = MatchScorer(taxonomy: Sample.taxonomy, fairness: .off)

    @Test func addingASharedFocusAreaNeverLowersAScore() {
        var generator = SplitMix(state: 1)
        for _ in 0..<2_000 {
            let owner = Sample.ngo(&generator)
            let project = Sample.project(&generator, owner: owner.id)
            var sponsor = Sample.business(&generator)
            let before = scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.3, listing: .partner)
            // Give the sponsor one of the project's areas it did not have yet.
            guard let area = project.focusAreas.first(where: { !sponsor.focusAreas.contains($0) }) else { continue }
            sponsor.focusAreas.append(area)
            let after = scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.3, listing: .partner)
            #expect(after.score >= before.score - 1e-12, "adding \(area) lowered \(before.score) to \(after.score)")
            // The same on the project's side: an area the sponsor already works on.
            var widened = project
            if let shared = sponsor.focusAreas.first(where: { !project.focusAreas.contains($0) }) {
                widened.focusAreas.append(shared)
                let widenedScore = scorer.sponsorship(project: widened, owner: owner, sponsor: sponsor, text: 0.3, listing: .partner)
                #expect(widenedScore.score >= after.score - 1e-12)
            }
        }
    }

    @Test func aSharedAreaOrAMoveIntoTheProjectsDistrictNeverLowersARank() {
        var generator = SplitMix(state: 7)
        for _ in 0..<300 {
            let owner = Sample.ngo(&generator)
            var project = Sample.project(&generator, owner: owner.id)
            project.regions = ["195230000"]
            let sponsors = (0..<15).map { _ in Sample.business(&generator) }
            func rank(of id: UUID, among list: [PartnerProfile]) -> Int? {
                let ranked = Ranker.rank(list.map { sponsor in
                    Ranker.Candidate(
                        match: scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.2, listing: .partner),
                        focusAreas: Set(sponsor.focusAreas), item: sponsor.id
                    )
                }, limit: list.count, diversity: .off)
                return ranked.firstIndex { $0.item == id }
            }
            expectNoRankLostByMovingInOrSharingAnArea(sponsors, project: project, district: "195230000", rank: rank)
        }
    }

    @Test func harmonicCombinationPunishesOneSidedPairs() {
        // The arithmetic mean of 0.9 and 0.1 is 0.5; the harmonic mean is far lower.
        #expect(abs(harmonicMean([0.9, 0.1]) - 0.18) < 1e-9)
        #expect(harmonicMean([0.5, 0.5]) > harmonicMean([0.9, 0.1]))
        #expect(harmonicMean([0.9, 0]) == 0)

        var generator = SplitMix(state: 2)
        let owner = Sample.ngo(&generator)
        var project = Sample.project(&generator, owner: owner.id)
        project.focusAreas = ["education"]
        project.fundingNeededKZT = 100_000_000
        // Wants the project badly but can barely fund it: one side loves it, the other gains little.
        var eager = Sample.business(&generator)
        eager.focusAreas = ["education"]
        eager.regions = project.regions
        eager.nationwide = false
        eager.annualCSRBudgetKZT = 2_000_000
        eager.pledgedKZT = 0
        let match = scorer.sponsorship(project: project, owner: owner, sponsor: eager, text: 0, listing: .partner)
        let values = match.directions.map(\.value)
        let arithmetic = values.reduce(0, +) / Double(values.count)
        #expect(match.score < arithmetic)
        #expect(match.score <= (values.min() ?? 0) * 2)
    }

    @Test func vetoedPairsNeverAppear() {
        var generator = SplitMix(state: 3)
        let owner = Sample.ngo(&generator)
        let project = Sample.project(&generator, owner: owner.id)
        var candidates: [Ranker.Candidate<String>] = []
        var vetoedIDs: Set<PairKey> = []
        for index in 0..<200 {
            var sponsor = Sample.business(&generator)
            switch index % 4 {
            case 0: sponsor.isActive = false
            case 1: sponsor.pledgedKZT = sponsor.annualCSRBudgetKZT ?? 0
            case 2: sponsor.activePartnerships = sponsor.maxActivePartnerships ?? 0
            default: break
            }
            let match = scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.2, listing: .partner)
            if match.isVetoed { vetoedIDs.insert(match.candidateID) }
            candidates.append(.init(match: match, focusAreas: Set(sponsor.focusAreas), item: ""))
        }
        #expect(vetoedIDs.count == 150)
        for diversity in [Diversity.off, Diversity()] {
            let ranked = Ranker.rank(candidates, limit: 100, diversity: diversity)
            #expect(ranked.count == 50)
            #expect(ranked.allSatisfy { !vetoedIDs.contains($0.match.candidateID) })
        }
    }

    @Test func closedProjectsAndForeignJurisdictionsAreVetoed() {
        var generator = SplitMix(state: 4)
        let owner = Sample.ngo(&generator)
        var project = Sample.project(&generator, owner: owner.id)
        project.regions = ["195230000"]
        let district = Sample.akimat(&generator, jurisdiction: "195200000")
        let region = Sample.akimat(&generator, jurisdiction: "190000000")
        let elsewhere = Sample.akimat(&generator, jurisdiction: "750000000")
        #expect(scorer.governmentPartnership(project: project, owner: owner, body: district, text: 0, listing: .partner).veto == nil)
        #expect(scorer.governmentPartnership(project: project, owner: owner, body: region, text: 0, listing: .partner).veto == nil)
        #expect(scorer.governmentPartnership(project: project, owner: owner, body: elsewhere, text: 0, listing: .partner).veto == .outsideJurisdiction)
        project.isOpen = false
        #expect(scorer.governmentPartnership(project: project, owner: owner, body: district, text: 0, listing: .partner).veto == .projectNotOpen)
        #expect(scorer.sponsorship(project: project, owner: owner, sponsor: Sample.business(&generator), text: 0, listing: .partner).veto == .projectNotOpen)
    }

    @Test func geographyPrefersDistrictThenRegionThenNationwide() {
        var generator = SplitMix(state: 5)
        var project = Sample.project(&generator, owner: UUID())
        project.regions = ["195230000"]
        func fit(_ regions: [String], nationwide: Bool = false) -> Double {
            var partner = PartnerProfile(id: UUID(), kind: .business)
            partner.regions = regions
            partner.nationwide = nationwide
            return scorer.geographicFit(project: project, partner: partner).value
        }
        #expect(fit(["195200000"]) > fit(["190000000"]))
        #expect(fit(["190000000"]) > fit([], nationwide: true))
        #expect(fit([], nationwide: true) > fit(["750000000"]))
    }

    @Test func resultsAreDeterministic() {
        func ranking() -> [PairKey] {
            var generator = SplitMix(state: 6)
            let owner = Sample.ngo(&generator)
            let project = Sample.project(&generator, owner: owner.id)
            let candidates = (0..<300).map { _ in
                let sponsor = Sample.business(&generator)
                return Ranker.Candidate(
                    match: scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.1, listing: .partner),
                    focusAreas: Set(sponsor.focusAreas), item: ""
                )
            }
            // Shuffled input must not change the output.
            var shuffler = SplitMix(state: UInt64.random(in: 0...UInt64.max))
            return Ranker.rank(candidates.shuffled(using: &shuffler), limit: 20, diversity: Diversity()).map(\.match.candidateID)
        }
        let first = ranking()
        #expect(first.count == 20)
        for _ in 0..<5 { #expect(ranking() == first) }
    }

    @Test func tiesBreakById() {
        let direction = DirectionScore(direction: .sponsorToProject, value: 0.5, components: [])
        let candidates = ["c", "a", "b"].map { id in
            Ranker.Candidate(
                match: Match(candidateID: PairKey(id), score: 0.5, directions: [direction], exposureFactor: 1, veto: nil),
                focusAreas: [], item: id
            )
        }
        #expect(Ranker.rank(candidates, limit: 3, diversity: .off).map(\.item) == ["a", "b", "c"])
    }

    @Test func reasonsMatchTheComponentsThatProducedThem() {
        var generator = SplitMix(state: 7)
        for _ in 0..<300 {
            let owner = Sample.ngo(&generator)
            let project = Sample.project(&generator, owner: owner.id)
            let sponsor = Sample.business(&generator)
            let match = scorer.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0.4, listing: .partner)
            for component in match.directions.flatMap(\.components) {
                switch (component.component, component.reason) {
                case (.focus, .sharedFocus(let areas)):
                    #expect(component.value >= 0.7)
                    #expect(!areas.isEmpty)
                case (.focus, .relatedFocus):
                    #expect(component.value >= 0.35 && component.value < 1)
                case (.focus, .noFocusOverlap):
                    #expect(component.value <= 0.5)
                case (.geography, .sameDistrict): #expect(component.value == 1)
                case (.geography, .sameRegion(let code)):
                    #expect(component.value == 0.8)
                    #expect(project.regions.contains { KATO.topLevel($0) == code })
                case (.geography, .nationwidePartner): #expect(component.value == 0.6 && sponsor.nationwide)
                case (.geography, .differentRegion): #expect(component.value == 0.1)
                case (.resources, .budgetCovers(let percent)): #expect(Int((component.value * 100).rounded(.down)) == percent)
                case (.resources, .capacityFits): #expect(component.value >= 0.2)
                case (.resources, .budgetUnknown), (.resources, .capacityUnknown): #expect(component.value == 0.5)
                case (.trackRecord, .trackRecord(let completed, let cancelled, _, let received)): #expect(completed + cancelled + received > 0)
                case (.trackRecord, .noTrackRecord): #expect(component.value == 0.5)
                case (.text, .textSimilar): #expect(component.value == 0.4)
                default: Issue.record("reason \(component.reason) does not belong to \(component.component)")
                }
            }
        }
    }

    @Test func topReasonsStateASharedFactOnceAndEachSidesOwnFacts() {
        // The two directions word the shared focus differently; the track records are two parties'.
        let entries = [
            TopReasons.Entry(weight: 0.35, value: 1, text: "Shares focus: education, health", subject: "focus"),
            TopReasons.Entry(weight: 0.30, value: 0.9, text: "Shares focus: health", subject: "focus"),
            TopReasons.Entry(weight: 0.10, value: 0.8, text: "3 partnerships completed"),
            TopReasons.Entry(weight: 0.10, value: 0.7, text: "1 partnership completed"),
            TopReasons.Entry(weight: 0.10, value: 0.7, text: "1 partnership completed"),
        ]
        #expect(TopReasons.pick(entries) == ["Shares focus: education, health", "3 partnerships completed", "1 partnership completed"])
        var generator = SplitMix(state: 11)
        let words = Vocabulary(regionNames: [:], focusAreaNames: [:])
        for _ in 0..<200 {
            let owner = Sample.ngo(&generator)
            let match = scorer.sponsorship(
                project: Sample.project(&generator, owner: owner.id), owner: owner, sponsor: Sample.business(&generator), text: 0.4, listing: .partner
            )
            let focusSentences = Set(match.directions.flatMap(\.components).filter { $0.component == .focus }.map { $0.reason.text(.en, words) })
            #expect(match.topReasons(.en, words).filter(focusSentences.contains).count <= 1)
        }
    }

    @Test func exposureDiscountsOftenShownCandidatesALittle() {
        let fair = MatchScorer(taxonomy: Sample.taxonomy)
        var generator = SplitMix(state: 8)
        let owner = Sample.ngo(&generator)
        let project = Sample.project(&generator, owner: owner.id)
        var sponsor = Sample.business(&generator)
        let fresh = fair.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0, listing: .partner)
        sponsor.recentImpressions = 10_000
        let famous = fair.sponsorship(project: project, owner: owner, sponsor: sponsor, text: 0, listing: .partner)
        #expect(famous.score < fresh.score)
        #expect(famous.score >= fresh.score * 0.85 - 1e-12)
        #expect(ExposureFairness.off.factor(impressions: 10_000) == 1)
    }

    @Test func diversificationBringsOtherFocusAreasUp() {
        func candidate(_ id: String, _ score: Double, _ areas: Set<String>) -> Ranker.Candidate<String> {
            let direction = DirectionScore(direction: .sponsorToProject, value: score, components: [])
            return .init(match: Match(candidateID: PairKey(id), score: score, directions: [direction], exposureFactor: 1, veto: nil), focusAreas: areas, item: id)
        }
        let candidates = [
            candidate("a", 0.90, ["education"]), candidate("b", 0.89, ["education"]), candidate("c", 0.88, ["education"]),
            candidate("d", 0.80, ["health"]),
        ]
        #expect(Ranker.rank(candidates, limit: 3, diversity: .off).map(\.item) == ["a", "b", "c"])
        #expect(Ranker.rank(candidates, limit: 3, diversity: Diversity(lambda: 0.7)).map(\.item) == ["a", "d", "b"])
    }

    @Test func reasonsRenderInEveryLanguage() {
        let words = Vocabulary(regionNames: ["190000000": "Almaty Region"], focusAreaNames: ["education": "Education"])
        for language in Language.allCases {
            let text = Reason.sameRegion("190000000").text(language, words)
            #expect(text.contains("Almaty Region"))
        }
        #expect(Reason.budgetCovers(percent: 80).text(.en, words) == "Remaining budget covers 80% of the need")
    }

    @Test func katoHierarchy() {
        #expect(KATO.level("190000000") == 1)
        #expect(KATO.level("195200000") == 2)
        #expect(KATO.level("195230000") == 3)
        #expect(KATO.level("195230123") == 4)
        #expect(KATO.covers("190000000", "195230123"))
        #expect(KATO.covers("195200000", "195230123"))
        #expect(!KATO.covers("195200000", "191000000"))
        #expect(KATO.district("195230123") == "195200000")
    }
}
