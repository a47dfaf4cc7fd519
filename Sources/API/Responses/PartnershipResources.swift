import Foundation
import Domain
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
    let ngoId: String
    let businessId: String
    let governmentBodyId: String
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

    init(_ partnership: Partnership) {
        id = partnership.id.lowercasedString
        projectId = partnership.projectID.lowercasedString
        ngoId = partnership.ngoID.lowercasedString
        businessId = partnership.businessID.lowercasedString
        governmentBodyId = partnership.governmentBodyID.lowercasedString
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

    init(_ report: PartnershipReport) {
        id = report.id.lowercasedString
        kind = report.kind.rawValue
        amountDisbursedKzt = report.amountDisbursedKZT
        beneficiariesReached = report.beneficiariesReached
        text = report.text
        rating = report.rating
        authorOrganizationId = report.authorOrganizationID?.lowercasedString
        createdAt = report.createdAt
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
