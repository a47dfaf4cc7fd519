import Domain
import Foundation
import Postgres

extension CallRepository {
    /// Publishes a call's results from its stored allocation: each funded application becomes an
    /// approved partnership with the call's government body as its state funder and the businesses
    /// whose pledges pay part of it as co-funders, the call's pledges are settled (what the award
    /// took of them counts against their budgets from now on, the rest is released) and the call
    /// is awarded. `check` sees the call under its row lock and the allocation as stored.
    public func award(
        _ callID: UUID, publisher: UUID?, actor: Actor, check: @escaping @Sendable (Call, CallAllocationOutcome?) throws -> Void
    ) async throws -> CallAward {
        try await pool.withTransaction { connection in
            // The call first, as every writer of its rows (see lockCallAndApplication): nothing of
            // it changes until the award commits.
            let call = try Self.find(callID, on: connection, lock: true)
            let allocation = try Self.allocation(of: callID, on: connection)
            try check(call, allocation)
            guard let allocation else { throw DomainError.conflict(code: "not_allocated", message: "Compute the allocation first.") }
            let byApplication = Dictionary(grouping: allocation.grants, by: \.applicationID)
            let applications = try byApplication.keys.sorted { $0.uuidString < $1.uuidString }.map { try Self.application($0, on: connection) }
            // A moderation after the allocation changes what it would fund (reviews and applications
            // no longer change once the results date has come).
            if try connection.query(
                """
                SELECT 1 FROM call_moderations m JOIN call_applications a ON a.id = m.application_id
                JOIN call_allocations c ON c.call_id = a.call_id
                WHERE a.call_id = $1 AND m.moderated_at > c.computed_at LIMIT 1
                """,
                [callID]
            ).first != nil {
                throw DomainError.conflict(code: "allocation_changed", message: "A score was moderated since the allocation was computed: compute it again and check it.")
            }
            // Every business with a live pledge, used or not: settling each one refreshes its stats.
            let pledgers = try connection.query(
                "SELECT DISTINCT business_id FROM call_pledges WHERE call_id = $1 AND withdrawn_at IS NULL AND settled_at IS NULL", [callID]
            ).rows.map { try $0.decode(UUID.self, at: 0) }
            let cofunders = Set(allocation.grants.filter { $0.pledgeID != nil }.map(\.funderID)).union(pledgers).sorted { $0.uuidString < $1.uuidString }

            // Budgets before stats, as a partnership's approval takes them (its budget trigger
            // locks the sponsor's row, its stats trigger the advisory locks after): the same order
            // here, so an award and an approval never wait on each other in a circle.
            try connection.query(
                "SELECT 1 FROM organizations WHERE id = ANY ($1::uuid[]) ORDER BY id FOR NO KEY UPDATE", [cofunders]
            )
            let subjects = Array(Set(applications.flatMap { [$0.ngoID, $0.draft.projectID] } + cofunders + [call.governmentBodyID]))
            try connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(subject::text, 0)) FROM unnest($1::uuid[]) AS subject ORDER BY subject",
                [subjects]
            )
            // Each insert would recompute the body's stats from all its partnerships: once after them instead.
            try connection.query("SELECT set_config('asar.stats_deferred', 'on', true)")
            try connection.query(
                "UPDATE call_pledges SET settled_at = clock_timestamp() WHERE call_id = $1 AND withdrawn_at IS NULL AND settled_at IS NULL",
                [callID]
            )
            var made: [UUID: UUID] = [:]
            for application in applications {
                let grants = byApplication[application.id] ?? []
                guard let id = try connection.query(
                    """
                    INSERT INTO partnerships (project_id, ngo_id, business_id, government_body_id, pledge_kzt, state,
                        ngo_consent, business_consent, government_consent, proposed_by, decided_at,
                        reporting_period_days, call_id, call_application_id)
                    VALUES ($1, $2, NULL, $3, $4, 'approved', true, true, true, $3, clock_timestamp(), $5, $6, $7)
                    RETURNING id
                    """,
                    [application.draft.projectID, application.ngoID, call.governmentBodyID, grants.reduce(0) { $0 + $1.amountKZT },
                     application.draft.framework.reportingPeriodDays, callID, application.id]
                ).first?.decode(UUID.self, at: 0) else { throw DomainError.conflict(code: "award_failed", message: "The award could not be recorded.") }
                if !application.draft.framework.indicators.isEmpty {
                    try PartnershipRepository.replaceIndicators(of: id, with: application.draft.framework.indicators, on: connection)
                }
                let shares = Dictionary(grouping: grants, by: \.funderID).map { funder, grants in
                    (funder: funder, role: grants.contains { $0.pledgeID == nil } ? "state" : "business", amount: grants.reduce(0) { $0 + $1.amountKZT })
                }
                try connection.query(
                    """
                    INSERT INTO partnership_funders (partnership_id, organization_id, role, amount_kzt)
                    SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::bigint[])
                    """,
                    [id, shares.map(\.funder), shares.map(\.role), shares.map(\.amount)]
                )
                made[application.id] = id
            }
            try connection.query("SELECT refresh_partnership_stats($1::uuid[])", [subjects])
            try connection.query("SELECT set_config('asar.stats_deferred', 'off', true)")
            for application in applications {
                guard let id = made[application.id] else { continue }
                try PartnershipRepository.record(
                    event: "award", on: id, from: nil, to: .approved, by: actor, comment: nil, data: ["call_id": callID.lowercasedString], on: connection
                )
            }
            try connection.query(
                "UPDATE calls SET state = 'awarded', awarded_at = clock_timestamp(), awarded_by = $2, version = version + 1 WHERE id = $1",
                [callID, publisher]
            )
            return CallAward(callID: callID, partnerships: made)
        }
    }

    /// The partnerships an awarded call's applications became.
    public func awardedPartnerships(of callID: UUID) async throws -> [UUID: UUID] {
        try await pool.withConnection { connection in
            var made: [UUID: UUID] = [:]
            for row in try connection.query("SELECT call_application_id, id FROM partnerships WHERE call_id = $1", [callID]).rows {
                made[try row.decode(UUID.self, at: 0)] = try row.decode(UUID.self, at: 1)
            }
            return made
        }
    }
}
