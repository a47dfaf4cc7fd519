import Domain
import Foundation
import Storage

struct CallResource: Encodable {
    struct Eligibility: Encodable {
        let verifiedOnly: Bool
        let territoryOnly: Bool
        let minYearsActive: Int
        let noOverdueReports: Bool
    }

    struct Question: Encodable {
        let text: LocalizedTextResource
        let maxLength: Int
    }

    struct Criterion: Encodable {
        let name: LocalizedTextResource
        let guidance: LocalizedTextResource
        let weight: Int
        let scaleMax: Int
    }

    let id: String
    let governmentBodyId: String
    let state: String
    /// The state read against the dates: draft, upcoming, open, reviewing, deciding or awarded.
    let phase: String
    let version: Int
    let title: LocalizedTextResource
    let description: LocalizedTextResource
    let focusAreas: [String]
    let territory: String?
    let stateBudgetKzt: Int64
    let minGrantKzt: Int64
    let maxGrantKzt: Int64
    let partialFunding: Bool
    let eligibility: Eligibility
    let passMark: Double
    let reviewersPerApplication: Int
    let moderationSpread: Double
    let opensAt: Date
    let closesAt: Date
    let reviewsDueAt: Date
    let resultsAt: Date
    let questions: [Question]
    let criteria: [Criterion]
    let createdAt: Date
    let publishedAt: Date?

    init(_ call: Call, now: Date) {
        let terms = call.terms
        id = call.id.lowercasedString
        governmentBodyId = call.governmentBodyID.lowercasedString
        state = call.state.rawValue
        phase = call.phase(at: now).rawValue
        version = call.version
        title = LocalizedTextResource(terms.title)
        description = LocalizedTextResource(terms.description)
        focusAreas = terms.focusAreas
        territory = terms.territory
        stateBudgetKzt = terms.stateBudgetKZT
        minGrantKzt = terms.minGrantKZT
        maxGrantKzt = terms.maxGrantKZT
        partialFunding = terms.partialFunding
        eligibility = Eligibility(
            verifiedOnly: terms.eligibility.verifiedOnly, territoryOnly: terms.eligibility.territoryOnly,
            minYearsActive: terms.eligibility.minYearsActive, noOverdueReports: terms.eligibility.noOverdueReports
        )
        passMark = terms.passMark
        reviewersPerApplication = terms.reviewersPerApplication
        moderationSpread = terms.moderationSpread
        opensAt = terms.opensAt
        closesAt = terms.closesAt
        reviewsDueAt = terms.reviewsDueAt
        resultsAt = terms.resultsAt
        questions = terms.questions.map { Question(text: LocalizedTextResource($0.text), maxLength: $0.maxLength) }
        criteria = terms.criteria.map {
            Criterion(name: LocalizedTextResource($0.name), guidance: LocalizedTextResource($0.guidance), weight: $0.weight, scaleMax: $0.scaleMax)
        }
        createdAt = call.createdAt
        publishedAt = call.publishedAt
    }
}

struct PledgeResource: Encodable {
    let id: String
    let callId: String
    let businessId: String
    let amountKzt: Int64
    let earmarkFocusAreas: [String]
    let earmarkPlaces: [String]
    let createdAt: Date
    let withdrawnAt: Date?

    init(_ pledge: CallPledge) {
        id = pledge.id.lowercasedString
        callId = pledge.callID.lowercasedString
        businessId = pledge.businessID.lowercasedString
        amountKzt = pledge.amountKZT
        earmarkFocusAreas = pledge.earmarkFocusAreas
        earmarkPlaces = pledge.earmarkPlaces
        createdAt = pledge.createdAt
        withdrawnAt = pledge.withdrawnAt
    }
}

struct ApplicationResource: Encodable {
    struct IndicatorResource: Encodable {
        let name: String
        let unit: String
        let baseline: Double
        let target: Double
    }

    let id: String
    let callId: String
    let ngoId: String
    let projectId: String
    let amountKzt: Int64
    let answers: [String]
    let indicators: [IndicatorResource]
    let reportingPeriodDays: Int
    let state: String
    let version: Int
    let createdAt: Date
    let updatedAt: Date
    let submittedAt: Date?

