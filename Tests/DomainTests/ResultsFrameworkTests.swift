import Foundation
import Testing
@testable import Domain

@Suite struct ResultsFrameworkTests {
    @Test func anIndicatorIsMetInTheDirectionItMoves() {
        #expect(Indicator(name: "Enrolled", unit: "children", baseline: 0, target: 120).isMet(by: 120))
        #expect(!Indicator(name: "Enrolled", unit: "children", baseline: 0, target: 120).isMet(by: 119))
        #expect(Indicator(name: "Dropout", unit: "%", baseline: 18, target: 10).isMet(by: 9.5))
        #expect(!Indicator(name: "Dropout", unit: "%", baseline: 18, target: 10).isMet(by: 12))
        // Keeping a level means exactly that level.
        #expect(Indicator(name: "Incidents", unit: "cases", baseline: 0, target: 0).isMet(by: 0))
        #expect(!Indicator(name: "Incidents", unit: "cases", baseline: 0, target: 0).isMet(by: 5))
    }

    @Test func valuesReportedBeforeAnAcceptedChangeNoLongerCount() {
        let old = Date(timeIntervalSince1970: 1_000), changed = Date(timeIntervalSince1970: 2_000)
        var framework = ResultsFramework(indicators: [Indicator(name: "Trees", unit: "trees", baseline: 0, target: 500)])
        framework.changedAt = changed
        let before = PartnershipReport(
            id: UUID(), kind: .milestone, amountDisbursedKZT: 0, beneficiariesReached: 0, text: "", rating: nil, authorOrganizationID: nil,
            createdAt: old, values: [IndicatorValue(position: 1, actual: 900)]
        )
        #expect(IndicatorProgress.of(framework, reports: [before]).first?.latest == nil)
        framework.changedAt = nil
        #expect(IndicatorProgress.of(framework, reports: [before]).first?.latest == 900)
    }

    @Test func reportsFallDueOnePeriodAfterTheStartOrTheLastReportAndTurnOverdueAfterTheGrace() {
        let start = Date(timeIntervalSince1970: 0)
        let due = ReportingPolicy.dueAt(state: .active, activatedAt: start, lastReportAt: nil, periodDays: 30)
        #expect(due == start.addingTimeInterval(30 * 86_400))
        #expect(ReportingPolicy.dueAt(state: .approved, activatedAt: start, lastReportAt: nil, periodDays: 30) == nil)
        let policy = ReportingPolicy(graceDays: 14)
        #expect(!policy.isOverdue(dueAt: due, now: start.addingTimeInterval(44 * 86_400 - 1)))
        #expect(policy.isOverdue(dueAt: due, now: start.addingTimeInterval(44 * 86_400 + 1)))
    }
}
