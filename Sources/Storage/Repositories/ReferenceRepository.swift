import Domain
import Postgres

/// Regions, focus areas and legal forms.
public struct ReferenceRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func regions() async throws -> [Region] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT kato, parent_kato, level, kind, iso_code, name_kk, name_ru, name_en, center_en, aliases
                FROM regions ORDER BY kato
                """
            ).rows.map { row in
                Region(
                    kato: try row.decode(String.self, at: 0),
                    parentKATO: try row.decode(String?.self, at: 1),
                    level: try row.decode(Int.self, at: 2),
                    kind: try row.decode(String.self, at: 3),
                    isoCode: try row.decode(String?.self, at: 4),
                    name: LocalizedText(
                        kk: try row.decode(String.self, at: 5),
                        ru: try row.decode(String.self, at: 6),
                        en: try row.decode(String.self, at: 7)
                    ),
                    center: try row.decode(String?.self, at: 8),
                    aliases: try row.decode([String].self, at: 9)
                )
            }
        }
    }

    public func focusAreas() async throws -> [FocusArea] {
        try await pool.withConnection { connection in
            try connection.query("SELECT code, name_kk, name_ru, name_en, sdgs FROM focus_areas ORDER BY code").rows.map { row in
                FocusArea(
                    code: try row.decode(String.self, at: 0),
                    name: LocalizedText(
                        kk: try row.decode(String.self, at: 1),
                        ru: try row.decode(String.self, at: 2),
                        en: try row.decode(String.self, at: 3)
                    ),
                    sdgs: try row.decode([Int].self, at: 4)
                )
            }
        }
    }

    public func legalForms() async throws -> [LegalForm] {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT code, organization_kind, name_kk, name_ru, name_en FROM legal_forms ORDER BY organization_kind, code"
            ).rows.map { row in
                guard let kind = OrganizationKind(rawValue: try row.decode(String.self, at: 1)) else {
                    throw PostgresError(.decoding, message: "unknown organization kind")
                }
                return LegalForm(
                    code: try row.decode(String.self, at: 0),
                    organizationKind: kind,
                    name: LocalizedText(
                        kk: try row.decode(String.self, at: 2),
                        ru: try row.decode(String.self, at: 3),
                        en: try row.decode(String.self, at: 4)
                    )
                )
            }
        }
    }

    /// True when the database answers and every known migration is applied.
    public func isReady(expectedMigrations: [Int]) async -> Bool {
        do {
            let applied = try await pool.withConnection { try Migrator.appliedVersions(on: $0) }
            return expectedMigrations.allSatisfy { applied[$0] != nil }
        } catch {
            return false
        }
    }
}
