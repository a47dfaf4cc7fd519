import Domain
import Foundation
import Matching
import NIOPosix
import Storage

/// What a government body asks for when it runs a round, as sent.
public struct RoundInput: Sendable {
    /// Default: the body's own jurisdiction.
    public var jurisdiction: String?
    public var focusAreas: [String]
    public var mode: FundingMode
    /// Nil only when `problems` says why.
    public var consentDeadline: Date?
    /// Required of an admin, who runs a round on behalf of a body; a body names only itself.
    public var governmentBodyID: UUID?
    /// The only businesses the round may place money with (say, those that signed the region's
    /// memorandum), wherever they work; empty for every business working in the jurisdiction.
    public var sponsorIDs: [UUID]
    /// What the front door found wrong with the request's form. They are reported with the
    /// rest, once the caller is known to be allowed to run a round, so a stranger learns nothing
    /// from them and a body sees every problem at once.
    public var problems: [FieldIssue]

    public init(
        jurisdiction: String?, focusAreas: [String], mode: FundingMode, consentDeadline: Date?, governmentBodyID: UUID?,
        sponsorIDs: [UUID] = [], problems: [FieldIssue] = []
    ) {
        self.sponsorIDs = sponsorIDs
        self.jurisdiction = jurisdiction
        self.focusAreas = focusAreas
        self.mode = mode
        self.consentDeadline = consentDeadline
        self.governmentBodyID = governmentBodyID
        self.problems = problems
    }
}

/// A stored round with what explaining it needs: names of its projects and sponsors, and the
/// match behind each placement (nil where a party has gone since).
public struct ExplainedRound: Sendable {
    public let round: FundingRound
    public let projects: [UUID: ProjectCandidate]
    public let sponsors: [UUID: PartnerCandidate]
    /// In the order of `round.placements`.
    public let placementMatches: [Match?]
}

/// Runs funding rounds: scope, scoring, allocation, and turning placements into proposals.
public struct RoundService: Sendable {
    let rounds: RoundRepository
    let index: LiveCandidateIndex
    let organizations: OrganizationRepository
    let reference: ReferenceData

    public init(rounds: RoundRepository, index: LiveCandidateIndex, organizations: OrganizationRepository, reference: ReferenceData) {
        self.rounds = rounds
        self.index = index
        self.organizations = organizations
        self.reference = reference
    }

    /// A government body runs a round in its own jurisdiction or part of it (a national body
    /// anywhere); an admin runs one on behalf of a body.
    public func run(_ input: RoundInput, by caller: Caller) async throws -> ExplainedRound {
        try Access.requireSignedIn(caller)
        guard caller.isAdmin || caller.reviewScope != nil else {
            throw DomainError.forbidden(message: "Funding rounds are run by government bodies.")
        }
        try Access.requireNotViewer(caller, to: "run funding rounds")
        var issues = input.problems
        if caller.isAdmin && input.governmentBodyID == nil && !issues.contains(where: { $0.field == "government_body_id" }) {
            issues.append(FieldIssue(field: "government_body_id", code: "required", message: "government_body_id is required."))
        }
        if let deadline = input.consentDeadline, deadline <= Date() {
            issues.append(FieldIssue(field: "consent_deadline", code: "in_the_past", message: "consent_deadline must lie in the future."))
        }
        if !issues.isEmpty { throw DomainError.invalid(issues.sorted { $0.field < $1.field }) }
        var runner = caller.isAdmin ? nil : caller.member?.organizationID
        if let id = input.governmentBodyID {
            guard caller.speaksFor(id) else { throw DomainError.forbidden(message: "A government body runs rounds only for itself.") }
            runner = id
        }
        let unknown = try await reference.unknownCodes(
            region: input.jurisdiction, focusAreas: input.focusAreas, regionField: "jurisdiction", focusAreaField: { "focus_areas[\($0)]" }
        )
        if !unknown.isEmpty { throw DomainError.invalid(unknown) }
        try await checkSponsors(input.sponsorIDs)
        guard let runner, let deadline = input.consentDeadline else {
            throw DomainError.invalid([FieldIssue(field: "government_body_id", code: "required", message: "government_body_id is required.")])
        }
        let scope = try await governmentScope(of: runner, caller: caller)
        let requested = input.jurisdiction ?? scope.jurisdiction
        guard scope.isNational || requested.hasPrefix(String(KATO.prefix(scope.jurisdiction))) else {
            throw DomainError.forbidden(message: "A round can only cover the government body's own jurisdiction.")
        }
        let request = RoundRequest(
            jurisdiction: requested, national: scope.isNational && input.jurisdiction == nil,
            focusAreas: input.focusAreas, mode: input.mode, consentDeadline: deadline, sponsorIDs: Self.unique(input.sponsorIDs)
        )
        // A round allocates money: it sees every change committed before it, not one still on its way.
        try await index.catchUp()
        let index = try await index.snapshot()
        let planner = RoundPlanner(taxonomy: try await reference.snapshot().taxonomy)
        let mode = request.mode
        // Up to seconds of CPU for a large round: off the event loops, which tasks run on.
        let (projects, sponsors) = try await NIOThreadPool.singleton.runIfActive {
            index.roundScope(
                jurisdiction: request.national ? nil : request.jurisdiction, focusAreas: request.focusAreas, namedSponsors: Set(request.sponsorIDs)
            )
        }
        let partnered = try await rounds.partneredPairs(projects: projects.map(\.project.id), sponsors: sponsors.map(\.id))
        let outcome = try await NIOThreadPool.singleton.runIfActive {
            let plan = planner.plan(projects: projects, sponsors: sponsors, partnered: partnered)
            let result = mode == .split ? Allocator.split(plan.problem) : Allocator.whole(plan.problem)
            return Self.outcome(projects: projects, sponsors: sponsors, plan: plan, result: result, mode: mode)
        }
        return try await explained(try await rounds.save(request, by: runner, isAdmin: caller.isAdmin, outcome: outcome))
    }

