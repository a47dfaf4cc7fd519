import Domain
import Foundation
import Postgres

/// A notification claimed for mail, with whom it goes to and in which language.
public struct MailableNotification: Sendable, Equatable {
    public let notification: InboxNotification
    public let email: String
    public let language: Language
}

/// People's inboxes. Partnership events fill them by trigger (migration 0015), and so do members
/// joining and invitations (0019); the sweeps of reports coming due and overdue add their own; the
/// mailer turns them into mail.
public struct NotificationRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    static let fields = """
        n.kind, n.id, n.partnership_id, n.to_state, n.organization_id, coalesce(x.government_body_id = n.organization_id, false),
            pr.title_kk, pr.title_ru, pr.title_en, n.created_at, n.read_at, x.state,
            o.name_kk, o.name_ru, o.name_en, ap.display_name, n.role,
            EXISTS (SELECT 1 FROM partnership_reports r WHERE r.partnership_id = n.partnership_id AND r.created_at > n.created_at)
        """
    // Member news has no partnership.
    static let tables = """
        FROM notifications n
        JOIN organizations o ON o.id = n.organization_id
        LEFT JOIN partnerships x ON x.id = n.partnership_id
        LEFT JOIN projects pr ON pr.id = x.project_id
        LEFT JOIN people ap ON ap.id = n.about_person_id
        """
    static let columns = "SELECT \(fields) \(tables)"

    static func decode(_ row: Row) throws -> InboxNotification {
        InboxNotification(
            kind: try row.decode(String.self, at: 0),
            id: try row.decode(Int64.self, at: 1),
            partnershipID: try row.decode(UUID?.self, at: 2),
            toState: (try row.decode(String?.self, at: 3)).flatMap(PartnershipState.init(rawValue:)) ?? .proposed,
            organizationID: try row.decode(UUID.self, at: 4),
            asGovernmentBody: try row.decode(Bool.self, at: 5),
            projectTitle: try PortalRepository.text(row, from: 6),
            createdAt: try row.decode(Date.self, at: 9),
            readAt: try row.decode(Date?.self, at: 10),
            currentState: (try row.decode(String?.self, at: 11)).flatMap(PartnershipState.init(rawValue:)) ?? .proposed,
            organizationName: try PortalRepository.text(row, from: 12),
            aboutPersonName: try row.decode(String?.self, at: 15),
            role: (try row.decode(String?.self, at: 16)).flatMap(MembershipRole.init(rawValue:)),
            reportedSince: try row.decode(Bool.self, at: 17)
        )
    }

    /// The person's newest notifications.
    public func inbox(of person: UUID, limit: Int) async throws -> [InboxNotification] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.columns) WHERE n.person_id = $1 ORDER BY n.id DESC LIMIT $2", [person, limit]).rows.map(Self.decode)
        }
    }

    public func unreadCount(of person: UUID) async throws -> Int {
        try await pool.lookup(
            "SELECT count(*)::int FROM notifications WHERE person_id = $1 AND read_at IS NULL", [person]
        ).first?.decode(Int.self, at: 0) ?? 0
    }

    /// Marks one notification of the person read and returns it; nil when it is not theirs.
    public func markRead(_ id: Int64, of person: UUID) async throws -> InboxNotification? {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE notifications SET read_at = coalesce(read_at, clock_timestamp()) WHERE id = $1 AND person_id = $2", [id, person]
            )
            return try connection.query("\(Self.columns) WHERE n.id = $1 AND n.person_id = $2", [id, person]).first.map(Self.decode)
        }
    }

    @discardableResult
    public func markAllRead(of person: UUID) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query(
                "WITH done AS (UPDATE notifications SET read_at = clock_timestamp() WHERE person_id = $1 AND read_at IS NULL RETURNING 1) SELECT count(*)::int FROM done",
                [person]
            ).first?.decode(Int.self, at: 0) ?? 0
        }
    }

    public func emailFrequency(of person: UUID) async throws -> EmailFrequency {
        let raw = try await pool.lookup("SELECT email_notifications FROM people WHERE id = $1", [person]).first?.decode(String.self, at: 0)
        return raw.flatMap(EmailFrequency.init(rawValue:)) ?? .immediately
    }

    public func setEmailFrequency(_ frequency: EmailFrequency, of person: UUID) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE people SET email_notifications = $2 WHERE id = $1", [person, frequency.rawValue])
            // What came while the person wanted no mail is not mailed now, all at once.
            if frequency != .daily {
                try connection.query("UPDATE notifications SET emailed_at = clock_timestamp() WHERE person_id = $1 AND emailed_at IS NULL", [person])
            }
        }
    }

    /// Gives a person with an empty inbox the `limit` latest events of their organizations'
    /// partnerships (others' moves), unread but counted as mailed: what a newcomer catches up on.
    @discardableResult
    public func catchUp(person: UUID, limit: Int) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query(
                """
                WITH latest AS (
                    SELECT DISTINCT ON (e.id) m.person_id, e.action, e.partnership_id, e.to_state, m.organization_id, e.at, e.id
                    FROM memberships m
                    JOIN partnerships p ON m.organization_id = ANY (partnership_parties(p.id))
                    JOIN partnership_events e ON e.partnership_id = p.id AND e.actor_organization_id IS DISTINCT FROM m.organization_id
                    WHERE m.person_id = $1 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = $1)
                    ORDER BY e.id DESC
                    LIMIT $2
                ), added AS (
                    INSERT INTO notifications (person_id, kind, partnership_id, to_state, organization_id, created_at, emailed_at)
                    SELECT person_id, action, partnership_id, to_state, organization_id, at, at FROM latest ORDER BY id
                    RETURNING 1
                )
                SELECT count(*)::int FROM added
                """,
                [person, limit]
            ).first?.decode(Int.self, at: 0) ?? 0
        }
    }

    // MARK: - Mail

    /// Turns unmailed notifications of people who want them at once into mail: `compose` writes
    /// each message, which is queued in the outbox in the transaction that marks the notification
    /// mailed, so a crash neither loses nor repeats one. Returns how many were queued.
    public func mailImmediate(limit: Int, now: Date, compose: @escaping @Sendable (MailableNotification) -> OutboxMail) async throws -> Int {
        try await pool.withTransaction { connection in
            let rows = try connection.query(
                """
                SELECT \(Self.fields), pe.email, pe.language \(Self.tables) JOIN people pe ON pe.id = n.person_id
                WHERE n.emailed_at IS NULL AND pe.email_notifications = 'immediately' AND NOT pe.disabled
                ORDER BY n.id LIMIT $1
                FOR UPDATE OF n SKIP LOCKED
                """,
                [limit]
            ).rows
            for row in rows {
                let item = MailableNotification(
                    notification: try Self.decode(row), email: try row.decode(String.self, at: 18),
                    language: Language(rawValue: try row.decode(String.self, at: 19)) ?? .kk
                )
                try MailOutboxRepository.enqueue(compose(item), at: now, on: connection)
                try connection.query("UPDATE notifications SET emailed_at = $2 WHERE id = $1", [item.notification.id, now])
            }
            return rows.count
        }
    }

    /// One digest per person who wants mail daily and has unmailed notifications, once a day from
    /// `hour` o'clock in Kazakhstan (UTC+5): none before that hour, none twice after it. Returns
    /// how many digests were queued.
    public func mailDigests(
        now: Date, hour: Int, compose: @escaping @Sendable (_ email: String, _ language: Language, [InboxNotification]) -> OutboxMail
    ) async throws -> Int {
        try await pool.withTransaction { connection in
            let people = try connection.query(
                """
                WITH today AS (
                    SELECT (date_trunc('day', $1::timestamptz AT TIME ZONE INTERVAL '+05:00') + make_interval(hours => $2))
                        AT TIME ZONE INTERVAL '+05:00' AS digest_time
                )
                SELECT pe.id, pe.email, pe.language FROM people pe, today
                WHERE pe.email_notifications = 'daily' AND NOT pe.disabled
                  AND $1::timestamptz >= today.digest_time
                  AND (pe.last_digest_at IS NULL OR pe.last_digest_at < today.digest_time)
                  AND EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = pe.id AND n.emailed_at IS NULL)
                ORDER BY pe.id
                LIMIT 200
                FOR NO KEY UPDATE OF pe SKIP LOCKED
                """,
                [now, hour]
            ).rows
            for person in people {
                let id = try person.decode(UUID.self, at: 0)
                let news = try connection.query(
                    "\(Self.columns) WHERE n.person_id = $1 AND n.emailed_at IS NULL ORDER BY n.id LIMIT 200", [id]
                ).rows.map(Self.decode)
                let language = Language(rawValue: try person.decode(String.self, at: 2)) ?? .kk
                try MailOutboxRepository.enqueue(compose(try person.decode(String.self, at: 1), language, news), at: now, on: connection)
                try connection.query("UPDATE notifications SET emailed_at = $2 WHERE id = ANY ($1::bigint[])", [news.map(\.id), now])
                try connection.query("UPDATE people SET last_digest_at = $2 WHERE id = $1", [id, now])
            }
            return people.count
        }
    }

    // MARK: - Overdue reports

    /// Records, once per due date, an `overdue` event on every active partnership whose report is
    /// missing past `graceDays` at `now`: like any event it reaches the members and the inboxes of
    /// its NGO, its sponsor and its government body (which monitors it), their webhooks, the feed
    /// and the public trail. Returns how many partnerships.
    public func announceOverdue(now: Date, graceDays: Int) async throws -> Int {
        try await pool.withTransaction { connection in
            let candidates = try connection.query(Self.overdue(among: nil), [now, Int64(graceDays)]).rows.map { try $0.decode(UUID.self, at: 0) }
            guard !candidates.isEmpty else { return 0 }
            // As a move does: the partnerships' rows first (in id order, as a round's acceptance
            // takes them), then the event-order lock. Read again under the row locks, so a
            // partnership completed or reported on meanwhile is judged as it now is.
            try connection.query(
                "SELECT id FROM partnerships WHERE id = ANY ($1::uuid[]) ORDER BY id FOR NO KEY UPDATE", [candidates]
            )
            let noticed = try connection.query(
                """
                INSERT INTO overdue_notices (partnership_id, due_at, kind)
                SELECT id, due_at, 'overdue' FROM (\(Self.overdue(among: "$3::uuid[]"))) AS found ORDER BY id
                ON CONFLICT DO NOTHING
                RETURNING partnership_id, due_at
                """,
                [now, Int64(graceDays), candidates]
            ).rows.map { (partnership: try $0.decode(UUID.self, at: 0), due: try $0.decode(Date.self, at: 1)) }
            guard !noticed.isEmpty else { return 0 }
            try connection.query("SELECT pg_advisory_xact_lock($1)", [PartnershipRepository.eventOrderLock])
            try connection.query(
                """
                INSERT INTO partnership_events (partnership_id, action, from_state, to_state, data)
                SELECT noticed.partnership, 'overdue', 'active', 'active', jsonb_build_object('report_due_at', noticed.due)
                FROM unnest($1::uuid[], $2::timestamptz[]) AS noticed (partnership, due)
                ORDER BY noticed.partnership
                """,
                [noticed.map(\.partnership), noticed.map(\.due)]
            )
            return noticed.count
        }
    }

    /// Active partnerships (of `among`, an array parameter, when given) whose report is missing
    /// past the grace days ($2) at $1 and not yet announced for that due date: id and due date.
    static func overdue(among: String?) -> String {
        """
        SELECT id, due_at FROM (
            SELECT x.id, partnership_report_due(x) AS due_at FROM partnerships x
            WHERE x.state = 'active'\(among.map { " AND x.id = ANY (\($0))" } ?? "")
        ) AS due
        WHERE due_at + make_interval(days => $2) < $1
          AND NOT EXISTS (SELECT 1 FROM overdue_notices n WHERE n.partnership_id = due.id AND n.due_at = due.due_at AND n.kind = 'overdue')
        """
    }

    /// Reminds, once per due date, the members of the NGO of every active partnership whose next
    /// report is due within `days` of `now` and not yet past due. Returns how many partnerships.
    public func announceDueSoon(now: Date, days: Int) async throws -> Int {
        try await pool.withTransaction { connection in
            try connection.query(
                """
                WITH due AS (
                    SELECT x.id, x.ngo_id, partnership_report_due(x) AS due_at
                    FROM partnerships x WHERE x.state = 'active'
                ), noticed AS (
                    INSERT INTO overdue_notices (partnership_id, due_at, kind)
                    SELECT id, due_at, 'report_due' FROM due WHERE due_at - make_interval(days => $2) <= $1 AND $1 < due_at
                    ON CONFLICT DO NOTHING
                    RETURNING partnership_id
                ), sent AS (
                    INSERT INTO notifications (person_id, kind, partnership_id, to_state, organization_id, emailed_at)
                    SELECT m.person_id, 'report_due', d.id, 'active', m.organization_id,
                        CASE WHEN pe.email_notifications = 'never' THEN $1::timestamptz END
                    FROM noticed JOIN due d ON d.id = noticed.partnership_id
                    JOIN memberships m ON m.organization_id = d.ngo_id
                    JOIN people pe ON pe.id = m.person_id AND NOT pe.disabled
                    RETURNING 1
                ), told AS (
                    INSERT INTO organization_inbox (organization_id, kind, partnership_id, to_state)
                    SELECT d.ngo_id, 'report_due', d.id, 'active' FROM noticed JOIN due d ON d.id = noticed.partnership_id
                    RETURNING 1
                )
                SELECT count(*)::int FROM noticed
                """,
                [now, Int64(days)]
            ).first?.decode(Int.self, at: 0) ?? 0
        }
    }
}
