import Domain
import Foundation
import Postgres

/// Organizations' own inboxes (migration 0024): the news of their partnerships once per
/// organization, for integrations reading through its tokens. Filled beside people's inboxes, by
/// the same trigger and sweeps.
public struct OrganizationInboxRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The columns `NotificationRepository.decode` reads, in its order; there is no member news here.
    static let columns = """
        SELECT n.kind, n.id, n.partnership_id, n.to_state, n.organization_id, x.government_body_id = n.organization_id,
            pr.title_kk, pr.title_ru, pr.title_en, n.created_at, n.read_at, x.state,
            o.name_kk, o.name_ru, o.name_en, NULL::text, NULL::text,
            EXISTS (SELECT 1 FROM partnership_reports r WHERE r.partnership_id = n.partnership_id AND r.created_at > n.created_at)
        FROM organization_inbox n
        JOIN organizations o ON o.id = n.organization_id
        JOIN partnerships x ON x.id = n.partnership_id
        JOIN projects pr ON pr.id = x.project_id
        """

    /// The organization's news, newest first: `before` pages back (ids below it), `unreadOnly` leaves read ones out.
    public func inbox(of organization: UUID, unreadOnly: Bool, before: Int64?, limit: Int) async throws -> [InboxNotification] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                \(Self.columns)
                WHERE n.organization_id = $1 AND ($2 = false OR n.read_at IS NULL) AND ($3::bigint IS NULL OR n.id < $3)
                ORDER BY n.id DESC LIMIT $4
                """,
                [organization, unreadOnly, before, limit]
            ).rows.map(NotificationRepository.decode)
        }
    }

    public func unreadCount(of organization: UUID) async throws -> Int {
        try await pool.lookup(
            "SELECT count(*)::int FROM organization_inbox WHERE organization_id = $1 AND read_at IS NULL", [organization]
        ).first?.decode(Int.self, at: 0) ?? 0
    }

    /// Marks one piece of the organization's news read (once: the first time stays) and returns it; nil when it is not the organization's.
    public func markRead(_ id: Int64, of organization: UUID) async throws -> InboxNotification? {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE organization_inbox SET read_at = coalesce(read_at, clock_timestamp()) WHERE id = $1 AND organization_id = $2",
                [id, organization]
            )
            return try connection.query("\(Self.columns) WHERE n.id = $1 AND n.organization_id = $2", [id, organization])
                .first.map(NotificationRepository.decode)
        }
    }

    /// Marks everything up to `through` (everything when nil) read, so that news arriving while an
    /// integration works through a page is not marked unseen. Returns how many were marked.
    public func markAllRead(of organization: UUID, through: Int64?) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query(
                """
                WITH done AS (
                    UPDATE organization_inbox SET read_at = clock_timestamp()
                    WHERE organization_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2)
                    RETURNING 1
                )
                SELECT count(*)::int FROM done
                """,
                [organization, through]
            ).first?.decode(Int.self, at: 0) ?? 0
        }
    }
}
