import Foundation
import Matching
import NIOPosix
import Storage

/// Runs funding rounds: scope, scoring, allocation, and turning placements into proposals.
struct RoundService: Sendable {
    let rounds: RoundRepository
    let partnerships: PartnershipRepository
    let reference: ReferenceData

    func run(_ request: RoundRequest, governmentBody: UUID, isAdmin: Bool) async throws -> FundingRound {
        let (projects, sponsors) = try await rounds.scope(request)
        let planner = RoundPlanner(taxonomy: try await reference.snapshot().taxonomy)
        let mode = request.mode
        // Up to seconds of CPU for a large round: off the event loops, which tasks run on.
        let outcome = try await NIOThreadPool.singleton.runIfActive {
            let plan = planner.plan(projects: projects.map { ($0.profile, $0.owner) }, sponsors: sponsors.map(\.profile))
            let result = mode == .split ? Allocator.split(plan.problem) : Allocator.whole(plan.problem)
            return Self.outcome(projects: projects, sponsors: sponsors, plan: plan, result: result)
        }
        return try await rounds.save(request, by: governmentBody, isAdmin: isAdmin, outcome: outcome)
    }

    static func outcome(projects: [ProjectCandidate], sponsors: [PartnerCandidate], plan: RoundPlanner.Plan, result: AllocationResult) -> RoundOutcome {
        var placed = [Int64](repeating: 0, count: projects.count)
        let placements = result.placements.map { placement -> RoundPlacement in
            placed[placement.project] += placement.amount
            return RoundPlacement(
                projectID: projects[placement.project].profile.id, sponsorID: sponsors[placement.sponsor].profile.id,
                amountKZT: placement.amount, score: plan.scores[placement.project]?[placement.sponsor] ?? 0
            )
        }
        var unfunded: [UnfundedProject] = []
        for (index, project) in projects.enumerated() where placed[index] < project.profile.fundingGapKZT {
            let reason: UnfundedProject.Reason = placed[index] > 0 ? .partlyFunded
                : (plan.scores[index]?.isEmpty ?? true) ? .noPlausibleSponsor : .outbid
            unfunded.append(UnfundedProject(projectID: project.profile.id, needKZT: project.profile.fundingGapKZT, placedKZT: placed[index], reason: reason))
        }
        return RoundOutcome(
            projectsInScope: projects.count, sponsorsInScope: sponsors.count, pairsScored: plan.pairsScored,
            objective: result.objective / RoundPlanner.weightScale, upperBound: result.upperBound / RoundPlanner.weightScale,
            blockingPairs: Allocator.blockingPairs(plan.problem, result),
            placements: placements, unfunded: unfunded,
            needInScopeKZT: projects.reduce(0) { $0 + $1.profile.fundingGapKZT }
        )
    }

    /// Turns every placement into a proposed partnership with the round's government body as the
    /// third party (its consent implied), all in one transaction; a placement that cannot become one says why.
    func accept(_ round: FundingRound, by identity: Identity) async throws -> FundingRound {
        let proposer = Identity(
            tokenID: identity.tokenID, isAdmin: false,
            member: Identity.Member(
                organizationID: round.governmentBodyID, kind: .governmentBody,
                jurisdiction: round.request.national ? nil : round.request.jurisdiction,
                isNational: round.request.national, isSuspended: false
            )
        )
        return try await rounds.acceptRound(id: round.id, proposer: proposer)
    }
}
