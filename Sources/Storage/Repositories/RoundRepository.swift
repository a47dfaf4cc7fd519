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

    /// Which of these projects and businesses are already partners in a live partnership
    /// (proposed to active), as its sponsor or as a co-funder of a call's award: a round places
    /// no money on such a pair again.
    public func partneredPairs(projects: [UUID], sponsors: [UUID]) async throws -> Set<ProjectSponsorPair> {
        guard !projects.isEmpty, !sponsors.isEmpty else { return [] }
        return try await pool.withConnection { connection in
            Set(try connection.query(
                """
                SELECT project_id, business_id FROM partnerships
                WHERE project_id = ANY ($1::uuid[]) AND business_id = ANY ($2::uuid[])
                  AND state IN ('proposed', 'under_review', 'approved', 'active')
                UNION
                SELECT p.project_id, f.organization_id FROM partnerships p JOIN partnership_funders f ON f.partnership_id = p.id
                WHERE p.project_id = ANY ($1::uuid[]) AND f.organization_id = ANY ($2::uuid[]) AND f.role = 'business'
                  AND p.state IN ('approved', 'active')
                """,
                [projects, sponsors]
            ).rows.map { ProjectSponsorPair(project: try $0.decode(UUID.self, at: 0), sponsor: try $0.decode(UUID.self, at: 1)) })
        }
    }

    /// Projects and sponsors by id, for explaining a stored round.
    public func profiles(projects: [UUID], sponsors: [UUID]) async throws -> (projects: [UUID: ProjectCandidate], sponsors: [UUID: PartnerCandidate]) {
        try await pool.withConnection { connection in
            let projectRows = try connection.query(
                "\(MatchRepository.projectColumns) \(MatchRepository.projectsWithOwners) WHERE p.id = ANY ($1::uuid[])",
                [projects]
            ).rows.map(MatchRepository.decodeProject)
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
                    projects_in_scope, sponsors_in_scope, pairs_scored, objective, upper_bound, blocking_pairs, need_in_scope_kzt, created_by_admin,
                    sponsor_ids)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                RETURNING id
                """,
                [governmentBody, request.jurisdiction, request.national, request.focusAreas, request.mode.rawValue, request.consentDeadline,
                 outcome.projectsInScope, outcome.sponsorsInScope, outcome.pairsScored, outcome.objective, outcome.upperBound,
                 outcome.blockingPairs, outcome.needInScopeKZT, isAdmin, request.sponsorIDs]
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
            let blocking = outcome.strongestBlockingPairs
            if !blocking.isEmpty {
                try connection.query(
                    """
                    INSERT INTO round_blocking_pairs (round_id, project_id, sponsor_id, score, sponsor_has_room, project_has_room)
                    SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::float8[], $5::boolean[], $6::boolean[])
                    """,
                    [id, blocking.map(\.projectID), blocking.map(\.sponsorID), blocking.map(\.score),
                     blocking.map(\.sponsorHasRoom), blocking.map(\.projectHasRoom)]
                )
            }
            return try Self.find(id, on: connection)
        }
    }

    public func find(_ id: UUID) async throws -> FundingRound {
        try await pool.withConnection { try Self.find(id, on: $0) }
    }

    /// Accepts a computed round in one transaction: every placement becomes a proposed partnership
    /// once `authorize` accepts it (the use case decides who proposes: the round's government body,
    /// its consent implied), with the round's consent deadline, or is skipped with the reason
    /// `PartnershipRepository.propose` would have refused it for; then the round is marked accepted.
    /// A crash or error before the commit leaves no trace of it.
    public func acceptRound(
        id: UUID, authorize: @escaping @Sendable (ProposalSubject) throws -> Proposer
    ) async throws -> FundingRound {
        try await pool.withTransaction(statementTimeout: pool.configuration.longStatementTimeout) { connection in
            // The row lock makes a second acceptance wait, then find the round accepted.
            guard let round = try connection.query(
                "SELECT government_body_id, state, consent_deadline FROM funding_rounds WHERE id = $1 FOR UPDATE",
                [id]
            ).first else { throw DomainError.notFound(resource: "round") }
            let governmentBody = try round.decode(UUID.self, at: 0)
            guard try round.decode(String.self, at: 1) == RoundState.computed.rawValue else {
                throw DomainError.conflict(code: "round_accepted", message: "This round has been accepted already.")
            }
            let deadline = try round.decode(Date.self, at: 2)
            // One transaction making many partnerships must not deadlock the writers of single ones.
            // So it takes its locks before any insert, in an order they agree with: the round's projects
            // (a `propose` of one of them waits at its FOR SHARE, before inserting), the open
            // partnerships with a triple of the round (a move on one waits at its row lock, before
            // updating: an insert of the same triple never waits on it), then partnership_stats'
            // advisory lock of every party and project (migration 0006), sorted as the trigger sorts
            // them. Events, and so the event-order lock, come after every insert, as they do elsewhere.
            try connection.query(
                """
                SELECT id FROM projects WHERE id IN (SELECT project_id FROM round_placements WHERE round_id = $1)
                ORDER BY id FOR NO KEY UPDATE
                """,
                [id]
            )
            try connection.query(
                """
                SELECT p.id FROM partnerships p
                JOIN round_placements rp ON rp.project_id = p.project_id AND rp.sponsor_id = p.business_id
                WHERE rp.round_id = $1 AND p.government_body_id = $2
                  AND p.state IN ('proposed', 'under_review', 'approved', 'active')
                ORDER BY p.id FOR NO KEY UPDATE OF p
                """,
                [id, governmentBody]
            )
            try connection.query(
                """
                SELECT pg_advisory_xact_lock(hashtextextended(subject::text, 0))
                FROM (
                    SELECT DISTINCT unnest(ARRAY[pr.organization_id, rp.sponsor_id, $2::uuid, rp.project_id]) AS subject
                    FROM round_placements rp JOIN projects pr ON pr.id = rp.project_id
                    WHERE rp.round_id = $1
                ) AS subjects
                ORDER BY subject
                """,
                [id, governmentBody]
            )
            let placements = try connection.query(
                "SELECT project_id, sponsor_id, amount_kzt FROM round_placements WHERE round_id = $1 ORDER BY project_id, sponsor_id",
                [id]
            ).rows.map { row in
                (project: try row.decode(UUID.self, at: 0), sponsor: try row.decode(UUID.self, at: 1), amount: try row.decode(Int64.self, at: 2))
            }
            // Each insert would recompute its government body's stats from all its partnerships
            // (migration 0025): once for all of them after the inserts, under the locks taken above.
            try connection.query("SELECT set_config('asar.stats_deferred', 'on', true)")
            var made: [UUID?] = []
            var reasons: [String?] = []
            var proposals: [(partnership: UUID, actor: Actor)] = []
            let parties = PartnershipRepository.PartyRows()
            for placement in placements {
                var draft = PartnershipDraft(
                    projectID: placement.project, businessID: placement.sponsor, governmentBodyID: governmentBody,
                    pledgeKZT: placement.amount
                )
                draft.roundID = id
                draft.consentDeadline = deadline
                do {
                    let (partnership, proposer) = try PartnershipRepository.insertProposal(draft, authorize: authorize, on: connection, parties: parties)
                    made.append(partnership)
                    proposals.append((partnership, proposer.actor))
                    reasons.append(nil)
                } catch let error as DomainError {
                    made.append(nil)
                    reasons.append(Self.skipReason(error))
                }
            }
            try connection.query(
                """
                SELECT refresh_partnership_stats(ARRAY(
                    SELECT unnest(ARRAY[p.ngo_id, p.business_id, p.government_body_id, p.project_id]) FROM partnerships p WHERE p.id = ANY ($1::uuid[])
                ))
                """,
                [proposals.map(\.partnership)]
            )
            try connection.query("SELECT set_config('asar.stats_deferred', 'off', true)")
            try PartnershipRepository.recordProposals(proposals, on: connection)
            try connection.query(
                "UPDATE funding_rounds SET state = 'accepted', accepted_at = clock_timestamp() WHERE id = $1",
                [id]
            )
            try connection.query(
                """
                UPDATE round_placements AS placement SET partnership_id = made.partnership, skipped_reason = made.reason
                FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[]) AS made(project, sponsor, partnership, reason)
                WHERE placement.round_id = $1 AND placement.project_id = made.project AND placement.sponsor_id = made.sponsor
                """,
                [id, placements.map { $0.project }, placements.map { $0.sponsor }, made, reasons]
            )
            return try Self.find(id, on: connection)
        }
    }

    /// Why a placement did not become a proposal, in the words of the refusal.
    static func skipReason(_ error: DomainError) -> String {
        switch error {
        case .conflict(_, let message), .forbidden(let message): message
        case .invalid(let issues): issues.map(\.message).joined(separator: " ")
        case .notFound(let resource): "The \(resource) no longer exists."
        case .preconditionFailed: "The partnership changed meanwhile."
        case .unauthenticated: "The round's government body could not act."
        }
    }

    static func find(_ id: UUID, on connection: Connection) throws -> FundingRound {
        guard let row = try connection.query(
            """
            SELECT id, government_body_id, jurisdiction, national, focus_areas, mode, consent_deadline, state, sponsor_ids,
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
        let blocking = try connection.query(
            """
            SELECT project_id, sponsor_id, score, sponsor_has_room, project_has_room
            FROM round_blocking_pairs WHERE round_id = $1 ORDER BY score DESC, sponsor_id, project_id
            """,
            [id]
        ).rows.map { row in
            RoundBlockingPair(
                projectID: try row.decode(UUID.self, at: 0), sponsorID: try row.decode(UUID.self, at: 1),
                score: try row.decode(Double.self, at: 2), sponsorHasRoom: try row.decode(Bool.self, at: 3),
                projectHasRoom: try row.decode(Bool.self, at: 4)
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
                consentDeadline: try row.decode(Date.self, "consent_deadline"),
                sponsorIDs: try row.decode([UUID].self, "sponsor_ids")
            ),
            state: RoundState(rawValue: try row.decode(String.self, "state")) ?? .computed,
            projectsInScope: try row.decode(Int.self, "projects_in_scope"),
            sponsorsInScope: try row.decode(Int.self, "sponsors_in_scope"),
            pairsScored: try row.decode(Int.self, "pairs_scored"),
            objective: try row.decode(Double.self, "objective"),
            upperBound: try row.decode(Double.self, "upper_bound"),
            blockingPairs: try row.decode(Int.self, "blocking_pairs"),
            strongestBlockingPairs: blocking,
            createdAt: try row.decode(Date.self, "created_at"),
            acceptedAt: try row.decode(Date?.self, "accepted_at"),
            placements: placements,
            unfunded: unfunded,
            needInScopeKZT: try row.decode(Int64.self, "need_in_scope_kzt")
        )
    }
}
