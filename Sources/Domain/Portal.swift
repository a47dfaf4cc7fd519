import Foundation

/// What a portal map or table is coloured by.
public enum PortalMeasure: String, Sendable, CaseIterable {
    /// The funding still asked for by open projects.
    case openNeed = "open_need"
    /// Pledges in approved, active and completed partnerships.
    case fundingPlaced = "funding_placed"
    /// Partnerships approved or active: under way.
    case activePartnerships = "active_partnerships"
    /// Active NGOs working there.
    case ngos
}

/// The portal's figures for one place or focus area. A project or NGO in two places counts in each.
public struct PortalFigures: Sendable, Equatable {
    public var openProjects: Int
    public var openNeedKZT: Int64
    public var fundingPlacedKZT: Int64
    public var activePartnerships: Int
    public var ngos: Int

    public init(openProjects: Int = 0, openNeedKZT: Int64 = 0, fundingPlacedKZT: Int64 = 0, activePartnerships: Int = 0, ngos: Int = 0) {
        self.openProjects = openProjects
        self.openNeedKZT = openNeedKZT
        self.fundingPlacedKZT = fundingPlacedKZT
        self.activePartnerships = activePartnerships
        self.ngos = ngos
    }

    /// The figure `measure` reads.
    public func value(_ measure: PortalMeasure) -> Int64 {
        switch measure {
        case .openNeed: openNeedKZT
        case .fundingPlaced: fundingPlacedKZT
        case .activePartnerships: Int64(activePartnerships)
        case .ngos: Int64(ngos)
        }
    }
}

/// Figures for one region or district (by KATO code) or one focus area (by its code).
public struct PortalPlaceFigures: Sendable, Equatable {
    public let code: String
    public let figures: PortalFigures

    public init(code: String, figures: PortalFigures) {
        self.code = code
        self.figures = figures
    }
}

/// The home page's live figures.
public struct PortalHome: Sendable, Equatable {
    /// Active organizations of each kind (every kind present, zero when none).
    public let organizationsByKind: [OrganizationKind: Int]
    public let openProjects: Int
    public let openNeedKZT: Int64
    /// Pledged in approved, active and completed partnerships.
    public let fundingPledgedKZT: Int64
    /// Disbursed as reported in public partnerships.
    public let fundingDisbursedKZT: Int64
    /// Partnerships in each state (every state present). Counts only: no partnership before approval is shown.
    public let partnershipsByStage: [PartnershipState: Int]
    public let asOf: Date

    public init(organizationsByKind: [OrganizationKind: Int], openProjects: Int, openNeedKZT: Int64, fundingPledgedKZT: Int64, fundingDisbursedKZT: Int64, partnershipsByStage: [PartnershipState: Int], asOf: Date) {
        self.organizationsByKind = organizationsByKind
        self.openProjects = openProjects
        self.openNeedKZT = openNeedKZT
        self.fundingPledgedKZT = fundingPledgedKZT
        self.fundingDisbursedKZT = fundingDisbursedKZT
        self.partnershipsByStage = partnershipsByStage
        self.asOf = asOf
    }
}

/// An organization as the public names it in a list of parties.
public struct PortalParty: Sendable, Equatable {
    public let id: UUID
    public let kind: OrganizationKind
    public let bin: String
    public let name: LocalizedText

    public init(id: UUID, kind: OrganizationKind, bin: String, name: LocalizedText) {
        self.id = id
        self.kind = kind
        self.bin = bin
        self.name = name
    }
}

/// A partnership past approval (approved, active, completed or cancelled), with its three parties.
public struct PortalPartnership: Sendable, Equatable {
    public let id: UUID
    public let projectID: UUID
    public let projectTitle: LocalizedText
    public let projectRegions: [String]
    public let state: PartnershipState
    public let ngo: PortalParty
    /// The business sponsor; nil for a call's award, whose money comes from `funders`.
    public let business: PortalParty?
    public let governmentBody: PortalParty
    /// For a call's award: the call, and the state and co-funders with what each pays.
    public var callID: UUID?
    public var callTitle: LocalizedText?
    public var funders: [PortalFunder] = []
    public let pledgeKZT: Int64
    public let disbursedKZT: Int64
    /// When the government body approved it.
    public let decidedAt: Date?
    public let updatedAt: Date
    /// While active: when its next report is due.
    public let reportDueAt: Date?
    /// A report is missing past its grace period (set by the service from its clock).
    public var isOverdue = false

