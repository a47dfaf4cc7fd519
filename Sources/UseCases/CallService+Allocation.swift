import Domain
import Foundation
import Matching
import NIOPosix
import Storage

/// Allocating a call's money: among the applications that passed, the state budget and the
/// businesses' pledges go where Σ score × amount is largest, exactly, within each fund and earmark.
extension CallService {
    /// Computes the call's allocation after applications close (again as often as wanted until the
    /// award) and keeps it. An application counts when it has at least the call's number of reviews,
    /// a moderator's score where they disagree, a score at the pass mark or above, and still meets
    /// every eligibility rule; every other one is listed with why.
    public func allocate(_ callID: UUID, by caller: Caller) async throws -> CallAllocationOutcome {
        let call = try await ownCall(callID, by: caller, to: "allocate its money")
        let now = clock.now()
        try Self.requireAllocatable(call, at: now)
        let outcome = try await computeAllocation(of: call, at: now)
        return try await calls.saveAllocation(outcome) { call in try Self.requireAllocatable(call, at: now) }
    }

    /// The allocation as the call's applications, scores and pledges stand now.
    func computeAllocation(of call: Call, at now: Date) async throws -> CallAllocationOutcome {
        let callID = call.id
        let applications = try await calls.submittedApplications(of: callID).sorted { left, right in
            let (l, r) = (left.submittedAt ?? left.createdAt, right.submittedAt ?? right.createdAt)
            return l != r ? l < r : left.id.precedes(right.id)
        }
        let scores = try await calls.scores(of: callID)
        let inputs = try await calls.allocationInputs(of: callID, now: now, graceDays: reporting.graceDays)
        let pledges = try await calls.pledges(of: callID).filter { $0.withdrawnAt == nil }
        let year = Calendar(identifier: .gregorian).component(.year, from: now)
        let terms = call.terms

        var unfunded: [CallUnfunded] = []
        var passing: [(application: CallApplicationSummary, score: Double, funds: [Int])] = []
        for application in applications {
            let score = scores[application.id] ?? ApplicationScore(totals: [], expected: 0)
            let reviewed = score.moderated != nil || (score.isComplete && score.totals.count >= terms.reviewersPerApplication)
            guard reviewed else {
                unfunded.append(CallUnfunded(applicationID: application.id, reason: .awaitingReviews, score: nil,
                                             detail: "\(score.totals.count) of \(max(score.expected, terms.reviewersPerApplication)) reviews"))
                continue
            }
            guard let final = score.final(limit: terms.moderationSpread) else {
                unfunded.append(CallUnfunded(applicationID: application.id, reason: .awaitingModeration, score: score.mean))
                continue
            }
            guard let input = inputs[application.id] else {
                unfunded.append(CallUnfunded(applicationID: application.id, reason: .ineligible, score: final, detail: "Its project no longer exists."))
                continue
            }
            let failures = terms.eligibility.failures(of: input.applicant, territory: terms.territory, year: year)
            if !failures.isEmpty {
                unfunded.append(CallUnfunded(applicationID: application.id, reason: .ineligible, score: final, detail: failures.map(\.message).joined(separator: " ")))
                continue
            }
            guard final >= terms.passMark else {
                unfunded.append(CallUnfunded(applicationID: application.id, reason: .belowPassMark, score: final))
                continue
            }
            let funds = [0] + pledges.indices.filter { pledges[$0].admits(focusAreas: input.focusAreas, regions: input.regions) }.map { $0 + 1 }
            passing.append((application, final, funds))
        }

        // Funded in part, an application could get less than the call's smallest grant: such an
        // application is left out and the rest allocated again, until every grant is one the call offers.
        var excluded = Set<Int>()
        var result: CallAllocation
        let partial = terms.partialFunding
        repeat {
            let problem = CallAllocationProblem(
                budgets: [terms.stateBudgetKZT] + pledges.map(\.amountKZT),
                applications: passing.enumerated().map { index, entry in
                    CallAllocationProblem.Application(
                        asked: excluded.contains(index) ? 0 : entry.application.amountKZT, score: Int64((entry.score * 100).rounded()), funds: entry.funds
                    )
                }
            )
            // Up to a second or two of CPU for a large call: off the event loops.
            result = try await NIOThreadPool.singleton.runIfActive { partial ? CallAllocator.split(problem) : CallAllocator.whole(problem) }
            let amounts = result.amounts(applicationCount: passing.count)
            let tooSmall = passing.indices.filter { amounts[$0] > 0 && amounts[$0] < terms.minGrantKZT }
            guard !tooSmall.isEmpty else { break }
            excluded.formUnion(tooSmall)
        } while true
        let amounts = result.amounts(applicationCount: passing.count)
        let grants = result.grants.map { grant -> CallGrant in
            let fund = grant.fund
            return CallGrant(
                applicationID: passing[grant.application].application.id, pledgeID: fund == 0 ? nil : pledges[fund - 1].id,
                funderID: fund == 0 ? call.governmentBodyID : pledges[fund - 1].businessID, amountKZT: grant.amount, score: passing[grant.application].score
            )
        }
        for (index, entry) in passing.enumerated() where amounts[index] < entry.application.amountKZT {
            unfunded.append(CallUnfunded(
                applicationID: entry.application.id, reason: amounts[index] > 0 ? .partlyFunded : .outOfBudget, score: entry.score,
                detail: amounts[index] > 0 ? "\(amounts[index]) of \(entry.application.amountKZT) KZT"
                    : excluded.contains(index) ? "What was left for it came to less than the call's smallest grant." : ""
            ))
        }
        let funded = passing.indices.filter { amounts[$0] > 0 }.map { passing[$0].score }
        return CallAllocationOutcome(
            callID: callID, computedAt: now, objective: result.objective / 100, upperBound: result.upperBound / 100,
            splitBound: result.splitBound / 100, isExact: result.isExact, cutOff: funded.min(), grants: grants, unfunded: unfunded
        )
    }

    /// The call's last allocation, for its government body and admins.
    public func allocation(of callID: UUID, by caller: Caller) async throws -> CallAllocationOutcome? {
        try await calls.allocation(of: try await ownCall(callID, by: caller, to: "see its allocation").id)
    }

    static func requireAllocatable(_ call: Call, at now: Date) throws {
        let phase = call.phase(at: now)
        guard phase == .reviewing || phase == .deciding else {
            throw DomainError.conflict(code: "call_not_closed", message: phase == .awarded
                ? "The call's results are published; its allocation stands."
                : "Money is allocated once applications have closed.")
        }
    }
}
