import Domain
import Foundation
import NIOConcurrencyHelpers
import Storage

/// The public portal's pages, read-only. Every caller sees the same: what is public today (no
/// drafts, no contacts, no partnership before approval). Signed-in callers see no more here; their
/// own private data is on the pages of the services that own it.
public struct PortalService: Sendable {
    let portal: PortalRepository
    let organizations: OrganizationRepository
    let projects: ProjectRepository
    let reference: ReferenceData
    let cache: PortalCache
    let clock: ServiceClock
    let reporting: ReportingPolicy

    /// Figures (home, regions, a region) are kept for `figuresFor` and carry the time they were read;
    /// past that they are still answered while one background read replaces them. `.zero` reads them
    /// afresh every time. `seconds` is the clock that ages them: monotonic, so a step of the wall
    /// clock neither keeps stale figures nor drops fresh ones; tests move their own.
    public init(
        portal: PortalRepository, organizations: OrganizationRepository, projects: ProjectRepository,
        reference: ReferenceData, figuresFor: Duration = .seconds(30), seconds: @escaping @Sendable () -> TimeInterval = PortalCache.uptime,
        clock: ServiceClock = ServiceClock(), reporting: ReportingPolicy = ReportingPolicy()
    ) {
        self.clock = clock
        self.reporting = reporting
        self.portal = portal
        self.organizations = organizations
        self.projects = projects
        self.reference = reference
        self.cache = PortalCache(lifetime: figuresFor, seconds: seconds)
    }

    // MARK: - Home

    /// Organizations of each kind, open projects and their need, funding placed, partnerships by stage.
    public func home(by caller: Caller) async throws -> PortalHome {
        try await cache.value(for: "home") { try await portal.home() }
    }

    // MARK: - Organization profile

    public struct OrganizationProfile: Sendable {
        /// The registry record with its contacts (email, phone) removed.
        public let organization: Organization
        public let legalForm: LegalForm?
        /// The regions and districts it names, as reference units (unknown codes left out).
        public let places: [Region]
        /// Its projects that are not drafts, newest first (at most 200).
        public let projects: [Project]
        /// Its partnerships past approval, in any of the three roles, newest first.
        public let partnerships: [PortalPartnership]
        public let fundingByYear: [PortalFundingYear]
        /// Milestone reports and final evaluations of those partnerships, oldest first.
        public let reports: [PortalReport]
    }

    public func organizationProfile(_ id: UUID, by caller: Caller) async throws -> OrganizationProfile {
        var organization = try await organizations.find(id)
        organization.fields.contactEmail = nil
        organization.fields.contactPhone = nil
        var filter = ProjectFilter()
        filter.organizationID = id
        let projects = organization.fields.kind == .ngo
            ? try await projects.list(filter, after: nil, limit: 200).items : []
        let partnerships = try await stamped(portal.partnerships(of: .organization(id)))
        let reports = try await portal.reports(of: .organization(id))
        let snapshot = try await reference.snapshot()
        // A body's jurisdiction is usually among its places too: each is listed once.
        var seen = Set<String>()
        let codes = (organization.fields.regions + [organization.fields.jurisdiction].compactMap { $0 }).filter { seen.insert($0).inserted }
        return OrganizationProfile(
            organization: organization,
            legalForm: snapshot.legalForms.first { $0.code == organization.fields.legalForm },
            places: codes.compactMap(snapshot.unit),
            projects: projects,
            partnerships: partnerships,
            fundingByYear: Self.fundingByYear(of: id, partnerships: partnerships, reports: reports),
            reports: reports
        )
    }