    public init(id: UUID, projectID: UUID, projectTitle: LocalizedText, projectRegions: [String], state: PartnershipState, ngo: PortalParty, business: PortalParty?, governmentBody: PortalParty, pledgeKZT: Int64, disbursedKZT: Int64, decidedAt: Date?, updatedAt: Date, reportDueAt: Date? = nil) {
        self.reportDueAt = reportDueAt
        self.id = id
        self.projectID = projectID
        self.projectTitle = projectTitle
        self.projectRegions = projectRegions
        self.state = state
        self.ngo = ngo
        self.business = business
        self.governmentBody = governmentBody
        self.pledgeKZT = pledgeKZT
        self.disbursedKZT = disbursedKZT
        self.decidedAt = decidedAt
        self.updatedAt = updatedAt
    }
}

/// One funder of a call's award and its share.
public struct PortalFunder: Sendable, Equatable {
    public let party: PortalParty
    public let role: PartnershipFunder.Role
    public let amountKZT: Int64

    public init(party: PortalParty, role: PartnershipFunder.Role, amountKZT: Int64) {
        self.party = party
        self.role = role
        self.amountKZT = amountKZT
    }
}

/// A milestone report or final evaluation of a public partnership.
public struct PortalReport: Sendable, Equatable {
    public let partnershipID: UUID
    public let projectID: UUID
    public let projectTitle: LocalizedText
    public let report: PartnershipReport

    public init(partnershipID: UUID, projectID: UUID, projectTitle: LocalizedText, report: PartnershipReport) {
        self.partnershipID = partnershipID
        self.projectID = projectID
        self.projectTitle = projectTitle
        self.report = report
    }
}

/// Money through one organization in one calendar year (Kazakhstan time), by the role it played.
public struct PortalFundingYear: Sendable, Equatable {
    public let year: Int
    public let role: PartyRole
    /// Pledges of partnerships approved that year (cancelled ones left out).
    public let pledgedKZT: Int64
    /// Disbursements reported that year.
    public let disbursedKZT: Int64

    public init(year: Int, role: PartyRole, pledgedKZT: Int64, disbursedKZT: Int64) {
        self.year = year
        self.role = role
        self.pledgedKZT = pledgedKZT
        self.disbursedKZT = disbursedKZT
    }
}

/// Who made a step of a partnership's trail, as the public sees it.
public enum PortalActorKind: String, Sendable, Equatable {
    case ngo, business
    case governmentBody = "government_body"
    case admin
    /// The platform itself (a deadline passing, a funding round).
    case platform
}

/// One step of a partnership's trail.
public struct PortalTimelineEntry: Sendable, Equatable {
    public let partnershipID: UUID
    public let action: String
    public let fromState: PartnershipState?
    public let toState: PartnershipState
    public let actorKind: PortalActorKind
    public let actorName: LocalizedText?
    public let comment: String?
    public let at: Date

    public init(partnershipID: UUID, action: String, fromState: PartnershipState?, toState: PartnershipState, actorKind: PortalActorKind, actorName: LocalizedText?, comment: String?, at: Date) {
        self.partnershipID = partnershipID
        self.action = action
        self.fromState = fromState
        self.toState = toState
        self.actorKind = actorKind
        self.actorName = actorName
        self.comment = comment
        self.at = at
    }
}

/// An open project with what is still missing.
public struct PortalUnfundedNeed: Sendable, Equatable {
    public let projectID: UUID
    public let title: LocalizedText
    public let ngo: PortalParty
    public let needKZT: Int64
    public let pledgedKZT: Int64

    public var remainingKZT: Int64 { max(0, needKZT - pledgedKZT) }

    public init(projectID: UUID, title: LocalizedText, ngo: PortalParty, needKZT: Int64, pledgedKZT: Int64) {
        self.projectID = projectID
        self.title = title
        self.ngo = ngo
        self.needKZT = needKZT
        self.pledgedKZT = pledgedKZT
    }
}
