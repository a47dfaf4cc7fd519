import Domain
import Foundation
import Matching
import Postgres

/// Funding rounds: what is in scope, and the stored allocations.
public struct RoundRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Open projects in the jurisdiction (and focus areas, if any) and the sponsors who work there
    /// with budget left, both in a stable order.
    public func scope(_ request: RoundRequest) async throws -> (projects: [ProjectCandidate], sponsors: [PartnerCandidate]) {
        let jurisdiction = request.national ? nil : request.jurisdiction
        let topLevel = jurisdiction.map { [KATO.topLevel($0)] }
        let focus = request.focusAreas.isEmpty ? nil : request.focusAreas
        return try await pool.withConnection { connection in
            let projects = try connection.query(
                """
                \(MatchRepository.projectColumns) \(MatchRepository.projectsWithOwners)
                WHERE p.status = 'open' AND o.active AND o.verification <> 'suspended'
                  AND ($1::text IS NULL OR p.region_scope @> ARRAY[$1::text])
                  AND ($2::text[] IS NULL OR p.focus_areas && $2::text[])
                ORDER BY p.id
                """,
                [jurisdiction, focus]
            ).rows.map { try MatchRepository.decodeProject($0, text: 0) }
            let sponsors = try connection.query(
                """
                \(MatchRepository.organizationColumns), 0::real AS rank, 0::real AS trigram
                FROM organizations o \(MatchRepository.partnerJoins)
                WHERE o.kind = 'business' AND o.active AND o.verification <> 'suspended'
                  AND coalesce(o.annual_csr_budget_kzt, 0) > coalesce(st.pledged_kzt, 0)
                  AND ($1::text[] IS NULL OR o.nationwide OR o.region_scope && $1::text[])
                ORDER BY o.id
                """,
                [topLevel]
            ).rows.map(MatchRepository.decodePartner)
            return (projects, sponsors)
        }
    }

    /// Projects and sponsors by id, for explaining a stored round.
    public func profiles(projects: [UUID], sponsors: [UUID]) async throws -> (projects: [UUID: ProjectCandidate], sponsors: [UUID: PartnerCandidate]) {
        try await pool.withConnection { connection in
            let projectRows = try connection.query(
                "\(MatchRepository.projectColumns) \(MatchRepository.projectsWithOwners) WHERE p.id = ANY ($1::uuid[])",
                [projects]
            ).rows.map { try MatchRepository.decodeProject($0, text: 0) }
            let sponsorRows = try MatchRepository.partners(ids: sponsors, on: connection)
            return (
                Dictionary(uniqueKeysWithValues: projectRows.map { ($0.profile.id, $0) }),
                Dictionary(uniqueKeysWithValues: sponsorRows.map { ($0.profile.id, $0) })
            )
        }
    }

    public func save(_ request: RoundRequest, by governmentBody: UUID, isAdmin: Bool, outcome: RoundOutcome) async throws -> FundingRound {
        try await pool.withTransaction { connection in
            let id = try connection.query(
                """
                INSERT INTO funding_rounds (government_body_id, jurisdiction, national, focus_areas, mode, consent_deadline,
                    projects_in_scope, sponsors_in_scope, pairs_scored, objective, upper_bound, blocking_pairs, need_in_scope_kzt, created_by_admin)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                RETURNING id
                """,
                [governmentBody, request.jurisdiction, request.national, request.focusAreas, request.mode.rawValue, request.consentDeadline,
                 outcome.projectsInScope, outcome.sponsorsInScope, outcome.pairsScored, outcome.objective, outcome.upperBound,
                 outcome.blockingPairs, outcome.needInScopeKZT, isAdmin]
            ).rows[0].decode(UUID.self, at: 0)
            if !outcome.placements.isEmpty {
                try connection.query(
                    """
                    INSERT INTO round_placements (round_id, project_id, sponsor_id, amount_kzt, score)
                    SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::float8[])
                    """,
                    [id, outcome.placements.map(\.projectID), outcome.placements.map(\.sponsorID),
                     outcome.placements.map(\.amountKZT), outcome.placements.map(\.score)]
                )
            }
            if !outcome.unfunded.isEmpty {
                try connection.query(
                    """
                    INSERT INTO round_unfunded (round_id, project_id, need_kzt, placed_kzt, reason)
                    SELECT $1, * FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::text[])
                    """,
                    [id, outcome.unfunded.map(\.projectID), outcome.unfunded.map(\.needKZT),
                     outcome.unfunded.map(\.placedKZT), outcome.unfunded.map(\.reason.rawValue)]
                )
            }
            return try Self.find(id, on: connection)
        }
    }

    public func find(_ id: UUID) async throws -> FundingRound {
        try await pool.withConnection { try Self.find(id, on: $0) }
    }

    /// Records what acceptance made of each placement (after `claimForAcceptance`).
    public func markAccepted(_ id: UUID, placements: [RoundPlacement]) async throws -> FundingRound {
        try await pool.withTransaction { connection in
            try connection.query("UPDATE funding_rounds SET accepted_at = clock_timestamp() WHERE id = $1", [id])
            try connection.query(
                """
                UPDATE round_placements AS placement SET partnership_id = made.partnership, skipped_reason = made.reason
                FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[]) AS made(project, sponsor, partnership, reason)
                WHERE placement.round_id = $1 AND placement.project_id = made.project AND placement.sponsor_id = made.sponsor
                """,
                [id, placements.map(\.projectID), placements.map(\.sponsorID), placements.map(\.partnershipID), placements.map(\.skippedReason)]
            )
            return try Self.find(id, on: connection)
        }
    }

    /// Claims a computed round for acceptance, so two acceptances cannot both make proposals.
    public func claimForAcceptance(_ id: UUID) async throws {
        try await pool.withConnection { connection in
            let claimed = try connection.query(
                "UPDATE funding_rounds SET state = 'accepted' WHERE id = $1 AND state = 'computed'",
                [id]
            ).affectedRows
            guard claimed == 1 else {
                throw DomainError.conflict(code: "round_accepted", message: "This round has been accepted already.")
            }
        }
    }

    static func find(_ id: UUID, on connection: Connection) throws -> FundingRound {
        guard let row = try connection.query(
            """
            SELECT id, government_body_id, jurisdiction, national, focus_areas, mode, consent_deadline, state,
                projects_in_scope, sponsors_in_scope, pairs_scored, objective, upper_bound, blocking_pairs, need_in_scope_kzt,
                created_at, accepted_at
            FROM funding_rounds WHERE id = $1
            """,
            [id]
        ).first else { throw DomainError.notFound(resource: "round") }
        let placements = try connection.query(
            """
            SELECT project_id, sponsor_id, amount_kzt, score, partnership_id, skipped_reason
            FROM round_placements WHERE round_id = $1 ORDER BY project_id, sponsor_id
            """,
            [id]
        ).rows.map { row in
            RoundPlacement(
                projectID: try row.decode(UUID.self, at: 0), sponsorID: try row.decode(UUID.self, at: 1),
                amountKZT: try row.decode(Int64.self, at: 2), score: try row.decode(Double.self, at: 3),
                partnershipID: try row.decode(UUID?.self, at: 4), skippedReason: try row.decode(String?.self, at: 5)
            )
        }
        let unfunded = try connection.query(
            "SELECT project_id, need_kzt, placed_kzt, reason FROM round_unfunded WHERE round_id = $1 ORDER BY project_id",
            [id]
        ).rows.map { row in
            UnfundedProject(
                projectID: try row.decode(UUID.self, at: 0), needKZT: try row.decode(Int64.self, at: 1),
                placedKZT: try row.decode(Int64.self, at: 2),
                reason: UnfundedProject.Reason(rawValue: try row.decode(String.self, at: 3)) ?? .outbid
            )
        }
        return FundingRound(
            id: try row.decode(UUID.self, "id"),
            governmentBodyID: try row.decode(UUID.self, "government_body_id"),
            request: RoundRequest(
                jurisdiction: try row.decode(String.self, "jurisdiction"),
                national: try row.decode(Bool.self, "national"),
                focusAreas: try row.decode([String].self, "focus_areas"),
                mode: FundingMode(rawValue: try row.decode(String.self, "mode")) ?? .split,
                consentDeadline: try row.decode(Date.self, "consent_deadline")
            ),
            state: RoundState(rawValue: try row.decode(String.self, "state")) ?? .computed,
            projectsInScope: try row.decode(Int.self, "projects_in_scope"),
            sponsorsInScope: try row.decode(Int.self, "sponsors_in_scope"),
            pairsScored: try row.decode(Int.self, "pairs_scored"),
            objective: try row.decode(Double.self, "objective"),
            upperBound: try row.decode(Double.self, "upper_bound"),
            blockingPairs: try row.decode(Int.self, "blocking_pairs"),
            createdAt: try row.decode(Date.self, "created_at"),
            acceptedAt: try row.decode(Date?.self, "accepted_at"),
            placements: placements,
            unfunded: unfunded,
            needInScopeKZT: try row.decode(Int64.self, "need_in_scope_kzt")
        )
    }
}
