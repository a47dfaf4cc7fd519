import Domain
import Matching
import Storage
import Foundation
import Postgres

/// An organization with the identity and time the seeder chooses instead of the database.
struct SeedOrganization: Sendable {
    let id: UUID
    let createdAt: Date
    let fields: OrganizationDraft
}

struct SeedProject: Sendable {
    let id: UUID
    let createdAt: Date
    let fields: ProjectDraft
}

/// COPY statements and rows; the columns reuse the repositories' lists so seed rows stay in step with them.
enum SeedCopy {
    static let organizations =
        "COPY organizations (id, created_at, updated_at, \(OrganizationRepository.writableColumns)) FROM STDIN"
    static let projects =
        "COPY projects (id, created_at, updated_at, \(ProjectRepository.writableColumns)) FROM STDIN"

    static func line(_ organization: SeedOrganization) -> String {
        line([organization.id, organization.createdAt, organization.createdAt]
            + OrganizationRepository.parameters(of: organization.fields))
    }

    static func line(_ project: SeedProject) -> String {
        line([project.id, project.createdAt, project.createdAt]
            + ProjectRepository.parameters(of: project.fields))
    }

    /// One row in COPY's text format; arrays arrive as array literals and are escaped like any text.
    private static func line(_ values: [any PostgresEncodable]) -> String {
        values.map { Connection.copyText($0.postgresText) }.joined(separator: "\t")
    }
}
