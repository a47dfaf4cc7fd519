import Domain
import Foundation
import Testing

/// A call's terms, its eligibility rules, the rubric's total and a pledge's earmarks.
@Suite struct CallTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func terms(territory: String? = "550000000") -> CallTerms {
        CallTerms(
            title: LocalizedText(en: "Inclusive schools"), territory: territory, stateBudgetKZT: 100_000_000, minGrantKZT: 1_000_000,
            maxGrantKZT: 20_000_000, passMark: 60, opensAt: start, closesAt: start + 30 * 86_400, reviewsDueAt: start + 45 * 86_400,
            resultsAt: start + 60 * 86_400, questions: [CallQuestion(text: LocalizedText(ru: "Кому поможет проект?"))],
            criteria: [CallCriterion(name: LocalizedText(en: "Need"), weight: 3, scaleMax: 5), CallCriterion(name: LocalizedText(en: "Team"), weight: 1, scaleMax: 10)]
        )
    }

    @Test func soundTermsHaveNoIssues() {
        #expect(Self.terms().issues().isEmpty)
    }

    @Test func eachBrokenTermIsNamedOnItsField() {
        var terms = Self.terms()
        terms.title = LocalizedText(en: "  ")
        terms.maxGrantKZT = 10
        terms.passMark = 120
        terms.reviewersPerApplication = 1
        terms.closesAt = terms.opensAt
        terms.resultsAt = terms.reviewsDueAt - 1
        terms.criteria[1].weight = 0
        terms.criteria[0].scaleMax = 11
        terms.questions[0].maxLength = 50
        terms.eligibility.minYearsActive = 51
        #expect(Set(terms.issues().map(\.field)) == [
            "title", "max_grant_kzt", "pass_mark", "reviewers_per_application", "closes_at", "results_at",
            "criteria[1].weight", "criteria[0].scale_max", "questions[0].max_length", "eligibility.min_years_active",
        ])
        terms = Self.terms()
        terms.opensAt = Date(timeIntervalSince1970: 0)
        #expect(terms.issues().map(\.field) == ["opens_at"], "a date outside 2000–2100")
        terms = Self.terms()
        terms.criteria = []
        #expect(terms.issues().map(\.field) == ["criteria"], "a call needs a rubric")
    }

    @Test func theTotalIsTheWeightedMeanOfScoresOutOfTheirScales() {
        let terms = Self.terms()
        #expect(terms.total(of: [5, 10]) == 100)
        #expect(terms.total(of: [0, 0]) == 0)
        // (3 × 4/5 + 1 × 5/10) / 4 = 0.725
        #expect(abs(terms.total(of: [4, 5]) - 72.5) < 1e-9)
        #expect(terms.total(of: [4]) == 0, "a review that misses a criterion has no total")
    }

    static let eligible = CallEligibility.Applicant(
        verification: .verified, nationwide: false, regions: ["550000000"], foundedYear: 2015, overduePartnerships: 0, projectRegions: ["551600000"]
    )

    @Test func anEligibleApplicantFailsNoRule() {
        let rules = CallEligibility(minYearsActive: 3)
        #expect(rules.failures(of: Self.eligible, territory: "550000000", year: 2026).isEmpty)
        #expect(rules.failures(of: Self.eligible, territory: "551600000", year: 2026).isEmpty, "a district of the region it works in")
        #expect(rules.failures(of: Self.eligible, territory: nil, year: 2026).isEmpty, "a nationwide call")
    }

    @Test func everyRuleIsNamedWhenFailed() {
        let rules = CallEligibility(minYearsActive: 3)
        func failed(_ change: (inout CallEligibility.Applicant) -> Void, territory: String = "550000000") -> [CallEligibility.Rule] {
            var applicant = Self.eligible
            change(&applicant)
            return rules.failures(of: applicant, territory: territory, year: 2026).map(\.rule)
        }
        #expect(failed { $0.verification = .unverified } == [.verified])
        #expect(failed { $0.regions = ["750000000"] } == [.territory], "works elsewhere")
        #expect(failed { $0.projectRegions = ["750000000"] } == [.territory], "the project takes place elsewhere")
        #expect(failed { $0.projectRegions = [] } == [.territory], "a project that names no place")
        #expect(failed({ _ in }, territory: "751000000") == [.territory], "another region's district")
        #expect(failed { $0.foundedYear = 2024 } == [.yearsActive])
        #expect(failed { $0.foundedYear = nil } == [.yearsActive], "no founding year to judge by")
        #expect(failed { $0.overduePartnerships = 1 } == [.overdueReports])
        #expect(failed {
            $0.verification = .suspended
            $0.regions = []
            $0.foundedYear = 2025
            $0.overduePartnerships = 2
        } == [.verified, .territory, .yearsActive, .overdueReports], "every failure at once, in order")
        #expect(failed { $0.regions = []; $0.nationwide = true } == [], "a nationwide NGO works everywhere")
    }

    @Test func rulesSwitchedOffAreNotApplied() {
        let none = CallEligibility(verifiedOnly: false, territoryOnly: false, minYearsActive: 0, noOverdueReports: false)
        let anyone = CallEligibility.Applicant(
            verification: .unverified, nationwide: false, regions: [], foundedYear: nil, overduePartnerships: 3, projectRegions: []
        )
        #expect(none.failures(of: anyone, territory: "550000000", year: 2026).isEmpty)
    }

    @Test func aCallsPhaseFollowsItsDates() {
        let call = Call(id: UUID(), governmentBodyID: UUID(), terms: Self.terms(), state: .published, version: 1, createdAt: Self.start, publishedAt: Self.start)
        #expect(call.phase(at: Self.start - 1) == .upcoming)
        #expect(call.phase(at: Self.start) == .open)
        #expect(call.phase(at: Self.start + 30 * 86_400) == .reviewing)
        #expect(call.phase(at: Self.start + 60 * 86_400) == .deciding)
    }

    @Test func anEarmarkedPledgeAdmitsOnlyWhatItNames() {
        let pledge = CallPledge(
            id: UUID(), callID: UUID(), businessID: UUID(), amountKZT: 1, earmarkFocusAreas: ["inclusion"], earmarkPlaces: ["551600000"],
            createdAt: Self.start, withdrawnAt: nil
        )
        #expect(pledge.admits(focusAreas: ["inclusion", "education"], regions: ["551600000"]))
        #expect(!pledge.admits(focusAreas: ["education"], regions: ["551600000"]))
        #expect(!pledge.admits(focusAreas: ["inclusion"], regions: ["552200000"]), "another district")
    }

    @Test func aPublicAggregateCannotBeReadBackToOneReviewerOrOneUnfundedApplication() {
        func scores(_ position: Int, reviews: Int, funded: Int, applications: Int, unfunded: Int) -> CallResults.CriterionScores {
            CallResults.CriterionScores(
                position: position, reviews: reviews, mean: 3, standardDeviation: 1, lowest: 1, highest: 5,
                fundedMean: funded > 0 ? 4 : nil, fundedReviews: funded, applications: applications, unfundedApplications: unfunded
            )
        }
        let stored = CallResults(
            received: 6, eligible: 6, funded: 2, cutOff: 80, winners: [],
            criteria: [
                scores(0, reviews: 4, funded: 2, applications: 2, unfunded: 1),  // too few reviews
                scores(1, reviews: 5, funded: 4, applications: 3, unfunded: 1),  // the funded mean over four
                scores(2, reviews: 6, funded: 5, applications: 3, unfunded: 1),  // the mean minus the funded mean gives one review
                scores(3, reviews: 10, funded: 5, applications: 4, unfunded: 1), // ... or one unfunded application's mean
                scores(4, reviews: 10, funded: 5, applications: 5, unfunded: 3), // five reviews each side, several applications
                scores(5, reviews: 5, funded: 0, applications: 1, unfunded: 1),  // one unfunded application alone
            ]
        )
        let shown = stored.publishable
        #expect(shown.criteria.map(\.position) == [1, 2, 3, 4])
        #expect(shown.criteria.map(\.fundedMean) == [nil, nil, nil, 4])
        #expect(shown.withheld)
        let enough = CallResults(received: 3, eligible: 3, funded: 1, cutOff: 80, winners: [], criteria: [scores(0, reviews: 6, funded: 6, applications: 2, unfunded: 0)])
        #expect(enough.publishable == enough, "every review of a funded application: nothing to withhold")
        #expect(!enough.publishable.withheld)
    }
}
