import Domain
import Foundation
import Testing
@testable import Matching

@Suite struct SponsorFitTests {
    let scorer = MatchScorer(taxonomy: Sample.taxonomy, fairness: .off)

    /// The bound a sponsor scan checks first must never turn away a sponsor whose exact score
    /// reaches the threshold: tried at the exact score itself, over random projects and sponsors,
    /// with areas named on neither, one or both sides, NGOs seeking nothing, budgets declared or
    /// not, and a vocabulary past its last bit, where areas share one.
    @Test func theBoundNeverTurnsAwayAScoreThatReachesTheThreshold() {
        var generator = SplitMix(state: 31)
        var distinct = IndexVocabulary()
        _ = distinct.focusBits(Sample.areas)
        var crowded = IndexVocabulary()
        _ = crowded.focusBits((0..<120).map { "filler-\($0)" } + Sample.areas)
        #expect(distinct.givesEveryValueABit && !crowded.givesEveryValueABit)
        var turnedAway = 0
        var checked = 0
        for round in 0..<600 {
            let vocabulary = round % 3 == 2 ? crowded : distinct
            var owner = Sample.ngo(&generator)
            if round % 4 == 0 { owner.seeking = [] }
            var project = Sample.project(&generator, owner: owner.id)
            if round % 9 == 0 { project.focusAreas = [] }
            if round % 11 == 0 { project.pledgedKZT = project.fundingNeededKZT }
            let fit = SponsorFit(project: project, owner: owner, signature: .empty, scorer: scorer, vocabulary: vocabulary)
            for _ in 0..<30 {
                let areas = Int.random(in: 0..<8, using: &generator) == 0 ? [] : Sample.someAreas(&generator)
                let bits = vocabulary.knownFocusBits(areas)
                let geography: Double = [0.1, 0.6, 0.8, 1.0].randomElement(using: &generator) ?? 1
                let remaining: Int64 = Bool.random(using: &generator) ? -1 : Int64.random(in: 0...100_000_000, using: &generator)
                let track = Double.random(in: 0...1, using: &generator)
                let text = Double.random(in: 0...0.9, using: &generator)
                let score = fit.score(
                    sponsorFocus: fit.sponsorFocus(bits), projectFocus: fit.projectFocus(bits), geography: geography,
                    budget: fit.budget(remaining: remaining), sponsorTrack: track, text: text
                )
                checked += 1
                #expect(fit.mightReach(score, sponsorAreas: bits, geography: geography, remaining: remaining, track: track, text: text))
                // And it is a bound worth checking: it turns away some of those clearly below.
                if !fit.mightReach(score + 0.05, sponsorAreas: bits, geography: geography, remaining: remaining, track: track, text: text) {
                    turnedAway += 1
                }
            }
        }
        #expect(turnedAway > checked / 4, "turned away \(turnedAway) of \(checked)")
    }

    /// The fits the index hands on with its sponsors, times the exposure discount, are the scorer's
    /// scores bit for bit, with text relevance and impressions: what lets a list score in full only
    /// the ranker's pool.
    @Test func theIndexsFitsAreTheScorersScores() {
        var generator = SplitMix(state: 32)
        let words = ["образование", "инклюзия", "спорт", "экология", "детей", "музыка", "фермеры", "здоровье"]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " ")
        }
        let discounting = MatchScorer(taxonomy: Sample.taxonomy)
        #expect(discounting.fairness.maxDiscount > 0)
        for _ in 0..<60 {
            let owner = Sample.ngo(&generator)
            let project = Sample.project(&generator, owner: owner.id)
            let signature = TextSignature(texts: [text(3)])
            var index = CandidateIndex()
            index.upsert(IndexedOrganization(profile: owner))
            let sponsors = (0..<Int.random(in: 10...60, using: &generator)).map { _ in
                IndexedOrganization(profile: Sample.business(&generator), words: TextWords(titles: [text(1)], bodies: [text(4)]))
            }
            for sponsor in sponsors { index.upsert(sponsor) }
            #expect(index.fitsAreExact)
            let byID = Dictionary(uniqueKeysWithValues: sponsors.map { ($0.id, $0) })
            for scored in index.scoredSponsors(for: project, owner: owner, signature: signature, scorer: discounting, reach: .anywhere, limit: 15) {
                let sponsor = byID[scored.organization.id]!
                var profile = sponsor.profile
                profile.recentImpressions = Double(Int.random(in: 0...400, using: &generator))
                let match = discounting.sponsorship(
                    project: project, owner: owner, sponsor: profile, text: sponsor.words.relevance(to: signature), listing: .partner
                )
                #expect(scored.fit * discounting.fairness.factor(impressions: profile.recentImpressions) == match.score)
            }
        }
    }
}
