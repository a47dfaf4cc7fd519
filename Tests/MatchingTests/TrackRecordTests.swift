import Domain
import Foundation
import Testing
@testable import Matching

/// The track record pools completed partnerships and accepted proposals into one smoothed rate.
@Suite struct TrackRecordTests {
    let scorer = MatchScorer(taxonomy: Sample.taxonomy, fairness: .off)

    func partner(completed: Int = 0, cancelled: Int = 0, accepted: Int = 0, received: Int = 0) -> PartnerProfile {
        var partner = PartnerProfile(id: UUID(), kind: .business)
        partner.completedPartnerships = completed
        partner.cancelledPartnerships = cancelled
        partner.proposalsAccepted = accepted
        partner.proposalsReceived = received
        return partner
    }

    @Test func noHistoryIsNeutral() {
        let record = scorer.trackRecord(partner())
        #expect(record.value == 0.5)
        #expect(record.reason == .noTrackRecord)
    }

    @Test func oneMoreCompletionOrAcceptanceNeverLowersIt() {
        var generator = SplitMix(state: 11)
        for _ in 0..<5_000 {
            let received = Int.random(in: 0...30, using: &generator)
            let base = partner(
                completed: Int.random(in: 0...20, using: &generator), cancelled: Int.random(in: 0...20, using: &generator),
                accepted: Int.random(in: 0...received, using: &generator), received: received
            )
            let before = scorer.trackRecord(base).value
            var completed = base
            completed.completedPartnerships += 1
            // A proposal accepted: answered and accepted at once, or accepted after it was counted as answered.
            var acceptedNew = base
            acceptedNew.proposalsReceived += 1
            acceptedNew.proposalsAccepted += 1
            var acceptedCounted = base
            acceptedCounted.proposalsAccepted = min(base.proposalsAccepted + 1, base.proposalsReceived)
            for (what, after) in [("completion", completed), ("new acceptance", acceptedNew), ("acceptance", acceptedCounted)] {
                let value = scorer.trackRecord(after).value
                #expect(value >= before - 1e-12, "one more \(what) lowered \(before) to \(value) for \(base)")
            }
            // And the other way: a cancellation or a proposal left unaccepted never raises it.
            var cancelled = base
            cancelled.cancelledPartnerships += 1
            var declined = base
            declined.proposalsReceived += 1
            #expect(scorer.trackRecord(cancelled).value <= before + 1e-12)
            #expect(scorer.trackRecord(declined).value <= before + 1e-12)
            #expect((0...1).contains(before))
        }
    }

    @Test func acceptanceMovesAnOrganizationWithNoFinishedPartnerships() {
        let responsive = scorer.trackRecord(partner(accepted: 4, received: 4)).value
        let unresponsive = scorer.trackRecord(partner(accepted: 0, received: 4)).value
        #expect(responsive > 0.5 && unresponsive < 0.5)
        // One completion weighs more than one accepted proposal.
        #expect(scorer.trackRecord(partner(completed: 1)).value > scorer.trackRecord(partner(accepted: 1, received: 1)).value)
        // Smoothed: one good outcome is not a perfect record.
        #expect(scorer.trackRecord(partner(completed: 1)).value < 0.8)
    }

    @Test func theReasonSaysBothHalvesInEveryLanguage() {
        let words = Vocabulary(regionNames: [:], focusAreaNames: [:])
        let both = scorer.trackRecord(partner(completed: 2, cancelled: 1, accepted: 3, received: 4)).reason
        #expect(both == .trackRecord(completed: 2, cancelled: 1, accepted: 3, received: 4))
        #expect(both.text(.en, words) == "2 partnerships completed, 1 cancelled; accepted 3 of 4 proposals from others")
        #expect(both.text(.ru, words) == "Завершено партнёрств: 2, отменено: 1; принято предложений других сторон: 3 из 4")
        #expect(both.text(.kk, words).contains("4 ішінен 3"))
        let answersOnly = scorer.trackRecord(partner(accepted: 1, received: 2)).reason
        #expect(answersOnly.text(.en, words) == "Accepted 1 of 2 proposals from others")
        #expect(answersOnly.text(.ru, words).hasPrefix("Принято"))
        #expect(scorer.trackRecord(partner(completed: 1)).reason.text(.en, words) == "1 partnerships completed, 0 cancelled")
    }
}
