import Domain
import Foundation
import Postgres

/// Documents organizations gave for their verification.
public struct DocumentRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Stores a document; nil when the organization already has `limit` of them.
    public func create(
        organization: UUID, kind: DocumentKind, fileName: String, contentType: String, content: Data, by person: UUID?, limit: Int
    ) async throws -> OrganizationDocument? {
        try await pool.withTransaction { connection in
            // Uploads for one organization take turns, so two at once cannot both pass the count.
            try connection.query("SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE", [organization])
            let count = try connection.query(
                "SELECT count(*)::int FROM organization_documents WHERE organization_id = $1", [organization]
            ).rows[0].decode(Int.self, at: 0)
            guard count < limit else { return nil }
            let id = try connection.query(
                """
                INSERT INTO organization_documents (organization_id, kind, file_name, content_type, content, uploaded_by)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """,
                [organization, kind.rawValue, fileName, contentType, content, person]
            ).rows[0].decode(UUID.self, at: 0)
            return try connection.query("\(Self.selected) WHERE d.id = $1", [id]).first.map(Self.decode)
        }
    }

    /// An organization's documents, newest first.
    public func documents(of organization: UUID) async throws -> [OrganizationDocument] {
        try await documents(of: [organization])[organization] ?? []
    }

    /// The documents of several organizations at once (the verification queue), newest first.
    public func documents(of organizations: [UUID]) async throws -> [UUID: [OrganizationDocument]] {
        guard !organizations.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            Dictionary(grouping: try connection.query(
                "\(Self.selected) WHERE d.organization_id = ANY ($1::uuid[]) ORDER BY d.uploaded_at DESC, d.id", [organizations]
            ).rows.map(Self.decode), by: \.organizationID)
        }
    }

    /// One document and its content, when it belongs to `organization`.
    public func content(_ id: UUID, of organization: UUID) async throws -> (document: OrganizationDocument, content: Data)? {
        try await pool.withConnection { connection in
            guard let row = try connection.query(
                "\(Self.columns), d.content\(Self.from) WHERE d.id = $1 AND d.organization_id = $2",
                [id, organization]
            ).first else { return nil }
            return (try Self.decode(row), try row.decode(Data.self, at: 9))
        }
    }

    /// True when there was such a document to delete.
    public func delete(_ id: UUID, of organization: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                "DELETE FROM organization_documents WHERE id = $1 AND organization_id = $2 RETURNING id", [id, organization]
            ).first != nil
        }
    }

    private static let columns = """
        SELECT d.id, d.organization_id, d.kind, d.file_name, d.content_type, octet_length(d.content), d.sha256, p.display_name, d.uploaded_at
        """
    private static let from = " FROM organization_documents d LEFT JOIN people p ON p.id = d.uploaded_by"
    private static let selected = columns + from

    private static func decode(_ row: Row) throws -> OrganizationDocument {
        OrganizationDocument(
            id: try row.decode(UUID.self, at: 0), organizationID: try row.decode(UUID.self, at: 1),
            kind: DocumentKind(rawValue: try row.decode(String.self, at: 2)) ?? .other,
            fileName: try row.decode(String.self, at: 3), contentType: try row.decode(String.self, at: 4),
            byteCount: try row.decode(Int.self, at: 5), sha256: try row.decode(String.self, at: 6),
            uploadedByName: try row.decode(String?.self, at: 7), uploadedAt: try row.decode(Date.self, at: 8)
        )
    }
}