    /// The round's own government body and admins see it; for everyone else it does not exist.
    public func find(_ id: UUID, by caller: Caller) async throws -> ExplainedRound {
        try await explained(try await visibleRound(id, caller))
    }

    /// Turns every placement into a proposed partnership with the round's government body as the
    /// third party (its consent implied); a placement that cannot become one says why.
    public func accept(_ id: UUID, by caller: Caller) async throws -> ExplainedRound {
        let round = try await visibleRound(id, caller)
        try Access.requireNotViewer(caller, to: "accept funding rounds")
        // The round's body proposes, whoever pressed accept for it.
        let proposer = Proposer(
            consents: [.governmentBody], proposedBy: round.governmentBodyID,
            actor: Actor(organizationID: round.governmentBodyID, isAdmin: false)
        )
        return try await explained(try await rounds.acceptRound(id: round.id) { subject in
            if subject.projectStatus == .draft {
                throw DomainError.invalid([FieldIssue(field: "project_id", code: "unknown_project", message: "No project has this id.")])
            }
            return proposer
        })
    }

    /// Named sponsors must be active businesses that are not suspended, at most `maxSponsors`.
    private func checkSponsors(_ ids: [UUID]) async throws {
        let unique = Self.unique(ids)
        if unique.count > RoundRequest.maxSponsors {
            throw DomainError.invalid([FieldIssue(
                field: "sponsor_ids", code: "too_many", message: "A round names at most \(RoundRequest.maxSponsors) sponsors."
            )])
        }
        let businesses = Set(try await organizations.find(unique).filter {
            $0.fields.kind == .business && $0.active && $0.verification != .suspended
        }.map(\.id))
        let refused = unique.filter { !businesses.contains($0) }
        // The whole field, naming the ids: positions in the list as sent would count repeats the
        // reader has already dropped.
        if !refused.isEmpty {
            throw DomainError.invalid([FieldIssue(
                field: "sponsor_ids", code: "not_a_business",
                message: "Name only active businesses; these are not: \(refused.map(\.lowercasedString).joined(separator: ", "))."
            )])
        }
    }

    /// In the order first named, each once.
    static func unique(_ ids: [UUID]) -> [UUID] {
        var seen = Set<UUID>()
        return ids.filter { seen.insert($0).inserted }
    }

    private func visibleRound(_ id: UUID, _ caller: Caller) async throws -> FundingRound {
        try Access.requireSignedIn(caller)
        let round = try await rounds.find(id)
        guard caller.speaksFor(round.governmentBodyID) else { throw DomainError.notFound(resource: "round") }
        return round
    }

