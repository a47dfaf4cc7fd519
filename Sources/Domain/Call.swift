import Foundation

/// A question every application to a call answers.
public struct CallQuestion: Sendable, Equatable {
    public var text: LocalizedText
    /// The longest answer taken, in characters.
    public var maxLength: Int

    public static let maxLengthRange = 100...20_000

    public init(text: LocalizedText, maxLength: Int = 4_000) {
        self.text = text
        self.maxLength = maxLength
    }
}

/// One criterion of a call's rubric: reviewers score it from 0 to `scaleMax`, guided by `guidance`.
public struct CallCriterion: Sendable, Equatable {
    public var name: LocalizedText
    public var guidance: LocalizedText
    public var weight: Int
    public var scaleMax: Int

    public static let weights = 1...100
    public static let scales = 1...10

    public init(name: LocalizedText, guidance: LocalizedText = LocalizedText(), weight: Int, scaleMax: Int) {
        self.name = name
        self.guidance = guidance
        self.weight = weight
        self.scaleMax = scaleMax
    }
}

/// Who may apply to a call, beyond being an active NGO.
public struct CallEligibility: Sendable, Equatable {
    /// The NGO's registration has been verified.
    public var verifiedOnly: Bool
    /// The NGO works in the call's territory (or nationwide) and the project takes place there.
    public var territoryOnly: Bool
    /// Founded at least this many years before the application is submitted.
    public var minYearsActive: Int
    /// None of the NGO's partnerships has a report overdue.
    public var noOverdueReports: Bool

    public static let years = 0...50

    public init(verifiedOnly: Bool = true, territoryOnly: Bool = true, minYearsActive: Int = 0, noOverdueReports: Bool = true) {
        self.verifiedOnly = verifiedOnly
        self.territoryOnly = territoryOnly
        self.minYearsActive = minYearsActive
        self.noOverdueReports = noOverdueReports
    }

    /// What the rules are judged on: the applicant NGO and the project it applies with.
    public struct Applicant: Sendable, Equatable {
        public var verification: Verification
        public var nationwide: Bool
        public var regions: [String]
        public var foundedYear: Int?
        /// Its partnerships with a report overdue now.
        public var overduePartnerships: Int
        public var projectRegions: [String]

        public init(verification: Verification, nationwide: Bool, regions: [String], foundedYear: Int?, overduePartnerships: Int, projectRegions: [String]) {
            self.verification = verification
            self.nationwide = nationwide
            self.regions = regions
            self.foundedYear = foundedYear
            self.overduePartnerships = overduePartnerships
            self.projectRegions = projectRegions
        }
    }

    public enum Rule: String, Sendable, CaseIterable {
        case verified
        case territory
        case yearsActive = "years_active"
        case overdueReports = "overdue_reports"
    }

    public struct Failure: Sendable, Equatable {
        public let rule: Rule
        public let message: String
    }

    /// Every rule the applicant fails, each with why, in the order of `Rule`; empty when eligible.
    /// `territory` is the call's (nil: the whole country); `year` the calendar year of submission.
    public func failures(of applicant: Applicant, territory: String?, year: Int) -> [Failure] {
        var failures: [Failure] = []
        if verifiedOnly && applicant.verification != .verified {
            failures.append(Failure(rule: .verified, message: "Only NGOs whose registration ASAR has verified may apply; this one's is \(applicant.verification.rawValue)."))
        }
        if territoryOnly, let territory {
            let works = applicant.nationwide || applicant.regions.contains { KATO.covers($0, territory) || KATO.covers(territory, $0) }
            let takesPlace = !applicant.projectRegions.isEmpty && applicant.projectRegions.allSatisfy { KATO.covers(territory, $0) || KATO.covers($0, territory) }
            if !works {
                failures.append(Failure(rule: .territory, message: "The NGO does not work in the call's territory."))
            } else if !takesPlace {
                failures.append(Failure(rule: .territory, message: "The project does not take place in the call's territory."))
            }
        }
        if minYearsActive > 0 {
            if let founded = applicant.foundedYear {
                if year - founded < minYearsActive {
                    failures.append(Failure(rule: .yearsActive, message: "The call asks for NGOs founded at least \(minYearsActive) years ago; this one was founded in \(founded)."))
                }
            } else {
                failures.append(Failure(rule: .yearsActive, message: "The call asks for NGOs founded at least \(minYearsActive) years ago; this one's profile gives no founding year."))
            }
        }
        if noOverdueReports && applicant.overduePartnerships > 0 {
            failures.append(Failure(rule: .overdueReports, message: "The NGO has a report overdue in \(applicant.overduePartnerships) partnership(s); file it first."))
        }
        return failures
    }
}

