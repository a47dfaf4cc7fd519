import Domain
import Foundation
import Storage

/// Calls as the public reads them, signed in or not: published calls with their money and the
/// number of applications; once a call is awarded, its results, the reviewers' scores only in
/// aggregate. A draft does not exist here, not even for its government body.
extension CallService {
    /// A published call with who issued it and its figures, and its phase now.
    public struct PublicCall: Sendable {
        public let call: Call
        public let phase: CallPhase
        /// Nil when the issuer's record is gone.
        public let issuer: Organization?
        public let figures: CallFigures
    }

    /// A published call's page: its terms, the co-funders' live pledges, its figures and, once
    /// awarded, its results.
    public struct PublicPage: Sendable {
        public let summary: PublicCall
        public let pledges: [CallPledge]
        /// The co-funders and the winning NGOs, by id.
        public let organizations: [UUID: Organization]
        /// The winners' projects, by id.
        public let projects: [UUID: ProjectName]
        public let results: CallResults?
    }

    /// A winner's project: its title, and whether its own page is public (a draft's is not).
    public struct ProjectName: Sendable {
        public let title: LocalizedText
        public let isPublic: Bool
    }

    public static let publicListLimit = 100

    /// Published and awarded calls in `phase` (nil for all; `deciding` reads as `reviewing`)
    /// whose territory overlaps `place` (a region or district; nil for anywhere), newest first.
    public func publicCalls(phase: CallPhase?, place: String?, limit: Int = CallService.publicListLimit, by caller: Caller) async throws -> [PublicCall] {
        var issues: [FieldIssue] = []
        if phase == .draft { issues.append(FieldIssue(field: "phase", code: "unknown_phase", message: "Drafts are not public.")) }
        issues += try await reference.unknownCodes(region: place, focusAreas: [], regionField: "region")
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        let now = clock.now()
        let found = try await calls.publicCalls(phase: phase, place: place, now: now, limit: max(1, min(limit, Self.publicListLimit)))
        let issuers = try await organizations.find(Array(Set(found.map(\.call.governmentBodyID))))
        let byID = Dictionary(uniqueKeysWithValues: issuers.map { ($0.id, $0) })
        return found.map { PublicCall(call: $0.call, phase: $0.call.phase(at: now), issuer: byID[$0.call.governmentBodyID], figures: $0.figures) }
    }

    /// A published call's public page; a draft is not found, for every caller.
    public func publicPage(_ id: UUID, by caller: Caller) async throws -> PublicPage {
        let call = try await publicCall(id)
        let now = clock.now()
        let pledges = try await calls.pledges(of: id).filter { $0.withdrawnAt == nil }
        let results = call.state == .awarded ? try await calls.results(of: id).publishable : nil
        var ids = Set(pledges.map(\.businessID)).union([call.governmentBodyID])
        var projects: [UUID: ProjectName] = [:]
        if let results {
            ids.formUnion(results.winners.map(\.ngoID))
            ids.formUnion(results.winners.flatMap { $0.funders.map(\.organizationID) })
            for project in try await calls.projectTitles(results.winners.map(\.projectID)) {
                projects[project.id] = ProjectName(title: project.title, isPublic: project.status != .draft)
            }
        }
        let organizations = Dictionary(uniqueKeysWithValues: try await self.organizations.find(Array(ids)).map { ($0.id, $0) })
        let summary = PublicCall(call: call, phase: call.phase(at: now), issuer: organizations[call.governmentBodyID], figures: try await calls.figures(of: id))
        return PublicPage(summary: summary, pledges: pledges, organizations: organizations, projects: projects, results: results)
    }

    /// An awarded call's results for anyone; before the award they are not public (409).
    public func results(of id: UUID, by caller: Caller) async throws -> CallResults {
        let call = try await publicCall(id)
        guard call.state == .awarded else {
            throw DomainError.conflict(code: "call_not_awarded", message: "A call's results are public once its government body publishes them.")
        }
        return try await calls.results(of: id).publishable
    }

    /// The call unless it is a draft.
    private func publicCall(_ id: UUID) async throws -> Call {
        let call = try await calls.find(id)
        guard call.state != .draft else { throw DomainError.notFound(resource: "call") }
        return call
    }
}