    private func governmentScope(of body: UUID, caller: Caller) async throws -> (jurisdiction: String, isNational: Bool) {
        if let member = caller.member, member.organizationID == body, let scope = caller.reviewScope {
            return (member.jurisdiction ?? "", scope.isNational)
        }
        let notABody = DomainError.invalid([
            FieldIssue(field: "government_body_id", code: "not_a_government_body", message: "Name an active government body.")
        ])
        // An id that names nothing is a field problem like any other, not a missing resource of this URL.
        let organization: Organization
        do {
            organization = try await organizations.find(body)
        } catch DomainError.notFound {
            throw notABody
        }
        guard organization.fields.kind == .governmentBody, organization.active, organization.verification != .suspended,
              let jurisdiction = organization.fields.jurisdiction else {
            throw notABody
        }
        return (jurisdiction, organization.fields.level == .national)
    }

    /// Each placement's match, scored as the round scored it (fairness off, the project taken as open).
    private func explained(_ round: FundingRound) async throws -> ExplainedRound {
        let blocking = round.strongestBlockingPairs
        let projectIDs = Array(Set(round.placements.map(\.projectID) + round.unfunded.map(\.projectID) + blocking.map(\.projectID)))
        let sponsorIDs = Array(Set(round.placements.map(\.sponsorID) + round.request.sponsorIDs + blocking.map(\.sponsorID)))
        let profiles = try await rounds.profiles(projects: projectIDs, sponsors: sponsorIDs)
        let scorer = MatchScorer(taxonomy: try await reference.snapshot().taxonomy, fairness: .off)
        let matches = round.placements.map { placement -> Match? in
            guard let project = profiles.projects[placement.projectID], let sponsor = profiles.sponsors[placement.sponsorID] else { return nil }
            var profile = project.profile
            profile.isOpen = true
            return scorer.sponsorship(project: profile, owner: project.owner, sponsor: sponsor.profile, text: 0, listing: .partner)
        }
        return ExplainedRound(round: round, projects: profiles.projects, sponsors: profiles.sponsors, placementMatches: matches)
    }

    static func outcome(
        projects: [(project: ProjectProfile, owner: PartnerProfile)], sponsors: [PartnerProfile], plan: RoundPlanner.Plan, result: AllocationResult,
        mode: FundingMode
    ) -> RoundOutcome {
        var placed = [Int64](repeating: 0, count: projects.count)
        let placements = result.placements.map { placement -> RoundPlacement in
            placed[placement.project] += placement.amount
            return RoundPlacement(
                projectID: projects[placement.project].project.id, sponsorID: sponsors[placement.sponsor].id,
                amountKZT: placement.amount, score: plan.score(project: placement.project, sponsor: placement.sponsor) ?? 0
            )
        }
        var unfunded: [UnfundedProject] = []
        for (index, (project, _)) in projects.enumerated() where placed[index] < project.fundingGapKZT {
            let reason: UnfundedProject.Reason = placed[index] > 0 ? .partlyFunded
                : plan.hasEdges(project: index) ? .outbid : .noPlausibleSponsor
            unfunded.append(UnfundedProject(projectID: project.id, needKZT: project.fundingGapKZT, placedKZT: placed[index], reason: reason))
        }
        let blocking = Allocator.blockingPairList(plan.problem, result, wholeNeeds: mode == .whole)
        let strongest = blocking.prefix(RoundBlockingPair.kept).map { pair in
            RoundBlockingPair(
                projectID: projects[pair.project].project.id, sponsorID: sponsors[pair.sponsor].id,
                score: plan.score(project: pair.project, sponsor: pair.sponsor) ?? 0,
                sponsorHasRoom: pair.sponsorHasRoom, projectHasRoom: pair.projectHasRoom
            )
        }
        return RoundOutcome(
            projectsInScope: projects.count, sponsorsInScope: sponsors.count, pairsScored: plan.pairsScored,
            objective: result.objective / RoundPlanner.weightScale, upperBound: result.upperBound / RoundPlanner.weightScale,
            blockingPairs: blocking.count, strongestBlockingPairs: Array(strongest),
            placements: placements, unfunded: unfunded,
            needInScopeKZT: projects.reduce(0) { $0 + $1.project.fundingGapKZT }
        )
    }
}
