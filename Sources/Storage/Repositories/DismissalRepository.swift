import Domain
import Foundation
import Postgres

/// What organizations asked not to be shown again ("not interested"), per organization.
public struct DismissalRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// What a candidate id names, as far as dismissing it is concerned; nil when it names nothing.
    public struct Candidate: Sendable, Equatable {
        public let kind: Dismissal.CandidateKind
        /// For a project: whether it is a draft, which no list ever shows.
        public let isDraft: Bool
    }

    /// An organization's dismissals, newest first.
    public func list(of organization: UUID) async throws -> [Dismissal] {
        try await pool.withConnection { connection in
            try connection.query(
                "\(Self.selected()) WHERE d.organization_id = $1 ORDER BY d.dismissed_at DESC, d.candidate_id",
                [organization]
            ).rows.map(Self.decode)
        }
    }

    /// The ids an organization dismissed: what match lists about it or its projects leave out.
    public func dismissedIDs(by organization: UUID) async throws -> Set<UUID> {
        try await pool.withConnection { connection in
            Set(try connection.query(
                "SELECT candidate_id FROM match_dismissals WHERE organization_id = $1", [organization]
            ).rows.map { try $0.decode(UUID.self, at: 0) })
        }
    }

    public func candidate(_ id: UUID) async throws -> Candidate? {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT kind, false FROM organizations WHERE id = $1
                UNION ALL
                SELECT 'project', status = 'draft' FROM projects WHERE id = $1
                """,
                [id]
            ).first.map { row in
                guard let kind = Dismissal.CandidateKind(rawValue: try row.decode(String.self, at: 0)) else {
                    throw PostgresError(.decoding, message: "unknown candidate kind")
                }
                return Candidate(kind: kind, isDraft: try row.decode(Bool.self, at: 1))
            }
        }
    }

    /// Dismisses, or replaces the reason and who of an earlier dismissal (keeping when it was
    /// first dismissed); `created` tells the two apart.
    public func put(
        organization: UUID, candidate: UUID, reason: String?, by person: UUID?
    ) async throws -> (dismissal: Dismissal, created: Bool) {
        try await pool.withConnection { connection in
            // One statement, so an undo arriving meanwhile cannot remove the row before it is read back.
            // xmax is 0 only on a row version this statement inserted.
            let row = try connection.query(
                """
                WITH put AS (
                    INSERT INTO match_dismissals (organization_id, candidate_id, reason, dismissed_by)
                    VALUES ($1, $2, $3, $4)
                    ON CONFLICT (organization_id, candidate_id) DO UPDATE
                    SET reason = excluded.reason, dismissed_by = excluded.dismissed_by
                    RETURNING organization_id, candidate_id, reason, dismissed_by, dismissed_at, xmax = 0 AS created
                )
                \(Self.selected(", d.created", from: "put"))
                """,
                [organization, candidate, reason, person]
            ).rows[0]
            return (try Self.decode(row), try row.decode(Bool.self, "created"))
        }
    }

    /// Takes a dismissal back; false when there was none.
    public func delete(organization: UUID, candidate: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                "DELETE FROM match_dismissals WHERE organization_id = $1 AND candidate_id = $2 RETURNING 1",
                [organization, candidate]
            ).first != nil
        }
    }

    /// Dismissals with their candidates' kinds and names, read from `source` (the table, or the rows a
    /// statement just wrote), with `extra` columns of it.
    static func selected(_ extra: String = "", from source: String = "match_dismissals") -> String {
        """
        SELECT d.organization_id, d.candidate_id, coalesce(o.kind, 'project') AS candidate_kind,
            coalesce(o.name_kk, p.title_kk) AS name_kk, coalesce(o.name_ru, p.title_ru) AS name_ru, coalesce(o.name_en, p.title_en) AS name_en,
            d.reason, d.dismissed_by, d.dismissed_at\(extra)
        FROM \(source) d LEFT JOIN organizations o ON o.id = d.candidate_id LEFT JOIN projects p ON p.id = d.candidate_id
        """
    }

    static func decode(_ row: Row) throws -> Dismissal {
        guard let kind = Dismissal.CandidateKind(rawValue: try row.decode(String.self, "candidate_kind")) else {
            throw PostgresError(.decoding, message: "unknown candidate kind")
        }
        return Dismissal(
            organizationID: try row.decode(UUID.self, "organization_id"),
            candidateID: try row.decode(UUID.self, "candidate_id"),
            candidateKind: kind,
            candidateName: LocalizedText(
                kk: try row.decode(String?.self, "name_kk"), ru: try row.decode(String?.self, "name_ru"), en: try row.decode(String?.self, "name_en")
            ),
            reason: try row.decode(String?.self, "reason"),
            dismissedBy: try row.decode(UUID?.self, "dismissed_by"),
            dismissedAt: try row.decode(Date.self, "dismissed_at")
        )
    }
}
