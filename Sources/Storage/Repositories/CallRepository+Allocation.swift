import Domain
import Foundation
import Postgres

extension CallRepository {
    /// What the allocation weighs for each submitted application: its project's focus areas and
    /// places (for earmarks) and what the eligibility rules are judged on now (as `applicant`
    /// judges one), in one statement for the whole call rather than one per application.
    public func allocationInputs(of call: UUID, now: Date, graceDays: Int) async throws -> [UUID: (focusAreas: [String], regions: [String], applicant: CallEligibility.Applicant)] {
        try await pool.withConnection { connection in
            var inputs: [UUID: (focusAreas: [String], regions: [String], applicant: CallEligibility.Applicant)] = [:]
            for row in try connection.query(
                """
                SELECT a.id, p.focus_areas, p.regions, o.id, o.verification, o.nationwide, o.regions, o.founded_year, coalesce(d.overdue, 0)
                FROM call_applications a
                JOIN projects p ON p.id = a.project_id
                LEFT JOIN organizations o ON o.id = a.ngo_id
                LEFT JOIN (
                    SELECT x.ngo_id, count(*)::int AS overdue FROM partnerships x
                    WHERE x.ngo_id IN (SELECT ngo_id FROM call_applications WHERE call_id = $1 AND state = 'submitted')
                        AND x.state = 'active' AND partnership_report_due(x) + make_interval(days => $2) < $3
                    GROUP BY x.ngo_id
                ) d ON d.ngo_id = a.ngo_id
                WHERE a.call_id = $1 AND a.state = 'submitted'
                """,
                [call, Int64(graceDays), now]
            ).rows {
                guard try row.decode(UUID?.self, at: 3) != nil else { throw DomainError.notFound(resource: "organization") }
                let regions = try row.decode([String].self, at: 2)
                let applicant = CallEligibility.Applicant(
                    verification: Verification(rawValue: try row.decode(String.self, at: 4)) ?? .unverified,
                    nationwide: try row.decode(Bool.self, at: 5), regions: try row.decode([String].self, at: 6),
                    foundedYear: try row.decode(Int?.self, at: 7), overduePartnerships: try row.decode(Int.self, at: 8),
                    projectRegions: regions
                )
                inputs[try row.decode(UUID.self, at: 0)] = (try row.decode([String].self, at: 1), regions, applicant)
            }
            return inputs
        }
    }

    /// Stores an allocation in place of the call's last one once `check` accepts the call as it
    /// stands under its row lock.
    public func saveAllocation(_ outcome: CallAllocationOutcome, check: @escaping @Sendable (Call) throws -> Void) async throws -> CallAllocationOutcome {
        try await pool.withTransaction { connection in
            try check(try Self.find(outcome.callID, on: connection, lock: true))
            try connection.query("DELETE FROM call_allocations WHERE call_id = $1", [outcome.callID])
            try connection.query(
                """
                INSERT INTO call_allocations (call_id, objective, upper_bound, split_bound, is_exact, cut_off)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [outcome.callID, outcome.objective, outcome.upperBound, outcome.splitBound, outcome.isExact, outcome.cutOff]
            )
            // Thousands of rows, each with foreign keys to check.
            try connection.reusingPlans {
                let grants = outcome.grants
                if !grants.isEmpty {
                    try connection.query(
                        """
                        INSERT INTO call_grants (call_id, application_id, pledge_id, funder_id, amount_kzt, score)
                        SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[], $6::float8[])
                        """,
                        [outcome.callID, grants.map(\.applicationID), grants.map(\.pledgeID), grants.map(\.funderID), grants.map(\.amountKZT), grants.map(\.score)]
                    )
                }
                let unfunded = outcome.unfunded
                if !unfunded.isEmpty {
                    try connection.query(
                        """
                        INSERT INTO call_unfunded (call_id, application_id, reason, score, detail)
                        SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::float8[], $5::text[])
                        """,
                        [outcome.callID, unfunded.map(\.applicationID), unfunded.map(\.reason.rawValue), unfunded.map(\.score), unfunded.map(\.detail)]
                    )
                }
            }
            guard let stored = try Self.allocation(of: outcome.callID, on: connection) else { throw DomainError.notFound(resource: "allocation") }
            return stored
        }
    }

    public func allocation(of call: UUID) async throws -> CallAllocationOutcome? {
        try await pool.withConnection { try Self.allocation(of: call, on: $0) }
    }

    static func allocation(of call: UUID, on connection: Connection) throws -> CallAllocationOutcome? {
        guard let row = try connection.query(
            "SELECT computed_at, objective, upper_bound, split_bound, is_exact, cut_off FROM call_allocations WHERE call_id = $1", [call]
        ).first else { return nil }
        let grants = try connection.query(
            """
            SELECT application_id, pledge_id, funder_id, amount_kzt, score FROM call_grants
            WHERE call_id = $1 ORDER BY score DESC, application_id, pledge_id NULLS FIRST
            """,
            [call]
        ).rows.map { row in
            CallGrant(
                applicationID: try row.decode(UUID.self, at: 0), pledgeID: try row.decode(UUID?.self, at: 1), funderID: try row.decode(UUID.self, at: 2),
                amountKZT: try row.decode(Int64.self, at: 3), score: try row.decode(Double.self, at: 4)
            )
        }
        let unfunded = try connection.query(
            "SELECT application_id, reason, score, detail FROM call_unfunded WHERE call_id = $1 ORDER BY score DESC NULLS LAST, application_id", [call]
        ).rows.map { row in
            CallUnfunded(
                applicationID: try row.decode(UUID.self, at: 0), reason: CallUnfunded.Reason(rawValue: try row.decode(String.self, at: 1)) ?? .outOfBudget,
                score: try row.decode(Double?.self, at: 2), detail: try row.decode(String.self, at: 3)
            )
        }
        return CallAllocationOutcome(
            callID: call, computedAt: try row.decode(Date.self, at: 0), objective: try row.decode(Double.self, at: 1),
            upperBound: try row.decode(Double.self, at: 2), splitBound: try row.decode(Double.self, at: 3), isExact: try row.decode(Bool.self, at: 4),
            cutOff: try row.decode(Double?.self, at: 5), grants: grants, unfunded: unfunded
        )
    }
}
