import Foundation

/// What the open projects of one group (a focus area, a place, or the whole territory) need:
/// how many there are, what they need, what partnerships have pledged to them, and what is left.
public struct PlanningNeed: Sendable, Equatable {
    /// A focus area's code, a KATO code, or "" for the whole territory.
    public let key: String
    public let openProjects: Int
    /// The funding open projects ask for in all.
    public let needKZT: Int64
    /// Pledged to them in approved and active partnerships.
    public let pledgedKZT: Int64
    /// Each open project's need less its pledges (never below zero), summed: what no partner covers yet.
    public let unfundedKZT: Int64
    /// Active NGOs that name the place (and, in a focus area's row, the focus area) in their profile.
    public let ngos: Int

    public init(key: String, openProjects: Int, needKZT: Int64, pledgedKZT: Int64, unfundedKZT: Int64, ngos: Int) {
        self.key = key
        self.openProjects = openProjects
        self.needKZT = needKZT
        self.pledgedKZT = pledgedKZT
        self.unfundedKZT = unfundedKZT
        self.ngos = ngos
    }
}

/// What past calls offered and what NGOs asked of them, for the calls on one focus area (or on any
/// focus area, or all of them once): a call on several focus areas counts in each of their rows.
public struct PlanningDemand: Sendable, Equatable {
    /// A focus area's code; "" for calls open to every focus area, or for the total row.
    public let key: String
    /// Published calls whose applications have closed.
    public let calls: Int
    /// Their state budgets and the co-funders' live pledges.
    public let moneyKZT: Int64
    /// Applications submitted to them (withdrawn ones left out) and the sums they asked.
    public let applications: Int
    public let askedKZT: Int64
    /// Granted in those of them whose results are published.
    public let awardedKZT: Int64

    public init(key: String, calls: Int, moneyKZT: Int64, applications: Int, askedKZT: Int64, awardedKZT: Int64) {
        self.key = key
        self.calls = calls
        self.moneyKZT = moneyKZT
        self.applications = applications
        self.askedKZT = askedKZT
        self.awardedKZT = awardedKZT
    }

    /// Tenge asked per tenge offered, as a percentage rounded down; nil when nothing was offered.
    public var askedPercent: Int? { moneyKZT > 0 ? Int(askedKZT * 100 / moneyKZT) : nil }
}

/// A territory's open needs and past calls' demand against money, for a government body choosing
/// the topics of its next call.
public struct PlanningOverview: Sendable, Equatable {
    /// The territory shown (KATO); nil for the whole country.
    public let territory: String?
    /// Where the caller may plan: its jurisdiction, nil for anywhere (national bodies, admins).
    public let jurisdiction: String?
    public let total: PlanningNeed
    /// One row per focus area, every focus area (zeros included), in code order.
    public let byFocusArea: [PlanningNeed]
    /// One row per unit just below the territory (regions for the country, districts for a
    /// region; none for a district), in code order.
    public let byPlace: [PlanningNeed]
    /// Calls whose territory overlaps this one, by focus area ("" first: calls on any focus area).
    public let demand: [PlanningDemand]
    /// The same calls, each counted once.
    public let demandTotal: PlanningDemand
    public let asOf: Date

    public init(
        territory: String?, jurisdiction: String?, total: PlanningNeed, byFocusArea: [PlanningNeed], byPlace: [PlanningNeed],
        demand: [PlanningDemand], demandTotal: PlanningDemand, asOf: Date
    ) {
        self.territory = territory
        self.jurisdiction = jurisdiction
        self.total = total
        self.byFocusArea = byFocusArea
        self.byPlace = byPlace
        self.demand = demand
        self.demandTotal = demandTotal
        self.asOf = asOf
    }
}