    init(_ application: CallApplication) {
        id = application.id.lowercasedString
        callId = application.callID.lowercasedString
        ngoId = application.ngoID.lowercasedString
        projectId = application.draft.projectID.lowercasedString
        amountKzt = application.draft.amountKZT
        answers = application.draft.answers
        indicators = application.draft.framework.indicators.map {
            IndicatorResource(name: $0.name, unit: $0.unit, baseline: $0.baseline, target: $0.target)
        }
        reportingPeriodDays = application.draft.framework.reportingPeriodDays
        state = application.state.rawValue
        version = application.version
        createdAt = application.createdAt
        updatedAt = application.updatedAt
        submittedAt = application.submittedAt
    }
}

struct ReviewerResource: Encodable {
    let personId: String
    let name: String
    let email: String
    /// Applications of the call assigned to them.
    let load: Int

    init(_ reviewer: CallReviewer) {
        personId = reviewer.personID.lowercasedString
        name = reviewer.name
        email = reviewer.email
        load = reviewer.load
    }
}

struct AssignmentResource: Encodable {
    let applicationId: String
    let personId: String
    let automatic: Bool
    let assignedAt: Date

    init(_ assignment: CallAssignment) {
        applicationId = assignment.applicationID.lowercasedString
        personId = assignment.personID.lowercasedString
        automatic = assignment.automatic
        assignedAt = assignment.assignedAt
    }
}

struct AutomaticAssignmentResource: Encodable {
    let added: [AssignmentResource]
    /// Applications left with fewer reviewers than the call asks for: too few are free of conflicts.
    let short: [String]
}

/// An application's score as its call's government body reads it: totals only once every
/// assigned reviewer has scored it.
struct ScoreResource: Encodable {
    let applicationId: String
    let reviews: Int
    let assigned: Int
    let complete: Bool
    let totals: [Double]
    let mean: Double?
    let moderated: Double?
    let awaitsModeration: Bool
    let final: Double?

    init(id: UUID, score: ApplicationScore, terms: CallTerms) {
        applicationId = id.lowercasedString
        reviews = score.totals.count
        assigned = score.expected
        complete = score.isComplete
        totals = score.totals
        mean = score.mean
        moderated = score.moderated
        awaitsModeration = score.awaitsModeration(limit: terms.moderationSpread)
        final = score.final(limit: terms.moderationSpread)
    }
}

struct AllocationResource: Encodable {
    struct Grant: Encodable {
        let applicationId: String
        let pledgeId: String?
        let funderId: String
        let amountKzt: Int64
        let score: Double
    }

    struct Unfunded: Encodable {
        let applicationId: String
        let reason: String
        let score: Double?
        let detail: String
    }

    let callId: String
    let computedAt: Date
    let objective: Double
    let upperBound: Double
    let splitBound: Double
    let exact: Bool
    let optimalityGap: Double
    let cutOff: Double?
    let grants: [Grant]
    let unfunded: [Unfunded]

    init(_ outcome: CallAllocationOutcome) {
        callId = outcome.callID.lowercasedString
        computedAt = outcome.computedAt
        objective = outcome.objective
        upperBound = outcome.upperBound
        splitBound = outcome.splitBound
        exact = outcome.isExact
        optimalityGap = outcome.gap
        cutOff = outcome.cutOff
        grants = outcome.grants.map {
            Grant(applicationId: $0.applicationID.lowercasedString, pledgeId: $0.pledgeID?.lowercasedString, funderId: $0.funderID.lowercasedString, amountKzt: $0.amountKZT, score: $0.score)
        }
        unfunded = outcome.unfunded.map {
            Unfunded(applicationId: $0.applicationID.lowercasedString, reason: $0.reason.rawValue, score: $0.score, detail: $0.detail)
        }
    }
}

struct AwardResource: Encodable {
    struct Item: Encodable {
        let applicationId: String
        let partnershipId: String
    }

    let callId: String
    let partnerships: [Item]

    init(_ award: CallAward) {
        callId = award.callID.lowercasedString
        partnerships = award.partnerships.sorted { $0.key.uuidString < $1.key.uuidString }.map {
            Item(applicationId: $0.key.lowercasedString, partnershipId: $0.value.lowercasedString)
        }
    }
}

struct ModerationResource: Encodable {
    let applicationId: String
    let score: Double
    let comment: String
    let moderatedAt: Date

    init(_ moderation: CallModeration) {
        applicationId = moderation.applicationID.lowercasedString
        score = moderation.score
        comment = moderation.comment
        moderatedAt = moderation.moderatedAt
    }
}
