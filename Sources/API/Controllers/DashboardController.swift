import Domain
import Foundation
import Hummingbird
import UseCases

/// The monitoring dashboard as JSON, open like the portal's page of it: for the country, a region
/// or district, a focus area, a sponsor, the figures and the tables behind them.
struct DashboardController {
    let dashboards: DashboardService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/dashboard", use: show)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Reply<DashboardResource> {
        let query = QueryReader(request: request)
        query.rejectUnknown(["place", "focus_area", "sponsor_id"])
        let place = query.kato("place")
        let focusArea = query.string("focus_area", maxLength: 64).flatMap { TextRules.code($0, field: "focus_area", issues: query.issues) }
        let sponsor = query.string("sponsor_id", maxLength: 64).flatMap { raw -> UUID? in
            guard let id = UUID(uuidString: raw) else {
                query.issues.add("sponsor_id", "invalid_uuid", "sponsor_id must be an organization id (a UUID).")
                return nil
            }
            return id
        }
        try query.issues.throwIfAny()
        let filter = DashboardFilter(place: place, focusArea: focusArea, sponsor: sponsor)
        let found = try await dashboards.dashboard(filter, placeField: "place", focusAreaField: "focus_area", by: context.caller)
        return Reply(DashboardResource(found))
    }
}

struct DashboardResource: Encodable {
    let place: String?
    let focusArea: String?
    let sponsorId: String?
    let asOf: Date
    /// Partnerships past approval: everything selected, then by place (regions for the country,
    /// districts for a region; empty for a district) and by focus area.
    let total: DashboardFiguresResource
    let places: [DashboardFiguresResource]
    let focusAreas: [DashboardFiguresResource]
    /// Projects by status, need against money placed, partnerships by stage, split the same ways.
    let pipeline: PipelineResource
    let pipelineByPlace: [PipelineResource]
    let pipelineByFocusArea: [PipelineResource]

    init(_ dashboard: DashboardService.Dashboard) {
        place = dashboard.filter.place
        focusArea = dashboard.filter.focusArea
        sponsorId = dashboard.filter.sponsor?.lowercasedString
        asOf = dashboard.asOf
        total = DashboardFiguresResource(dashboard.total)
        places = dashboard.places.map(DashboardFiguresResource.init)
        focusAreas = dashboard.focusAreas.map(DashboardFiguresResource.init)
        pipeline = PipelineResource(dashboard.pipeline)
        pipelineByPlace = dashboard.pipelineByPlace.map(PipelineResource.init)
        pipelineByFocusArea = dashboard.pipelineByFocusArea.map(PipelineResource.init)
    }
}

struct DashboardFiguresResource: Encodable {
    /// A KATO code or a focus area's code; null for the whole selection.
    let key: String?
    let partnerships: Int
    let active: Int
    let completed: Int
    let pledgedKzt: Int64
    let disbursedKzt: Int64
    let disbursedPercent: Int?
    let beneficiariesReached: Int64
    let costPerBeneficiaryKzt: Int64?
    let indicators: Int
    let indicatorsMet: Int
    let targetsMetPercent: Int?
    let overdue: Int
    let overduePercent: Int?

    init(_ figures: DashboardFigures) {
        key = figures.key.isEmpty ? nil : figures.key
        partnerships = figures.partnerships
        active = figures.active
        completed = figures.completed
        pledgedKzt = figures.pledgedKZT
        disbursedKzt = figures.disbursedKZT
        disbursedPercent = figures.disbursedPercent
        beneficiariesReached = figures.beneficiariesReached
        costPerBeneficiaryKzt = figures.costPerBeneficiaryKZT
        indicators = figures.indicators
        indicatorsMet = figures.indicatorsMet
        targetsMetPercent = figures.targetsMetPercent
        overdue = figures.overdue
        overduePercent = figures.overduePercent
    }
}

struct PipelineResource: Encodable {
    let key: String?
    let openProjects: Int
    let fundedProjects: Int
    let closedProjects: Int
    let openNeedKzt: Int64
    let placedKzt: Int64
    let unfundedKzt: Int64
    let placedPercent: Int?
    let proposed: Int
    let underReview: Int
    let approved: Int
    let active: Int
    let completed: Int
    let ended: Int

    init(_ pipeline: ProjectPipeline) {
        key = pipeline.key.isEmpty ? nil : pipeline.key
        openProjects = pipeline.open
        fundedProjects = pipeline.funded
        closedProjects = pipeline.closed
        openNeedKzt = pipeline.openNeedKZT
        placedKzt = pipeline.placedKZT
        unfundedKzt = pipeline.unfundedKZT
        placedPercent = pipeline.placedPercent
        proposed = pipeline.proposed
        underReview = pipeline.underReview
        approved = pipeline.approved
        active = pipeline.active
        completed = pipeline.completed
        ended = pipeline.ended
    }
}
