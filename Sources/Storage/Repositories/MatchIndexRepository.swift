import Domain
import Foundation
import Matching
import Postgres

/// What the in-memory candidate index is loaded from and kept current with (SQL/migrations/0012).
public struct MatchIndexRepository: Sendable {
    let pool: ConnectionPool

    /// The channel every committed change is announced on.
    public static let channel = "asar_match_index"

    /// Inside a bulk load's transaction: its rows are not announced one by one…
    public static let bulkLoadStart = "SET LOCAL asar.match_index_bulk = 'on'"
    /// …but once at the end, telling every instance to reload.
    public static let bulkLoadEnd = "SELECT match_index_reload()"

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Every organization and open project, and the version they are as of, from one snapshot.
    public func load() async throws -> CandidateIndex {
        try await pool.withTransaction(isolation: .repeatableRead, statementTimeout: pool.configuration.longStatementTimeout) { connection in
            var index = CandidateIndex(version: try Self.version(connection))
            for organization in try Self.organizations(connection, ids: nil) { index.upsert(organization) }
            for project in try Self.openProjects(connection, ids: nil) { index.upsert(project) }
            for (organization, candidates) in try Self.dismissals(connection, of: nil) { index.setDismissed(candidates, by: organization) }
            return index
        }
    }

    /// What changed among `ids`, as it is now.
    public struct Changes: Sendable {
        /// An id in neither list is gone (deleted, or a project no longer open).
        public let organizations: [IndexedOrganization]
        public let openProjects: [IndexedProject]
        /// For every organization among the ids: what it has dismissed (empty when nothing).
        public let dismissals: [UUID: Set<UUID>]
    }

    public func changed(_ ids: [UUID]) async throws -> Changes {
        try await pool.withConnection { connection in
            let organizations = try Self.organizations(connection, ids: ids)
            var dismissals = try Self.dismissals(connection, of: ids)
            for organization in organizations where dismissals[organization.profile.id] == nil {
                dismissals[organization.profile.id] = []
            }
            return Changes(organizations: organizations, openProjects: try Self.openProjects(connection, ids: ids), dismissals: dismissals)
        }
    }

    static func dismissals(_ connection: Connection, of organizations: [UUID]?) throws -> [UUID: Set<UUID>] {
        var found: [UUID: Set<UUID>] = [:]
        for row in try connection.query(
            "SELECT organization_id, candidate_id FROM match_dismissals WHERE $1::uuid[] IS NULL OR organization_id = ANY ($1::uuid[])",
            [organizations]
        ).rows {
            found[try row.decode(UUID.self, at: 0), default: []].insert(try row.decode(UUID.self, at: 1))
        }
        return found
    }

    /// The version of the last committed change.
    public func version() async throws -> Int64 {
        try await pool.withConnection { try Self.version($0) }
    }

    /// An organization as the index keeps it, read directly: for a subject the index has not seen yet.
    public func organization(_ id: UUID) async throws -> IndexedOrganization? {
        try await pool.withConnection { try Self.organizations($0, ids: [id]).first }
    }

    static func version(_ connection: Connection) throws -> Int64 {
        try connection.query("SELECT version FROM match_index_version").rows[0].decode(Int64.self, at: 0)
    }

    /// Every organization (ids nil) or those with the given ids.
    static func organizations(_ connection: Connection, ids: [UUID]?) throws -> [IndexedOrganization] {
        try connection.query(
            """
            \(MatchRepository.organizationColumns), o.description
            FROM organizations o \(MatchRepository.partnerJoins)
            WHERE $1::uuid[] IS NULL OR o.id = ANY ($1::uuid[])
            ORDER BY o.id
            """,
            [ids]
        ).rows.concurrentMap { row in
            let candidate = try MatchRepository.decodePartner(row)
            // Only businesses and government bodies are compared by their texts, with projects.
            guard candidate.profile.kind != .ngo else {
                return IndexedOrganization(profile: candidate.profile, name: candidate.name, signature: .empty, words: .empty)
            }
            let names = [candidate.name.kk, candidate.name.ru, candidate.name.en]
            let description = try row.decode(String.self, "description")
            let texts = TextWords.signatureAndWords(titles: names, bodies: [description])
            return IndexedOrganization(profile: candidate.profile, name: candidate.name, signature: texts.signature, words: texts.words)
        }
    }

    static func openProjects(_ connection: Connection, ids: [UUID]?) throws -> [IndexedProject] {
        try connection.query(
            """
            \(MatchRepository.projectColumns), p.created_at \(MatchRepository.projectsWithOwners)
            WHERE p.status = 'open' AND ($1::uuid[] IS NULL OR p.id = ANY ($1::uuid[]))
            ORDER BY p.id
            """,
            [ids]
        ).rows.concurrentMap { row in
            let project = try MatchRepository.decodeProject(row)
            let texts = try MatchRepository.projectTexts(row)
            return IndexedProject(
                profile: project.profile, title: project.title, createdAt: try row.decode(Date.self, "created_at"),
                signature: texts.signature, words: texts.words
            )
        }
    }
}