/// What a government body sets when it creates or edits a call.
public struct CallTerms: Sendable, Equatable {
    public var title: LocalizedText
    public var description: LocalizedText
    public var focusAreas: [String]
    /// A region, city or district (KATO); nil for the whole country.
    public var territory: String?
    public var stateBudgetKZT: Int64
    public var minGrantKZT: Int64
    public var maxGrantKZT: Int64
    /// Whether an application may be funded for less than it asked.
    public var partialFunding: Bool
    public var eligibility: CallEligibility
    /// The score (0–100) an application needs to be funded at all.
    public var passMark: Double
    public var reviewersPerApplication: Int
    /// Reviewers' totals further apart than this send the application to a moderator.
    public var moderationSpread: Double
    public var opensAt: Date
    public var closesAt: Date
    public var reviewsDueAt: Date
    public var resultsAt: Date
    public var questions: [CallQuestion]
    public var criteria: [CallCriterion]

    public static let maxQuestions = 30
    public static let maxCriteria = 20
    public static let reviewerCounts = 2...7
    /// 2000-01-01 up to 2101-01-01, UTC.
    public static let dates = Date(timeIntervalSince1970: 946_684_800)..<Date(timeIntervalSince1970: 4_133_980_800)

    public init(
        title: LocalizedText, description: LocalizedText = LocalizedText(), focusAreas: [String] = [], territory: String?,
        stateBudgetKZT: Int64, minGrantKZT: Int64, maxGrantKZT: Int64, partialFunding: Bool = false,
        eligibility: CallEligibility = CallEligibility(), passMark: Double, reviewersPerApplication: Int = 2, moderationSpread: Double = 25,
        opensAt: Date, closesAt: Date, reviewsDueAt: Date, resultsAt: Date, questions: [CallQuestion] = [], criteria: [CallCriterion]
    ) {
        self.title = title
        self.description = description
        self.focusAreas = focusAreas
        self.territory = territory
        self.stateBudgetKZT = stateBudgetKZT
        self.minGrantKZT = minGrantKZT
        self.maxGrantKZT = maxGrantKZT
        self.partialFunding = partialFunding
        self.eligibility = eligibility
        self.passMark = passMark
        self.reviewersPerApplication = reviewersPerApplication
        self.moderationSpread = moderationSpread
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.reviewsDueAt = reviewsDueAt
        self.resultsAt = resultsAt
        self.questions = questions
        self.criteria = criteria
    }

    /// What is wrong with the terms, field by field (`criteria[1].weight`); reference codes (focus
    /// areas, the territory) are checked against the reference data elsewhere.
    public func issues() -> [FieldIssue] {
        var issues: [FieldIssue] = []
        func add(_ field: String, _ code: String, _ message: String) { issues.append(FieldIssue(field: field, code: code, message: message)) }
        Self.checkText(title, field: "title", required: true, maxLength: 300, into: &issues)
        Self.checkText(description, field: "description", required: false, maxLength: 20_000, into: &issues)
        if stateBudgetKZT < 0 { add("state_budget_kzt", "out_of_range", "The state budget cannot be negative.") }
        if minGrantKZT <= 0 { add("min_grant_kzt", "out_of_range", "The smallest grant must be at least 1 KZT.") }
        if maxGrantKZT < minGrantKZT { add("max_grant_kzt", "below_minimum", "The largest grant cannot be smaller than the smallest.") }
        if !(0...100).contains(passMark) || !passMark.isFinite { add("pass_mark", "out_of_range", "The pass mark is a score from 0 to 100.") }
        if !Self.reviewerCounts.contains(reviewersPerApplication) {
            add("reviewers_per_application", "out_of_range", "Each application needs \(Self.reviewerCounts.lowerBound) to \(Self.reviewerCounts.upperBound) reviewers.")
        }
        if !(moderationSpread > 0 && moderationSpread <= 100) {
            add("moderation_spread", "out_of_range", "The spread that calls a moderator is more than 0 and at most 100 points.")
        }
        if !CallEligibility.years.contains(eligibility.minYearsActive) {
            add("eligibility.min_years_active", "out_of_range", "Ask for 0 to \(CallEligibility.years.upperBound) years.")
        }
        for (date, field) in [(opensAt, "opens_at"), (closesAt, "closes_at"), (reviewsDueAt, "reviews_due_at"), (resultsAt, "results_at")]
        where !Self.dates.contains(date) {
            add(field, "out_of_range", "Give a date in the years 2000 to 2100.")
        }
        if closesAt <= opensAt { add("closes_at", "before_opening", "Applications must close after the call opens.") }
        if reviewsDueAt < closesAt { add("reviews_due_at", "before_closing", "Reviews are due after applications close.") }
        if resultsAt < reviewsDueAt { add("results_at", "before_reviews", "Results come after the reviews are due.") }
        if questions.count > Self.maxQuestions { add("questions", "too_many", "At most \(Self.maxQuestions) questions.") }
        for (offset, question) in questions.enumerated() {
            Self.checkText(question.text, field: "questions[\(offset)].text", required: true, maxLength: 1_000, into: &issues)
            if !CallQuestion.maxLengthRange.contains(question.maxLength) {
                add("questions[\(offset)].max_length", "out_of_range", "Allow answers of \(CallQuestion.maxLengthRange.lowerBound) to \(CallQuestion.maxLengthRange.upperBound) characters.")
            }
        }
        if criteria.isEmpty { add("criteria", "required", "Give the rubric at least one criterion.") }
        if criteria.count > Self.maxCriteria { add("criteria", "too_many", "At most \(Self.maxCriteria) criteria.") }
        for (offset, criterion) in criteria.enumerated() {
            Self.checkText(criterion.name, field: "criteria[\(offset)].name", required: true, maxLength: 300, into: &issues)
            Self.checkText(criterion.guidance, field: "criteria[\(offset)].guidance", required: false, maxLength: 4_000, into: &issues)
            if !CallCriterion.weights.contains(criterion.weight) {
                add("criteria[\(offset)].weight", "out_of_range", "A weight is a whole number from 1 to 100.")
            }
            if !CallCriterion.scales.contains(criterion.scaleMax) {
                add("criteria[\(offset)].scale_max", "out_of_range", "Score a criterion out of 1 to 10 points.")
            }
        }
        return issues
    }

