import Domain
import Foundation
import Postgres

/// What became of a group of proposals. A partnership counts in every stage it passed through.
public struct ProposalOutcomes: Sendable, Equatable {
    public var proposals = 0
    /// All three parties consented at some time (it went under review).
    public var consented = 0
    /// Approved at some time: approved, active, completed, or cancelled (only an approved or active
    /// partnership can be).
    public var approved = 0
    public var completed = 0
    public var cancelled = 0
    public var rejected = 0
    public var withdrawn = 0

    public init() {}
}

/// Proposals grouped by whether the proposer had been shown its choice in a match list.
public struct ProposalOutcomesByOrigin: Sendable, Equatable {
    public var fromList = ProposalOutcomes()
    public var notFromList = ProposalOutcomes()
    /// Proposed before migration 0011, when nothing recorded what was shown.
    public var unrecorded = ProposalOutcomes()

    public init() {}

    public var proposals: Int { fromList.proposals + notFromList.proposals + unrecorded.proposals }
}

extension PartnershipRepository {
    public func outcomesByOrigin() async throws -> ProposalOutcomesByOrigin {
        try await pool.withConnection { connection in
            var report = ProposalOutcomesByOrigin()
            for row in try connection.query(
                """
                SELECT from_list, count(*), count(*) FILTER (WHERE submitted_at IS NOT NULL),
                    count(*) FILTER (WHERE state IN ('approved', 'active', 'completed', 'cancelled')),
                    count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'cancelled'),
                    count(*) FILTER (WHERE state = 'rejected'), count(*) FILTER (WHERE state = 'withdrawn')
                FROM partnerships GROUP BY from_list
                """
            ).rows {
                var outcomes = ProposalOutcomes()
                outcomes.proposals = try row.decode(Int.self, at: 1)
                outcomes.consented = try row.decode(Int.self, at: 2)
                outcomes.approved = try row.decode(Int.self, at: 3)
                outcomes.completed = try row.decode(Int.self, at: 4)
                outcomes.cancelled = try row.decode(Int.self, at: 5)
                outcomes.rejected = try row.decode(Int.self, at: 6)
                outcomes.withdrawn = try row.decode(Int.self, at: 7)
                switch try row.decode(Bool?.self, at: 0) {
                case true?: report.fromList = outcomes
                case false?: report.notFromList = outcomes
                case nil: report.unrecorded = outcomes
                }
            }
            return report
        }
    }
}
