import Foundation

/// What the dashboards measure for one group of partnerships past approval (a place, a focus
/// area, or all of them): money pledged and disbursed, people reached, targets met, overdue reports.
public struct DashboardFigures: Sendable, Equatable {
    /// A KATO code, a focus area's code, or "" for the whole selection.
    public let key: String
    /// Approved, active, completed and cancelled: every partnership past approval.
    public let partnerships: Int
    public let active: Int
    public let completed: Int
    public let pledgedKZT: Int64
    public let disbursedKZT: Int64
    public let beneficiariesReached: Int64
    /// Indicators of those partnerships' results frameworks, and how many reached their targets.
    public let indicators: Int
    public let indicatorsMet: Int
    /// Active partnerships whose report is missing past its grace period.
    public let overdue: Int

    public init(
        key: String, partnerships: Int, active: Int, completed: Int, pledgedKZT: Int64, disbursedKZT: Int64, beneficiariesReached: Int64,
        indicators: Int, indicatorsMet: Int, overdue: Int
    ) {
        self.key = key
        self.partnerships = partnerships
        self.active = active
        self.completed = completed
        self.pledgedKZT = pledgedKZT
        self.disbursedKZT = disbursedKZT
        self.beneficiariesReached = beneficiariesReached
        self.indicators = indicators
        self.indicatorsMet = indicatorsMet
        self.overdue = overdue
    }

    /// KZT disbursed per person reached; nil before anyone was reached.
    public var costPerBeneficiaryKZT: Int64? {
        beneficiariesReached > 0 ? disbursedKZT / beneficiariesReached : nil
    }

    /// Percentages, rounded down; nil when there is nothing to divide by.
    public var disbursedPercent: Int? { pledgedKZT > 0 ? Int(disbursedKZT * 100 / pledgedKZT) : nil }
    public var targetsMetPercent: Int? { indicators > 0 ? indicatorsMet * 100 / indicators : nil }
    public var overduePercent: Int? { active > 0 ? overdue * 100 / active : nil }
}

/// Which partnerships a dashboard covers.
public struct DashboardFilter: Sendable, Equatable {
    /// A region or district (KATO); nil for the whole country.
    public var place: String?
    public var focusArea: String?
    /// A business: the partnerships it sponsors.
    public var sponsor: UUID?

    public init(place: String? = nil, focusArea: String? = nil, sponsor: UUID? = nil) {
        self.place = place
        self.focusArea = focusArea
        self.sponsor = sponsor
    }
}

/// Where a place's or a focus area's projects stand (drafts left out): how many are open, funded
/// or closed, what the open ones need against the money placed with them, and how their
/// partnerships are spread over the stages from proposal to outcome.
public struct ProjectPipeline: Sendable, Equatable {
    /// A KATO code, a focus area's code, or "" for the whole selection.
    public let key: String
    public let open: Int
    public let funded: Int
    public let closed: Int
    /// The funding open projects need in all.
    public let openNeedKZT: Int64
    /// Pledged to open projects in approved and active partnerships.
    public let placedKZT: Int64
    public let proposed: Int
    public let underReview: Int
    public let approved: Int
    public let active: Int
    public let completed: Int
    /// Rejected, withdrawn or cancelled.
    public let ended: Int

    public init(
        key: String, open: Int, funded: Int, closed: Int, openNeedKZT: Int64, placedKZT: Int64,
        proposed: Int, underReview: Int, approved: Int, active: Int, completed: Int, ended: Int
    ) {
        self.key = key
        self.open = open
        self.funded = funded
        self.closed = closed
        self.openNeedKZT = openNeedKZT
        self.placedKZT = placedKZT
        self.proposed = proposed
        self.underReview = underReview
        self.approved = approved
        self.active = active
        self.completed = completed
        self.ended = ended
    }

    public static func empty(_ key: String = "") -> ProjectPipeline {
        ProjectPipeline(key: key, open: 0, funded: 0, closed: 0, openNeedKZT: 0, placedKZT: 0, proposed: 0, underReview: 0, approved: 0, active: 0, completed: 0, ended: 0)
    }

    /// What open projects still need.
    public var unfundedKZT: Int64 { max(0, openNeedKZT - placedKZT) }
    /// Share of open projects' need placed, rounded down; nil when nothing is needed.
    public var placedPercent: Int? { openNeedKZT > 0 ? Int(min(placedKZT, openNeedKZT) * 100 / openNeedKZT) : nil }
}
