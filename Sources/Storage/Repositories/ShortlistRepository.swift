import Domain
import Foundation
import Postgres

/// Businesses' shortlists of projects, read with each project as it is now.
public struct ShortlistRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// An organization's shortlist, newest first.
    public func list(of organization: UUID) async throws -> [ShortlistEntry] {
        try await pool.withConnection { connection in
            try connection.query(
                "\(Self.selected()) WHERE sl.organization_id = $1 ORDER BY sl.added_at DESC, sl.project_id", [organization]
            ).rows.map(Self.decode)
        }
    }

    /// The projects on an organization's shortlist: what its recommendations mark as saved.
    public func projectIDs(of organization: UUID) async throws -> Set<UUID> {
        try await pool.withConnection { connection in
            Set(try connection.query(
                "SELECT project_id FROM project_shortlists WHERE organization_id = $1", [organization]
            ).rows.map { try $0.decode(UUID.self, at: 0) })
        }
    }

    /// Adds a project, or replaces the note (unless `keepingNote`) and who of an earlier entry
    /// (keeping when it was first added); `created` tells the two apart.
    public func put(
        organization: UUID, project: UUID, note: String?, keepingNote: Bool = false, by person: UUID?
    ) async throws -> (entry: ShortlistEntry, created: Bool) {
        try await pool.withConnection { connection in
            // One statement, so a removal arriving meanwhile cannot take the row before it is read
            // back. xmax is 0 only on a row version this statement inserted.
            let row = try connection.query(
                """
                WITH put AS (
                    INSERT INTO project_shortlists (organization_id, project_id, note, added_by)
                    VALUES ($1, $2, $3, $4)
                    ON CONFLICT (organization_id, project_id) DO UPDATE
                    SET note = CASE WHEN $5 THEN project_shortlists.note ELSE excluded.note END, added_by = excluded.added_by
                    RETURNING organization_id, project_id, note, added_by, added_at, xmax = 0 AS created
                )
                \(Self.selected(", sl.created", from: "put"))
                """,
                [organization, project, note, person, keepingNote]
            ).rows[0]
            return (try Self.decode(row), try row.decode(Bool.self, "created"))
        }
    }

    /// Takes a project off; false when it was not on the list.
    public func delete(organization: UUID, project: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                "DELETE FROM project_shortlists WHERE organization_id = $1 AND project_id = $2 RETURNING 1", [organization, project]
            ).first != nil
        }
    }

    /// Entries with their projects, owners' names and unfunded need, read from `source` (the table,
    /// or the rows a statement just wrote), with `extra` columns of it. The entry's own columns are
    /// renamed, so the project's keep their names for `ProjectRepository.decode`.
    static func selected(_ extra: String = "", from source: String = "project_shortlists") -> String {
        let projectColumns = ProjectRepository.selectedColumns.split(separator: ",")
            .map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return """
            SELECT sl.organization_id AS shortlist_organization_id, sl.note, sl.added_by, sl.added_at, \(projectColumns),
                o.name_kk AS owner_name_kk, o.name_ru AS owner_name_ru, o.name_en AS owner_name_en,
                greatest(0, p.funding_needed_kzt - coalesce(s.pledged_kzt, 0)) AS funding_gap_kzt\(extra)
            FROM \(source) sl
            JOIN projects p ON p.id = sl.project_id
            JOIN organizations o ON o.id = p.organization_id
            LEFT JOIN partnership_stats s ON s.subject_id = p.id
            """
    }

    static func decode(_ row: Row) throws -> ShortlistEntry {
        ShortlistEntry(
            organizationID: try row.decode(UUID.self, "shortlist_organization_id"),
            project: try ProjectRepository.decode(row),
            projectOwnerName: LocalizedText(
                kk: try row.decode(String?.self, "owner_name_kk"), ru: try row.decode(String?.self, "owner_name_ru"),
                en: try row.decode(String?.self, "owner_name_en")
            ),
            fundingGapKZT: try row.decode(Int64.self, "funding_gap_kzt"),
            note: try row.decode(String?.self, "note"),
            addedBy: try row.decode(UUID?.self, "added_by"),
            addedAt: try row.decode(Date.self, "added_at")
        )
    }
}
