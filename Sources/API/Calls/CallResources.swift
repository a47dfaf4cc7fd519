import Domain
import Foundation

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
