import Domain
import Foundation
import Postgres

/// What open data publishes: funded partnerships, the registry of active organizations (no
/// contacts), and projects that are not drafts. Reads only public rows; decides nothing else.
public struct OpenDataRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Partnerships approved and later (approved, active, completed, cancelled), oldest decision first.
    public func grants() async throws -> [OpenDataGrant] {
        try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT x.id, x.project_id, p.title_kk, p.title_ru, p.title_en, p.regions, x.state, x.pledge_kzt,
                    (SELECT coalesce(sum(r.amount_disbursed_kzt), 0) FROM partnership_reports r WHERE r.partnership_id = x.id),
                    x.decided_at, x.updated_at,
                    n.id, n.kind, n.bin, n.name_kk, n.name_ru, n.name_en,
                    b.id, b.kind, b.bin, b.name_kk, b.name_ru, b.name_en,
                    g.id, g.kind, g.bin, g.name_kk, g.name_ru, g.name_en,
                    p.summary_kk, p.summary_ru, p.summary_en, p.focus_areas, \(PortalRepository.callColumns)
                FROM partnerships x
                JOIN projects p ON p.id = x.project_id
                JOIN organizations n ON n.id = x.ngo_id
                LEFT JOIN organizations b ON b.id = x.business_id
                JOIN organizations g ON g.id = x.government_body_id
                LEFT JOIN calls c ON c.id = x.call_id
                WHERE x.state IN \(PortalRepository.publicStates)
                ORDER BY x.decided_at NULLS LAST, x.id
                """
            ).rows
            let partnerships = try PortalRepository.withFunders(rows.map { try PortalRepository.decodePartnership($0, call: 33) }, on: connection)
            return try zip(rows, partnerships).map { row, partnership in
                OpenDataGrant(
                    partnership: partnership,
                    projectSummary: try PortalRepository.text(row, from: 29),
                    focusAreas: try row.decode([String].self, at: 32)
                )
            }
        }
    }

    /// Active organizations, oldest first.
    public func organizations() async throws -> [OpenDataOrganization] {
        try await pool.withConnection { connection in
            // Contact columns are not even read.
            try connection.query(
                """
                SELECT id, kind, bin, legal_form, name_kk, name_ru, name_en, website, nationwide, regions, focus_areas,
                    founded_year, jurisdiction, level, verification, created_at, updated_at
                FROM organizations WHERE active
                ORDER BY created_at, id
                """
            ).rows.map { row in
                guard let kind = OrganizationKind(rawValue: try row.decode(String.self, at: 1)),
                      let verification = Verification(rawValue: try row.decode(String.self, at: 14)) else {
                    throw PostgresError(.decoding, message: "unknown organization kind or verification")
                }
                return OpenDataOrganization(
                    id: try row.decode(UUID.self, at: 0), kind: kind, bin: try row.decode(String.self, at: 2),
                    legalForm: try row.decode(String.self, at: 3), name: try PortalRepository.text(row, from: 4),
                    website: try row.decode(String?.self, at: 7), nationwide: try row.decode(Bool.self, at: 8),
                    regions: try row.decode([String].self, at: 9), focusAreas: try row.decode([String].self, at: 10),
                    foundedYear: try row.decode(Int?.self, at: 11), jurisdiction: try row.decode(String?.self, at: 12),
                    level: try row.decode(String?.self, at: 13), verification: verification,
                    createdAt: try row.decode(Date.self, at: 15), updatedAt: try row.decode(Date.self, at: 16)
                )
            }
        }
    }

    /// Projects that are not drafts, oldest first, with their pledges.
    public func projects() async throws -> [OpenDataProject] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(ProjectRepository.selectedColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                    o.bin AS ngo_bin,
                    coalesce((SELECT sum(x.pledge_kzt) FROM partnerships x
                        WHERE x.project_id = p.id AND x.state IN ('approved', 'active', 'completed')), 0) AS pledged
                FROM projects p JOIN organizations o ON o.id = p.organization_id
                WHERE p.status <> 'draft'
                ORDER BY p.created_at, p.id
                """
            ).rows.map { row in
                OpenDataProject(
                    project: try ProjectRepository.decode(row),
                    ngoBIN: try row.decode(String.self, "ngo_bin"),
                    pledgedKZT: try row.decode(Int64.self, "pledged")
                )
            }
        }
    }

    /// The latest change of the rows each file holds.
    public func modified() async throws -> OpenDataModified {
        try await pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT
                    (SELECT max(updated_at) FROM partnerships WHERE state IN \(PortalRepository.publicStates)),
                    (SELECT max(updated_at) FROM organizations),
                    (SELECT max(updated_at) FROM projects WHERE status <> 'draft')
                """
            ).rows[0]
            return OpenDataModified(
                grants: try row.decode(Date?.self, at: 0),
                organizations: try row.decode(Date?.self, at: 1),
                projects: try row.decode(Date?.self, at: 2)
            )
        }
    }
}
