import Domain
import Foundation
import Storage

/// Publishing a call's results: the allocation the government body checked becomes partnerships.
extension CallService {
    /// Publishes the results once the results date has come: each funded application becomes an
    /// approved partnership (the call's body as state funder, the co-funders paying their shares)
    /// that enters monitoring with the application's results framework.
    ///
    /// The allocation published is the one stored, and only while it is still what the call's
    /// applications, scores and pledges give now: a change since (a moderation, a withdrawal, an
    /// NGO's report going overdue) asks for the allocation to be computed and checked again.
    /// `checked`, when given, is the time of the allocation the publisher looked at: another
    /// computation since is refused the same way.
    public func award(_ callID: UUID, checked: Date?, publisher personID: UUID?, by caller: Caller) async throws -> CallAward {
        let call = try await ownCall(callID, by: caller, to: "publish its results")
        let now = clock.now()
        try Self.requireAwardable(call, at: now)
        guard let stored = try await calls.allocation(of: callID) else {
            throw DomainError.conflict(code: "not_allocated", message: "Compute the allocation and check it before publishing the results.")
        }
        let current = try await computeAllocation(of: call, at: now)
        guard Self.sameGrants(stored, current) else {
            throw DomainError.conflict(code: "allocation_changed", message: "Applications, scores or pledges changed since the allocation was computed: compute it again and check it.")
        }
        let actor = caller.actor
        return try await calls.award(callID, publisher: personID, actor: actor) { call, allocation in
            try Self.requireAwardable(call, at: now)
            guard let allocation, Self.sameGrants(allocation, stored), checked.map({ abs($0.timeIntervalSince(allocation.computedAt)) < 0.001 }) ?? true else {
                throw DomainError.conflict(code: "allocation_changed", message: "The allocation was computed again since you checked it: check it again.")
            }
        }
    }

    /// The partnerships an awarded call's applications became, for anyone once the call is awarded.
    public func awardedPartnerships(of callID: UUID, by caller: Caller) async throws -> [UUID: UUID] {
        let call = try await find(callID, by: caller)
        guard call.state == .awarded else { return [:] }
        return try await calls.awardedPartnerships(of: callID)
    }

    static func requireAwardable(_ call: Call, at now: Date) throws {
        switch call.phase(at: now) {
        case .deciding: return
        case .awarded: throw DomainError.conflict(code: "call_awarded", message: "The call's results are published already.")
        default: throw DomainError.conflict(code: "results_not_due", message: "Results are published from the call's results date on.")
        }
    }

    static func sameGrants(_ left: CallAllocationOutcome, _ right: CallAllocationOutcome) -> Bool {
        struct Key: Hashable { let application: UUID; let pledge: UUID?; let amount: Int64 }
        func keys(_ outcome: CallAllocationOutcome) -> Set<Key> {
            Set(outcome.grants.map { Key(application: $0.applicationID, pledge: $0.pledgeID, amount: $0.amountKZT) })
        }
        return keys(left) == keys(right)
    }
}
