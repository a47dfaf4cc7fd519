import Foundation

public enum PartnershipState: String, Sendable, CaseIterable {
    case proposed
    case underReview = "under_review"
    case approved, rejected, active, completed, cancelled, withdrawn

    /// States everyone may read: the review is over and the results are public.
    public var isPublic: Bool {
        switch self {
        case .approved, .active, .completed, .cancelled: true
        case .proposed, .underReview, .rejected, .withdrawn: false
        }
    }
}

/// The three parties of a partnership.
public enum PartyRole: String, Sendable, CaseIterable {
    case ngo, business
    case governmentBody = "government_body"
}

public struct Partnership: Sendable, Equatable {
    public let id: UUID
    public let projectID: UUID
    public let projectRegions: [String]
    public let ngoID: UUID
    /// The business sponsor; nil for a call's award, whose money comes from `funders`.
    public let businessID: UUID?
    public let governmentBodyID: UUID
    /// For a call's award: the call, and who pays how much (the state and the co-funders).
    public var callID: UUID?
    public var funders: [PartnershipFunder] = []
    public var pledgeKZT: Int64
    public var inKind: [String]
    public var state: PartnershipState
    public var consents: Set<PartyRole>
    public let proposedBy: UUID?
    public let consentDeadline: Date?
    public let version: Int
    public let submittedAt: Date?
    public let decidedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date
    public let totals: ReportTotals
    /// How often the NGO reports, in days.
    public let reportingPeriodDays: Int
    /// When the work started (the partnership became active).
    public let activatedAt: Date?
    /// When the latest report was filed.
    public let lastReportAt: Date?
    /// Whether a report is missing past its grace period, as of the service's clock when the
    /// partnership was read (`PartnershipService` sets it; see `ReportingPolicy`).
    public var isOverdue = false

    /// When the next report is due, while the partnership is active.
    public var reportDueAt: Date? {
        ReportingPolicy.dueAt(state: state, activatedAt: activatedAt, lastReportAt: lastReportAt, periodDays: reportingPeriodDays)
    }

    /// The party roles `organizationID` plays here (usually one).
    public func roles(of organizationID: UUID) -> Set<PartyRole> {
        var roles: Set<PartyRole> = []
        if ngoID == organizationID { roles.insert(.ngo) }
        if businessID == organizationID || funders.contains(where: { $0.role == .business && $0.organizationID == organizationID }) {
            roles.insert(.business)
        }
        if governmentBodyID == organizationID { roles.insert(.governmentBody) }
        return roles
    }

    public init(id: UUID, projectID: UUID, projectRegions: [String], ngoID: UUID, businessID: UUID?, governmentBodyID: UUID, pledgeKZT: Int64, inKind: [String], state: PartnershipState, consents: Set<PartyRole>, proposedBy: UUID?, consentDeadline: Date?, version: Int, submittedAt: Date?, decidedAt: Date?, createdAt: Date, updatedAt: Date, totals: ReportTotals,
        reportingPeriodDays: Int = ResultsFramework.defaultPeriodDays, activatedAt: Date? = nil, lastReportAt: Date? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.projectRegions = projectRegions
        self.ngoID = ngoID
        self.businessID = businessID
        self.governmentBodyID = governmentBodyID
        self.pledgeKZT = pledgeKZT
        self.inKind = inKind
        self.state = state
        self.consents = consents
        self.proposedBy = proposedBy
        self.consentDeadline = consentDeadline
        self.version = version
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.totals = totals
        self.reportingPeriodDays = reportingPeriodDays
        self.activatedAt = activatedAt
        self.lastReportAt = lastReportAt
    }
}

/// Who pays part of a call's award: the state, from the call's budget, or a business, from its
/// pledges to the call.
public struct PartnershipFunder: Sendable, Equatable {
    public enum Role: String, Sendable { case state, business }

    public let organizationID: UUID
    public let role: Role
    public let amountKZT: Int64

    public init(organizationID: UUID, role: Role, amountKZT: Int64) {
        self.organizationID = organizationID
        self.role = role
        self.amountKZT = amountKZT
    }
}

public struct ReportTotals: Sendable, Equatable {
    public let amountDisbursedKZT: Int64
    public let beneficiariesReached: Int
    public let milestoneReports: Int
    public let hasFinalEvaluation: Bool

    public init(amountDisbursedKZT: Int64, beneficiariesReached: Int, milestoneReports: Int, hasFinalEvaluation: Bool) {
        self.amountDisbursedKZT = amountDisbursedKZT
        self.beneficiariesReached = beneficiariesReached
        self.milestoneReports = milestoneReports
        self.hasFinalEvaluation = hasFinalEvaluation
    }
}

