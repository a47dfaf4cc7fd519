import Foundation
import Domain
import UseCases

struct PartnershipResource: Encodable {
    struct Consents: Encodable {
        let ngo: Bool
        let business: Bool
        let governmentBody: Bool
    }

    struct Totals: Encodable {
        let amountDisbursedKzt: Int64
        let beneficiariesReached: Int
        let milestoneReports: Int
        let finalEvaluation: Bool
    }

    let id: String
    let projectId: String
    struct Funder: Encodable {
        let organizationId: String
        let role: String
        let amountKzt: Int64
    }

    let ngoId: String
    /// Null for a call's award, whose money comes from `funders`.
    let businessId: String?
    let governmentBodyId: String
    let callId: String?
    let funders: [Funder]
    let pledgeKzt: Int64
    let inKind: [String]
    let state: String
    let consents: Consents
    let proposedBy: String?
    let version: Int
    let submittedAt: Date?
    let decidedAt: Date?
    let createdAt: Date
    let updatedAt: Date
    let totals: Totals
    let reportingPeriodDays: Int
    let activatedAt: Date?
    /// While active: when the next report is due.
    let nextReportDue: Date?
    /// A report is missing past its grace period.
    let overdue: Bool

    init(_ partnership: Partnership) {
        id = partnership.id.lowercasedString
        projectId = partnership.projectID.lowercasedString
        ngoId = partnership.ngoID.lowercasedString
        businessId = partnership.businessID?.lowercasedString
        governmentBodyId = partnership.governmentBodyID.lowercasedString
        callId = partnership.callID?.lowercasedString
        funders = partnership.funders.map { Funder(organizationId: $0.organizationID.lowercasedString, role: $0.role.rawValue, amountKzt: $0.amountKZT) }
        pledgeKzt = partnership.pledgeKZT
        inKind = partnership.inKind
        state = partnership.state.rawValue
        consents = Consents(
            ngo: partnership.consents.contains(.ngo),
            business: partnership.consents.contains(.business),
            governmentBody: partnership.consents.contains(.governmentBody)
        )
        proposedBy = partnership.proposedBy?.lowercasedString
        version = partnership.version
        submittedAt = partnership.submittedAt
        decidedAt = partnership.decidedAt
        createdAt = partnership.createdAt
        updatedAt = partnership.updatedAt
        totals = Totals(
            amountDisbursedKzt: partnership.totals.amountDisbursedKZT,
            beneficiariesReached: partnership.totals.beneficiariesReached,
            milestoneReports: partnership.totals.milestoneReports,
            finalEvaluation: partnership.totals.hasFinalEvaluation
        )
        reportingPeriodDays = partnership.reportingPeriodDays
        activatedAt = partnership.activatedAt
        nextReportDue = partnership.reportDueAt
        overdue = partnership.isOverdue
    }
}

struct ReportResource: Encodable {
    let id: String
    let kind: String
    let amountDisbursedKzt: Int64
    let beneficiariesReached: Int
    let text: String
    let rating: Int?
    let authorOrganizationId: String?
    let createdAt: Date
    let indicatorValues: [IndicatorValueResource]
    let lessons: String?

    init(_ report: PartnershipReport) {
        id = report.id.lowercasedString
        kind = report.kind.rawValue
        amountDisbursedKzt = report.amountDisbursedKZT
        beneficiariesReached = report.beneficiariesReached
        text = report.text
        rating = report.rating
        authorOrganizationId = report.authorOrganizationID?.lowercasedString
        createdAt = report.createdAt
        indicatorValues = report.values.map { IndicatorValueResource(indicator: $0.position, actual: $0.actual) }
        lessons = report.lessons
    }
}

struct IndicatorValueResource: Encodable {
    /// The indicator's position in the framework, from 1.
    let indicator: Int
    let actual: Double
}

struct IndicatorResource: Encodable {
    let position: Int
    let name: String
    let unit: String
    let baseline: Double
    let target: Double
}

struct FrameworkChangeResource: Encodable {
    let id: String
    let partnershipId: String
    let indicators: [IndicatorResource]
    let reportingPeriodDays: Int
    let reason: String
    let requestedBy: String?
    let requestedAt: Date
    /// `accepted`, `declined`, or absent while pending.
    let decision: String?
    let decidedAt: Date?
    let comment: String?

    init(_ change: FrameworkChange) {
        id = change.id.lowercasedString
        partnershipId = change.partnershipID.lowercasedString
        indicators = change.framework.indicators.enumerated().map {
            IndicatorResource(position: $0.offset + 1, name: $0.element.name, unit: $0.element.unit, baseline: $0.element.baseline, target: $0.element.target)
        }
        reportingPeriodDays = change.framework.reportingPeriodDays
        reason = change.reason
        requestedBy = change.requestedBy?.lowercasedString
        requestedAt = change.requestedAt
        decision = change.decision?.rawValue
        decidedAt = change.decidedAt
        comment = change.comment
    }
}

/// A partnership's results framework, each indicator with its latest value, and change requests.
struct FrameworkResource: Encodable {
    struct Progress: Encodable {
        let position: Int
        let name: String
        let unit: String
        let baseline: Double
        let target: Double
        let latest: Double?
        let met: Bool
    }

    let partnershipId: String
    let reportingPeriodDays: Int
    let nextReportDue: Date?
    let overdue: Bool
    let indicators: [Progress]
    let targetsMet: Int
    /// Requests to change the framework, newest first (parties and reviewers only).
    let changes: [FrameworkChangeResource]

    init(_ view: PartnershipService.FrameworkView) {
        partnershipId = view.partnership.id.lowercasedString
        reportingPeriodDays = view.framework.reportingPeriodDays
        nextReportDue = view.partnership.reportDueAt
        overdue = view.partnership.isOverdue
        indicators = view.progress.map {
            Progress(position: $0.position, name: $0.indicator.name, unit: $0.indicator.unit, baseline: $0.indicator.baseline,
                     target: $0.indicator.target, latest: $0.latest, met: $0.isMet)
        }
        targetsMet = view.targetsMet
        changes = view.changes.map(FrameworkChangeResource.init)
    }
}

struct EventResource: Encodable {
    let id: String
    let partnershipId: String
    let action: String
    let fromState: String?
    let toState: String
    let actorOrganizationId: String?
    let actorIsAdmin: Bool
    let comment: String?
    let at: Date

    init(_ event: PartnershipEvent) {
        id = String(event.id)
        partnershipId = event.partnershipID.lowercasedString
        action = event.action
        fromState = event.fromState?.rawValue
        toState = event.toState.rawValue
        actorOrganizationId = event.actorOrganizationID?.lowercasedString
        actorIsAdmin = event.actorIsAdmin
        comment = event.comment
        at = event.at
    }
}

/// A page of the event feed: pass `next` as `after` to continue; it stays put when nothing is new.
struct FeedResource: Encodable {
    let items: [EventResource]
    let next: String
}

struct ReviewResource: Encodable {
    let partnership: PartnershipResource
    /// Seconds since all three parties consented.
    let waitingSeconds: Int
    /// How well the triple fits, as the matching engine sees it now.
    let match: MatchItem?
}
