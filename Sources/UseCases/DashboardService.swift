import Domain
import Foundation
import Storage

/// Monitoring dashboards, open to everyone like the rest of the portal: for partnerships past
/// approval in a place, a focus area or of a sponsor, the money pledged and disbursed, people
/// reached, cost per person, targets met and overdue reports, with the table behind each figure.
public struct DashboardService: Sendable {
    let dashboards: DashboardRepository
    let reference: ReferenceData
    let clock: ServiceClock
    let reporting: ReportingPolicy

    public init(dashboards: DashboardRepository, reference: ReferenceData, clock: ServiceClock, reporting: ReportingPolicy = ReportingPolicy()) {
        self.dashboards = dashboards
        self.reference = reference
        self.clock = clock
        self.reporting = reporting
    }

    public struct Dashboard: Sendable {
        public let filter: DashboardFilter
        /// Everything selected, in one row (zeros when nothing is).
        public let total: DashboardFigures
        /// One row per unit below the filter's place (regions for the country, districts for a
        /// region; none for a district), each holding its partnerships.
        public let places: [DashboardFigures]
        public let focusAreas: [DashboardFigures]
        /// Projects by status, need against money placed, partnerships by stage: for everything
        /// selected, by the same places, and by focus area.
        public let pipeline: ProjectPipeline
        public let pipelineByPlace: [ProjectPipeline]
        public let pipelineByFocusArea: [ProjectPipeline]
        public let asOf: Date
    }

    /// The dashboard for a filter whose codes are checked here (each unknown one is named under
    /// `placeField` or `focusAreaField`): the country breaks down into regions, a region into its
    /// districts, a district not at all.
    public func dashboard(_ filter: DashboardFilter, placeField: String, focusAreaField: String, by caller: Caller) async throws -> Dashboard {
        let issues = try await reference.unknownCodes(
            region: filter.place, focusAreas: filter.focusArea.map { [$0] } ?? [], regionField: placeField, focusAreaField: { _ in focusAreaField }
        )
        guard issues.isEmpty else { throw DomainError.invalid(issues) }
        guard let place = filter.place else { return try await dashboard(filter, placesBelow: nil, breaksDownPlaces: true, by: caller) }
        let isRegion = try await reference.snapshot().unit(place)?.parentKATO == nil
        return try await dashboard(filter, placesBelow: place, breaksDownPlaces: isRegion, by: caller)
    }

    /// `parent` is the place whose units the place table lists: nil for the regions.
    private func dashboard(_ filter: DashboardFilter, placesBelow parent: String?, breaksDownPlaces: Bool, by caller: Caller) async throws -> Dashboard {
        let now = clock.now()
        let grace = reporting.graceDays
        async let total = dashboards.figures(filter, by: .total, now: now, graceDays: grace)
        async let places = breaksDownPlaces ? dashboards.figures(filter, by: .places(parent: parent), now: now, graceDays: grace) : []
        async let focus = dashboards.figures(filter, by: .focusAreas, now: now, graceDays: grace)
        async let pipeline = dashboards.pipeline(filter, by: .total)
        async let pipelineByPlace = breaksDownPlaces ? dashboards.pipeline(filter, by: .places(parent: parent)) : []
        async let pipelineByFocusArea = dashboards.pipeline(filter, by: .focusAreas)
        let empty = DashboardFigures(
            key: "", partnerships: 0, active: 0, completed: 0, pledgedKZT: 0, disbursedKZT: 0, beneficiariesReached: 0, indicators: 0, indicatorsMet: 0, overdue: 0
        )
        return Dashboard(
            filter: filter, total: try await total.first ?? empty, places: try await places, focusAreas: try await focus,
            pipeline: try await pipeline.first ?? .empty(), pipelineByPlace: try await pipelineByPlace,
            pipelineByFocusArea: try await pipelineByFocusArea, asOf: now
        )
    }
}