    /// Text in at least one language when required, each language within `maxLength` characters.
    static func checkText(_ text: LocalizedText, field: String, required: Bool, maxLength: Int, into issues: inout [FieldIssue]) {
        if required && [text.kk, text.ru, text.en].allSatisfy({ ($0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            issues.append(FieldIssue(field: field, code: "required", message: "Give it in at least one of Kazakh, Russian and English."))
        }
        for language in Language.allCases {
            if let value = text.value(language), value.unicodeScalars.count > maxLength {
                issues.append(FieldIssue(field: "\(field).\(language.rawValue)", code: "too_long", message: "At most \(maxLength) characters."))
            }
        }
    }

    /// The weighted total, in points of 100, of one reviewer's scores (by criterion position).
    public func total(of scores: [Int]) -> Double {
        let weights = criteria.reduce(0) { $0 + $1.weight }
        guard weights > 0, scores.count == criteria.count else { return 0 }
        let sum = zip(criteria, scores).reduce(0.0) { $0 + Double($1.0.weight) * Double($1.1) / Double($1.0.scaleMax) }
        return sum / Double(weights) * 100
    }
}

public enum CallState: String, Sendable {
    case draft, published, awarded
}

/// Where a call stands at a moment: its stored state read against its dates.
public enum CallPhase: String, Sendable {
    /// Seen only by its government body.
    case draft
    /// Published; applications open later.
    case upcoming
    /// Taking applications.
    case open
    /// Closed to applications; reviewers score until the results.
    case reviewing
    /// The results date has come and no award is published yet.
    case deciding
    case awarded
}

public struct Call: Sendable, Equatable {
    public let id: UUID
    public let governmentBodyID: UUID
    public let terms: CallTerms
    public let state: CallState
    public let version: Int
    public let createdAt: Date
    public let publishedAt: Date?

    public init(id: UUID, governmentBodyID: UUID, terms: CallTerms, state: CallState, version: Int, createdAt: Date, publishedAt: Date?) {
        self.id = id
        self.governmentBodyID = governmentBodyID
        self.terms = terms
        self.state = state
        self.version = version
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }

    public func phase(at now: Date) -> CallPhase {
        switch state {
        case .draft: .draft
        case .awarded: .awarded
        case .published:
            if now < terms.opensAt { .upcoming } else if now < terms.closesAt { .open } else if now < terms.resultsAt { .reviewing } else { .deciding }
        }
    }
}

/// A business's money for a call: all of it, or only for applications on `earmarkFocusAreas` or in
/// `earmarkPlaces` (each list empty for any).
public struct CallPledge: Sendable, Equatable {
    public let id: UUID
    public let callID: UUID
    public let businessID: UUID
    public let amountKZT: Int64
    public let earmarkFocusAreas: [String]
    public let earmarkPlaces: [String]
    public let createdAt: Date
    public let withdrawnAt: Date?

    public init(id: UUID, callID: UUID, businessID: UUID, amountKZT: Int64, earmarkFocusAreas: [String], earmarkPlaces: [String], createdAt: Date, withdrawnAt: Date?) {
        self.id = id
        self.callID = callID
        self.businessID = businessID
        self.amountKZT = amountKZT
        self.earmarkFocusAreas = earmarkFocusAreas
        self.earmarkPlaces = earmarkPlaces
        self.createdAt = createdAt
        self.withdrawnAt = withdrawnAt
    }

    /// Whether the pledge may pay for a project on `focusAreas` taking place in `regions`.
    public func admits(focusAreas: [String], regions: [String]) -> Bool {
        let focusFits = earmarkFocusAreas.isEmpty || focusAreas.contains { earmarkFocusAreas.contains($0) }
        let placeFits = earmarkPlaces.isEmpty || regions.contains { region in earmarkPlaces.contains { KATO.covers($0, region) } }
        return focusFits && placeFits
    }
}

public enum CallApplicationState: String, Sendable {
    case draft, submitted, withdrawn
}

/// What an NGO writes when it applies.
public struct CallApplicationDraft: Sendable, Equatable {
    public var projectID: UUID
    public var amountKZT: Int64
    /// By question position (first question first); missing answers are empty.
    public var answers: [String]
    /// What the partnership will report on if the application is funded.
    public var framework: ResultsFramework

    public init(projectID: UUID, amountKZT: Int64, answers: [String] = [], framework: ResultsFramework = ResultsFramework()) {
        self.projectID = projectID
        self.amountKZT = amountKZT
        self.answers = answers
        self.framework = framework
    }
}

public struct CallApplication: Sendable, Equatable {
    public let id: UUID
    public let callID: UUID
    public let ngoID: UUID
    public let draft: CallApplicationDraft
    public let state: CallApplicationState
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
    public let submittedAt: Date?

    public init(id: UUID, callID: UUID, ngoID: UUID, draft: CallApplicationDraft, state: CallApplicationState, version: Int, createdAt: Date, updatedAt: Date, submittedAt: Date?) {
        self.id = id
        self.callID = callID
        self.ngoID = ngoID
        self.draft = draft
        self.state = state
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.submittedAt = submittedAt
    }
}

/// One funder's money for one application in a call's allocation.
public struct CallGrant: Sendable, Equatable {
    public let applicationID: UUID
    /// The business's pledge it comes from; nil for the state budget.
    public let pledgeID: UUID?
    /// The call's government body for the state budget, the business for a pledge.
    public let funderID: UUID
    public let amountKZT: Int64
    public let score: Double

    public init(applicationID: UUID, pledgeID: UUID?, funderID: UUID, amountKZT: Int64, score: Double) {
        self.applicationID = applicationID
        self.pledgeID = pledgeID
        self.funderID = funderID
        self.amountKZT = amountKZT
        self.score = score
    }
}

/// Why an application of a call is not (wholly) funded.
public struct CallUnfunded: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case awaitingReviews = "awaiting_reviews"
        case awaitingModeration = "awaiting_moderation"
        case belowPassMark = "below_pass_mark"
        case ineligible
        /// Passed, but the money went to applications that scored higher.
        case outOfBudget = "out_of_budget"
        /// Passed and funded for less than it asked (calls that fund in part).
        case partlyFunded = "partly_funded"
    }

