import Domain
import Foundation
import Storage

/// Planning the next call: for a territory, where open projects' needs go unfunded, by focus area
/// and by place, the NGOs working there, and what past calls offered against what was asked of
/// them. For government bodies, within their jurisdiction (national bodies and admins anywhere).
public struct PlanningService: Sendable {
    let planning: PlanningRepository
    let reference: ReferenceData
    let clock: ServiceClock

    public init(planning: PlanningRepository, reference: ReferenceData, clock: ServiceClock) {
        self.planning = planning
        self.reference = reference
        self.clock = clock
    }

    /// Where the caller may plan: nil for anywhere (a national body, an admin), else its
    /// jurisdiction. A caller that is neither an admin nor acting for an active government body
    /// with a jurisdiction is refused; viewers read.
    public func jurisdiction(of caller: Caller) throws -> String? {
        try Access.requireSignedIn(caller)
        if caller.isAdmin { return nil }
        guard let member = caller.member, member.kind == .governmentBody else {
            throw DomainError.forbidden(message: "Planning calls is for government bodies.")
        }
        guard !member.isSuspended else { throw DomainError.forbidden(message: "A suspended government body does not plan calls.") }
        if member.isNational { return nil }
        guard let jurisdiction = member.jurisdiction else {
            throw DomainError.forbidden(message: "The government body has no jurisdiction to plan for.")
        }
        return jurisdiction
    }

    /// The overview of `territory` (a region or district; nil for the caller's whole jurisdiction,
    /// the country for national bodies and admins). An unknown code is named on `territoryField`;
    /// a place outside the caller's jurisdiction is refused.
    public func overview(territory: String?, territoryField: String = "territory", by caller: Caller) async throws -> PlanningOverview {
        let jurisdiction = try jurisdiction(of: caller)
        let chosen = territory ?? jurisdiction
        let issues = try await reference.unknownCodes(region: chosen, focusAreas: [], regionField: territoryField)
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        if let jurisdiction, let chosen, !KATO.covers(jurisdiction, chosen) {
            throw DomainError.forbidden(message: "The place lies outside the government body's jurisdiction.")
        }
        let now = clock.now()
        async let needs = planning.needs(in: chosen)
        async let demand = planning.demand(in: chosen, closedBy: now)
        let (total, byFocusArea, byPlace) = try await needs
        let (rows, demandTotal) = try await demand
        return PlanningOverview(
            territory: chosen, jurisdiction: jurisdiction, total: total, byFocusArea: byFocusArea, byPlace: byPlace,
            demand: rows, demandTotal: demandTotal, asOf: now
        )
    }
}
