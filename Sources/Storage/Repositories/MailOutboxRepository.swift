import Foundation
import Postgres

/// One message to write into the outbox.
public struct OutboxMail: Sendable, Equatable {
    public let recipient: String
    public let subject: String
    public let body: String

    public init(recipient: String, subject: String, body: String) {
        self.recipient = recipient
        self.subject = subject
        self.body = body
    }
}

/// A message claimed for delivery.
public struct OutboxMessage: Sendable, Equatable {
    public let id: Int64
    public let mail: OutboxMail
    /// Delivery attempts so far, this one included.
    public let attempts: Int
}

/// The mail outbox: messages are written in the transaction that decides to send them and
/// delivered later; a message leaves the queue only when it was delivered.
public struct MailOutboxRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// How a message was delivered.
    public enum Channel: String, Sendable {
        case smtp, log
    }

    /// Queues `mail` inside the caller's transaction, so it is sent exactly when that commits.
    static func enqueue(_ mail: OutboxMail, at now: Date, on connection: Connection) throws {
        try connection.query(
            "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
            [mail.recipient, mail.subject, mail.body, now]
        )
    }

    public func enqueue(_ mail: OutboxMail, at now: Date = Date()) async throws {
        try await pool.withConnection { try Self.enqueue(mail, at: now, on: $0) }
    }

    /// Claims up to `limit` due messages: each is counted as attempted and hidden from other
    /// claimers for `lease`, so two instances never send one message at once, and a message whose
    /// sender died is tried again once the lease runs out.
    public func claimDue(now: Date, limit: Int, lease: Duration) async throws -> [OutboxMessage] {
        let leaseEnd = now.addingTimeInterval(Double(lease.components.seconds))
        return try await pool.withTransaction { connection in
            try connection.query(
                """
                WITH due AS (
                    SELECT id FROM mail_outbox
                    WHERE sent_at IS NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT $2
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE mail_outbox m SET attempts = m.attempts + 1, next_attempt_at = $3
                FROM due WHERE m.id = due.id
                RETURNING m.id, m.recipient, m.subject, m.body, m.attempts
                """,
                [now, limit, leaseEnd]
            ).rows.map { row in
                OutboxMessage(
                    id: try row.decode(Int64.self, at: 0),
                    mail: OutboxMail(
                        recipient: try row.decode(String.self, at: 1), subject: try row.decode(String.self, at: 2),
                        body: try row.decode(String.self, at: 3)
                    ),
                    attempts: try row.decode(Int.self, at: 4)
                )
            }.sorted { $0.id < $1.id }
        }
    }

    public func markSent(_ id: Int64, via channel: Channel, at now: Date) async throws {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE mail_outbox SET sent_at = $2, delivered_via = $3, last_error = NULL WHERE id = $1",
                [id, now, channel.rawValue]
            )
        }
    }

    /// Records a failed attempt; the message is tried again at `next`.
    public func scheduleRetry(_ id: Int64, at next: Date, error: String) async throws {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE mail_outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND sent_at IS NULL",
                [id, next, String(error.prefix(1000))]
            )
        }
    }

    /// The earliest time a waiting message falls due; nil when none waits.
    public func nextDue() async throws -> Date? {
        try await pool.withConnection { connection in
            try connection.query("SELECT min(next_attempt_at) FROM mail_outbox WHERE sent_at IS NULL").first?.decode(Date?.self, at: 0)
        }
    }

    /// A message's delivery state, for tests and operators.
    public struct Status: Sendable, Equatable {
        public let attempts: Int
        public let sentAt: Date?
        public let deliveredVia: String?
        public let lastError: String?
    }

    /// Every message to `recipient`, oldest first.
    public func status(of recipient: String) async throws -> [Status] {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT attempts, sent_at, delivered_via, last_error FROM mail_outbox WHERE recipient = $1 ORDER BY id",
                [recipient]
            ).rows.map { row in
                Status(
                    attempts: try row.decode(Int.self, at: 0), sentAt: try row.decode(Date?.self, at: 1),
                    deliveredVia: try row.decode(String?.self, at: 2), lastError: try row.decode(String?.self, at: 3)
                )
            }
        }
    }
}