    public let applicationID: UUID
    public let reason: Reason
    public let score: Double?
    /// The failed eligibility rules, or other particulars.
    public let detail: String

    public init(applicationID: UUID, reason: Reason, score: Double?, detail: String = "") {
        self.applicationID = applicationID
        self.reason = reason
        self.score = score
        self.detail = detail
    }
}

/// A call's allocation as computed: the grants, every other application and why, and how good it is.
public struct CallAllocationOutcome: Sendable, Equatable {
    public let callID: UUID
    public let computedAt: Date
    public let objective: Double
    public let upperBound: Double
    public let splitBound: Double
    public let isExact: Bool
    public let cutOff: Double?
    public let grants: [CallGrant]
    public let unfunded: [CallUnfunded]

    public init(
        callID: UUID, computedAt: Date, objective: Double, upperBound: Double, splitBound: Double, isExact: Bool, cutOff: Double?,
        grants: [CallGrant], unfunded: [CallUnfunded]
    ) {
        self.callID = callID
        self.computedAt = computedAt
        self.objective = objective
        self.upperBound = upperBound
        self.splitBound = splitBound
        self.isExact = isExact
        self.cutOff = cutOff
        self.grants = grants
        self.unfunded = unfunded
    }

    /// The share of the upper bound the objective falls short by.
    public var gap: Double { upperBound <= 0 ? 0 : max(0, upperBound - objective) / upperBound }
}

/// A call's published results: each funded application's partnership.
public struct CallAward: Sendable, Equatable {
    public let callID: UUID
    /// Application → the partnership it became.
    public let partnerships: [UUID: UUID]

    public init(callID: UUID, partnerships: [UUID: UUID]) {
        self.callID = callID
        self.partnerships = partnerships
    }
}
