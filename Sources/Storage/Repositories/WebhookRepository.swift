import Domain
import Foundation
import Postgres

/// A delivery claimed for sending, with what the request needs.
public struct ClaimedDelivery: Sendable, Equatable {
    public let delivery: WebhookDelivery
    public let url: String
    public let secret: String
    public let event: PartnershipEvent
}

/// Webhooks, their deliveries (queued by trigger, migration 0016) and every attempt.
public struct WebhookRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A new webhook; nil when the organization has `limit` switched on already.
    public func create(organization: UUID, url: String, secret: String, limit: Int) async throws -> Webhook? {
        try await pool.withTransaction { connection in
            // Registrations of one organization take turns, so two at once cannot both pass the count.
            guard try connection.query("SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE", [organization]).first != nil else {
                throw DomainError.notFound(resource: "organization")
            }
            let active = try connection.query(
                "SELECT count(*)::int FROM webhooks WHERE organization_id = $1 AND disabled_at IS NULL", [organization]
            ).rows[0].decode(Int.self, at: 0)
            guard active < limit else { return nil }
            guard let row = try connection.query(
                "INSERT INTO webhooks (organization_id, url, secret) VALUES ($1, $2, $3) RETURNING id, organization_id, url, created_at, disabled_at",
                [organization, url, secret]
            ).first else { throw PostgresError(.decoding, message: "no webhook returned") }
            return try Self.decodeWebhook(row)
        }
    }

    public func webhooks(of organization: UUID) async throws -> [Webhook] {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT id, organization_id, url, created_at, disabled_at FROM webhooks WHERE organization_id = $1 ORDER BY created_at DESC, id",
                [organization]
            ).rows.map(Self.decodeWebhook)
        }
    }

    public func find(_ id: UUID) async throws -> Webhook? {
        try await pool.withConnection { connection in
            try connection.query("SELECT id, organization_id, url, created_at, disabled_at FROM webhooks WHERE id = $1", [id]).first.map(Self.decodeWebhook)
        }
    }

    public func disable(_ id: UUID) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE webhooks SET disabled_at = coalesce(disabled_at, clock_timestamp()) WHERE id = $1", [id])
        }
    }

    static let deliveryColumns = """
        SELECT d.id, d.webhook_id, d.event_id, e.action, e.partnership_id, d.created_at, d.attempts, d.next_attempt_at,
            d.delivered_at, d.failed_at, d.last_status, d.last_error
        FROM webhook_deliveries d JOIN partnership_events e ON e.id = d.event_id
        """

    public func deliveries(of webhook: UUID, limit: Int) async throws -> [WebhookDelivery] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.deliveryColumns) WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2", [webhook, limit])
                .rows.map(Self.decodeDelivery)
        }
    }

    public func delivery(_ id: Int64) async throws -> WebhookDelivery? {
        try await pool.withConnection { connection in
            try connection.query("\(Self.deliveryColumns) WHERE d.id = $1", [id]).first.map(Self.decodeDelivery)
        }
    }

    /// Every attempt at a delivery, oldest first: when, the status, the error, how long it took.
    public func attempts(of delivery: Int64) async throws -> [WebhookAttempt] {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id", [delivery]
            ).rows.map {
                WebhookAttempt(
                    at: try $0.decode(Date.self, at: 0), status: try $0.decode(Int?.self, at: 1), error: try $0.decode(String?.self, at: 2),
                    milliseconds: try $0.decode(Int.self, at: 3)
                )
            }
        }
    }

    /// Claims up to `limit` due deliveries of live webhooks, hiding each from other claimers for
    /// `lease` (a sender that dies leaves it to be tried again when the lease ends).
    public func claimDue(now: Date, limit: Int, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        try await pool.withTransaction { connection in
            let rows = try connection.query(
                """
                WITH due AS (
                    SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                    WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1 AND w.disabled_at IS NULL
                    ORDER BY d.next_attempt_at, d.id
                    LIMIT $2
                    FOR UPDATE OF d SKIP LOCKED
                )
                UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $3
                FROM due WHERE d.id = due.id
                RETURNING d.id
                """,
                [now, limit, now.addingTimeInterval(lease)]
            ).rows.map { try $0.decode(Int64.self, at: 0) }
            guard !rows.isEmpty else { return [] }
            return try connection.query(
                """
                SELECT d.id, d.webhook_id, d.event_id, e.action, e.partnership_id, d.created_at, d.attempts, d.next_attempt_at,
                    d.delivered_at, d.failed_at, d.last_status, d.last_error,
                    w.url, w.secret,
                    e.id, e.partnership_id, e.action, e.from_state, e.to_state, e.actor_organization_id, e.actor_is_admin, e.comment, e.at
                FROM webhook_deliveries d JOIN partnership_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.id = ANY ($1::bigint[]) ORDER BY d.id
                """,
                [rows]
            ).rows.map { row in
                ClaimedDelivery(
                    delivery: try Self.decodeDelivery(row),
                    url: try row.decode(String.self, at: 12),
                    secret: try row.decode(String.self, at: 13),
                    event: try PartnershipRepository.decodeEvent(row, from: 14)
                )
            }
        }
    }

    /// Logs an attempt and settles the delivery: delivered, tried again at `retryAt`, or failed
    /// when `retryAt` is nil.
    public func record(
        attempt delivery: Int64, status: Int?, error: String?, milliseconds: Int, succeeded: Bool, retryAt: Date?, now: Date
    ) async throws {
        try await pool.withTransaction { connection in
            try connection.query(
                "INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5)",
                [delivery, now, status, error, milliseconds]
            )
            try connection.query(
                """
                UPDATE webhook_deliveries SET last_status = $2, last_error = $3,
                    delivered_at = CASE WHEN $4 THEN $5::timestamptz END,
                    failed_at = CASE WHEN NOT $4 AND $6::timestamptz IS NULL THEN $5::timestamptz END,
                    next_attempt_at = coalesce($6, next_attempt_at)
                WHERE id = $1
                """,
                [delivery, status, error, succeeded, now, retryAt]
            )
        }
    }

    /// Sends a delivery again from the start, whatever became of it.
    public func replay(_ delivery: Int64, now: Date) async throws {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE webhook_deliveries SET attempts = 0, delivered_at = NULL, failed_at = NULL, next_attempt_at = $2 WHERE id = $1",
                [delivery, now]
            )
        }
    }

    static func decodeWebhook(_ row: Row) throws -> Webhook {
        Webhook(
            id: try row.decode(UUID.self, at: 0), organizationID: try row.decode(UUID.self, at: 1), url: try row.decode(String.self, at: 2),
            createdAt: try row.decode(Date.self, at: 3), disabledAt: try row.decode(Date?.self, at: 4)
        )
    }

    static func decodeDelivery(_ row: Row) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.decode(Int64.self, at: 0), webhookID: try row.decode(UUID.self, at: 1), eventID: try row.decode(Int64.self, at: 2),
            action: try row.decode(String.self, at: 3), partnershipID: try row.decode(UUID.self, at: 4), createdAt: try row.decode(Date.self, at: 5),
            attempts: try row.decode(Int.self, at: 6), nextAttemptAt: try row.decode(Date.self, at: 7), deliveredAt: try row.decode(Date?.self, at: 8),
            failedAt: try row.decode(Date?.self, at: 9), lastStatus: try row.decode(Int?.self, at: 10), lastError: try row.decode(String?.self, at: 11)
        )
    }
}