    /// Kazakhstan keeps one time zone, UTC+5, since 2024.
    static let kazakhstanTime: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 5 * 3600) ?? .gmt
        return calendar
    }()

    static func fundingByYear(of id: UUID, partnerships: [PortalPartnership], reports: [PortalReport]) -> [PortalFundingYear] {
        struct Key: Hashable { let year: Int; let role: PartyRole }
        var pledged: [Key: Int64] = [:]
        var disbursed: [Key: Int64] = [:]
        func roles(_ partnership: PortalPartnership) -> [PartyRole] {
            let sponsors = partnership.business.map { [$0.id] } ?? partnership.funders.filter { $0.role == .business }.map(\.party.id)
            return ([(PartyRole.ngo, partnership.ngo.id), (.governmentBody, partnership.governmentBody.id)] + sponsors.map { (.business, $0) })
                .filter { $0.1 == id }.map(\.0)
        }
        let byID = Dictionary(uniqueKeysWithValues: partnerships.map { ($0.id, $0) })
        for partnership in partnerships where partnership.state != .cancelled {
            guard let decided = partnership.decidedAt else { continue }
            let year = kazakhstanTime.component(.year, from: decided)
            for role in roles(partnership) {
                // A co-funder of a call's award pledged its share, not the whole grant.
                let share = partnership.business == nil && role == .business
                    ? partnership.funders.first { $0.party.id == id }?.amountKZT ?? 0 : partnership.pledgeKZT
                pledged[Key(year: year, role: role), default: 0] += share
            }
        }
        for report in reports where report.report.amountDisbursedKZT > 0 {
            guard let partnership = byID[report.partnershipID] else { continue }
            let year = kazakhstanTime.component(.year, from: report.report.createdAt)
            for role in roles(partnership) { disbursed[Key(year: year, role: role), default: 0] += report.report.amountDisbursedKZT }
        }
        let order: [PartyRole: Int] = [.ngo: 0, .business: 1, .governmentBody: 2]
        return Set(pledged.keys).union(disbursed.keys)
            .sorted { ($0.year, order[$0.role] ?? 0) < ($1.year, order[$1.role] ?? 0) }
            .map { PortalFundingYear(year: $0.year, role: $0.role, pledgedKZT: pledged[$0] ?? 0, disbursedKZT: disbursed[$0] ?? 0) }
    }

    // MARK: - Project page

    public struct ProjectPage: Sendable {
        public let project: Project
        public let ngo: PortalParty
        /// Pledged in approved, active and completed partnerships.
        public let pledgedKZT: Int64
        /// Disbursed as reported in its public partnerships.
        public let disbursedKZT: Int64
        public let partnerships: [PortalPartnership]
        /// Every recorded step of those partnerships, oldest first.
        public let timeline: [PortalTimelineEntry]
        public let reports: [PortalReport]
        /// Each partnership's indicators with their latest values (none when it set no framework).
        public let progress: [UUID: [IndicatorProgress]]

        /// What is still missing of the need.
        public var remainingKZT: Int64 { max(0, project.fields.fundingNeededKZT - pledgedKZT) }
    }

    /// A project that is not a draft; a draft does not exist here, whoever asks.
    public func projectPage(_ id: UUID, by caller: Caller) async throws -> ProjectPage {
        let project = try await projects.find(id)
        if project.fields.status == .draft { throw DomainError.notFound(resource: "project") }
        let owner = try await organizations.find(project.fields.organizationID)
        let partnerships = try await stamped(portal.partnerships(of: .project(id)))
        return ProjectPage(
            project: project,
            ngo: PortalParty(id: owner.id, kind: owner.fields.kind, bin: owner.fields.bin, name: owner.fields.name),
            pledgedKZT: partnerships.filter { [.approved, .active, .completed].contains($0.state) }.reduce(0) { $0 + $1.pledgeKZT },
            disbursedKZT: partnerships.reduce(0) { $0 + $1.disbursedKZT },
            partnerships: partnerships,
            timeline: try await portal.timeline(ofProject: id),
            reports: try await portal.reports(of: .project(id)),
            progress: try await portal.indicatorProgress(ofProject: id)
        )
    }

    /// Partnerships with `isOverdue` as of the service's clock.
    func stamped(_ partnerships: [PortalPartnership]) -> [PortalPartnership] {
        let now = clock.now()
        return partnerships.map { partnership in
            var partnership = partnership
            partnership.isOverdue = reporting.isOverdue(dueAt: partnership.reportDueAt, now: now)
            return partnership
        }
    }

    // MARK: - Regions

    public struct RegionsOverview: Sendable {
        public let measure: PortalMeasure
        /// One row per top-level region (all 20), in KATO order, with every measure.
        public let regions: [PortalPlaceFigures]
        public let asOf: Date

        /// The figure the map is coloured by, per KATO code.
        public var values: [String: Int64] {
            Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.figures.value(measure)) })
        }
    }

    public func regions(_ measure: PortalMeasure, by caller: Caller) async throws -> RegionsOverview {
        let (figures, asOf) = try await cache.value(for: "regions") { (try await portal.placeFigures(.regions), Date()) }
        return RegionsOverview(measure: measure, regions: figures, asOf: asOf)
    }

    public struct RegionPage: Sendable {
        public let region: Region
        /// The region's own figures (everything in it, districts or not).
        public let totals: PortalFigures
        /// One row per district of the region (every one, zeros included), in KATO order.
        public let districts: [PortalPlaceFigures]
        /// One row per focus area (all 16), in code order.
        public let focusAreas: [PortalPlaceFigures]
        /// The 10 open projects with the most still missing.
        public let largestUnfundedNeeds: [PortalUnfundedNeed]
        public let asOf: Date
    }

    /// A top-level region's page; any other code is not found.
    public func region(_ kato: String, by caller: Caller) async throws -> RegionPage {
        let snapshot = try await reference.snapshot()
        guard let region = snapshot.regions.first(where: { $0.kato == kato }) else {
            throw DomainError.notFound(resource: "region")
        }
        return try await cache.value(for: "region:\(kato)") {
            let totals = try await portal.placeFigures(.unit(kato)).first?.figures ?? PortalFigures()
            return RegionPage(
                region: region,
                totals: totals,
                districts: try await portal.placeFigures(.districts(of: kato)),
                focusAreas: try await portal.focusFigures(in: kato),
                largestUnfundedNeeds: try await portal.largestUnfundedNeeds(in: kato, limit: 10),
                asOf: Date()
            )
        }
    }
}