/// What a new partnership says.
public struct PartnershipDraft: Sendable, Equatable {
    public var projectID: UUID
    public var businessID: UUID
    public var governmentBodyID: UUID
    public var pledgeKZT: Int64
    public var inKind: [String]
    /// For proposals from a funding round: the round, and when consent must be in.
    public var roundID: UUID?
    public var consentDeadline: Date?
    /// The results framework the parties agree to by consenting.
    public var framework = ResultsFramework()

    public init(projectID: UUID, businessID: UUID, governmentBodyID: UUID, pledgeKZT: Int64, inKind: [String] = []) {
        self.projectID = projectID
        self.businessID = businessID
        self.governmentBodyID = governmentBodyID
        self.pledgeKZT = pledgeKZT
        self.inKind = inKind
    }
}

public struct PartnershipReport: Sendable, Equatable {
    public enum Kind: String, Sendable { case milestone, final }

    public let id: UUID
    public let kind: Kind
    public let amountDisbursedKZT: Int64
    public let beneficiariesReached: Int
    public let text: String
    public let rating: Int?
    public let authorOrganizationID: UUID?
    public let createdAt: Date
    /// The indicators this report measured.
    public let values: [IndicatorValue]
    /// The final evaluation's lessons learned.
    public let lessons: String?

    public init(
        id: UUID, kind: Kind, amountDisbursedKZT: Int64, beneficiariesReached: Int, text: String, rating: Int?, authorOrganizationID: UUID?,
        createdAt: Date, values: [IndicatorValue] = [], lessons: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.amountDisbursedKZT = amountDisbursedKZT
        self.beneficiariesReached = beneficiariesReached
        self.text = text
        self.rating = rating
        self.authorOrganizationID = authorOrganizationID
        self.createdAt = createdAt
        self.values = values
        self.lessons = lessons
    }
}

/// What a milestone report or final evaluation says.
public struct ReportDraft: Sendable, Equatable {
    public var amountDisbursedKZT: Int64
    public var beneficiariesReached: Int
    public var text: String
    public var rating: Int?
    /// Actual values of the framework's indicators (positions from 1).
    public var values: [IndicatorValue]
    /// For the final evaluation: what the parties learned.
    public var lessons: String?

    public init(
        amountDisbursedKZT: Int64, beneficiariesReached: Int, text: String, rating: Int? = nil,
        values: [IndicatorValue] = [], lessons: String? = nil
    ) {
        self.amountDisbursedKZT = amountDisbursedKZT
        self.beneficiariesReached = beneficiariesReached
        self.text = text
        self.rating = rating
        self.values = values
        self.lessons = lessons
    }
}

public struct PartnershipEvent: Sendable, Equatable {
    public let id: Int64
    public let partnershipID: UUID
    public let action: String
    public let fromState: PartnershipState?
    public let toState: PartnershipState
    public let actorOrganizationID: UUID?
    public let actorIsAdmin: Bool
    public let comment: String?
    public let at: Date

    public init(id: Int64, partnershipID: UUID, action: String, fromState: PartnershipState?, toState: PartnershipState, actorOrganizationID: UUID?, actorIsAdmin: Bool, comment: String?, at: Date) {
        self.id = id
        self.partnershipID = partnershipID
        self.action = action
        self.fromState = fromState
        self.toState = toState
        self.actorOrganizationID = actorOrganizationID
        self.actorIsAdmin = actorIsAdmin
        self.comment = comment
        self.at = at
    }
}

/// A sponsor's money as the database counts it: pledges of approved and active partnerships must
/// stay within the declared budget (migration 0006); proposals and reviews are not counted yet.
public struct SponsorBudget: Sendable, Equatable {
    /// Nil when the sponsor declared none (then nothing can be approved).
    public let declaredKZT: Int64?
    /// Pledged in approved and active partnerships: what the declared budget must cover.
    public let committedKZT: Int64
    /// Pledged in proposals and partnerships under review, counted once approved.
    public let waitingKZT: Int64
    /// Reported as disbursed in the sponsor's partnerships.
    public let disbursedKZT: Int64

    public init(declaredKZT: Int64?, committedKZT: Int64, waitingKZT: Int64, disbursedKZT: Int64) {
        self.declaredKZT = declaredKZT
        self.committedKZT = committedKZT
        self.waitingKZT = waitingKZT
        self.disbursedKZT = disbursedKZT
    }

    /// What further approvals may still pledge.
    public var remainingKZT: Int64 { max(0, (declaredKZT ?? 0) - committedKZT) }
}