/// Figures read within the last `lifetime`, by key. An older value is still answered at once while
/// one background read replaces it, so a page waits for the aggregates only the first time; every
/// value carries the time it was read ("as of").
public final class PortalCache: Sendable {
    /// Seconds since boot, which only ever move forward.
    public static let uptime: @Sendable () -> TimeInterval = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private struct Entry: @unchecked Sendable {
        // Safe: every value stored is itself Sendable (`value(for:)` requires it); Any hides only the type.
        let value: Any
        let readAt: TimeInterval
        var refreshing = false
    }

    private let lifetime: TimeInterval
    private let seconds: @Sendable () -> TimeInterval
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    init(lifetime: Duration, seconds: @escaping @Sendable () -> TimeInterval) {
        let (whole, attoseconds) = lifetime.components
        self.lifetime = TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
        self.seconds = seconds
    }

    func value<T: Sendable>(for key: String, read: @escaping @Sendable () async throws -> T) async throws -> T {
        guard lifetime > 0 else { return try await read() }
        let now = seconds()
        // nil: nothing usable; otherwise the value, and whether this caller should refresh it.
        let cached: (T, Bool)? = entries.withLockedValue { entries in
            guard let entry = entries[key], let value = entry.value as? T else { return nil }
            if now - entry.readAt < lifetime || entry.refreshing { return (value, false) }
            entries[key]?.refreshing = true
            return (value, true)
        }
        guard let (value, refresh) = cached else {
            let value = try await read()
            entries.withLockedValue { $0[key] = Entry(value: value, readAt: now) }
            return value
        }
        if refresh {
            Task {
                do {
                    let fresh = try await read()
                    let readAt = self.seconds()
                    entries.withLockedValue { $0[key] = Entry(value: fresh, readAt: readAt) }
                } catch {
                    // Keep answering the older figures; the next request past the lifetime tries again.
                    entries.withLockedValue { $0[key]?.refreshing = false }
                }
            }
        }
        return value
    }
}
