import Domain
import Foundation
import Postgres

/// Server-side sessions of people. The token is shown once (in a cookie); only its SHA-256 is stored.
public struct SessionRepository: Sendable {
    let pool: ConnectionPool

    /// Every session token starts with this.
    public static let prefix = "asar_s_"

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public struct Record: Sendable, Equatable {
        public let id: UUID
        public let personID: UUID
        public let createdAt: Date
        public let lastSeenAt: Date
        public let expiresAt: Date
        public let idleExpiresAt: Date
        public let secondFactorPending: Bool
        public let actingOrganizationID: UUID?
        public let userAgent: String
        public let address: String
    }

    /// What a new session starts with.
    public struct Start: Sendable {
        public var personID: UUID
        public var secondFactorPending: Bool
        public var actingOrganizationID: UUID?
        public var userAgent: String
        public var address: String
        public var now: Date
        public var expiresAt: Date
        public var idleExpiresAt: Date

        public init(
            personID: UUID, secondFactorPending: Bool, actingOrganizationID: UUID?, userAgent: String, address: String,
            now: Date, expiresAt: Date, idleExpiresAt: Date
        ) {
            self.personID = personID
            self.secondFactorPending = secondFactorPending
            self.actingOrganizationID = actingOrganizationID
            self.userAgent = userAgent
            self.address = address
            self.now = now
            self.expiresAt = expiresAt
            self.idleExpiresAt = idleExpiresAt
        }
    }

    /// A new session with a new random token; `replacing` (the session it follows, such as one
    /// that was waiting for a second factor) ends in the same transaction.
    public func create(_ start: Start, replacing previous: UUID? = nil) async throws -> (id: UUID, token: String) {
        let token = SecretToken.make(prefix: Self.prefix)
        let id = try await pool.withTransaction { connection in
            if let previous {
                try connection.query("DELETE FROM sessions WHERE id = $1", [previous])
            }
            // Expired sessions of this person go as a new one starts: the table does not grow forever.
            try connection.query(
                "DELETE FROM sessions WHERE person_id = $1 AND (expires_at <= $2 OR idle_expires_at <= $2)",
                [start.personID, start.now]
            )
            return try connection.query(
                """
                INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at, idle_expires_at,
                                      second_factor_pending, acting_organization_id, user_agent, address)
                VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $3, $4, $5, $6, $7, $8, $9)
                RETURNING id
                """,
                [
                    token, start.personID, start.now, start.expiresAt, start.idleExpiresAt, start.secondFactorPending,
                    start.actingOrganizationID, String(start.userAgent.prefix(512)), String(start.address.prefix(64)),
                ]
            ).rows[0].decode(UUID.self, at: 0)
        }
        return (id, token)
    }

    /// The session behind a token, expired or not; nil when there is none.
    public func find(token: String) async throws -> Record? {
        guard SecretToken.isPlausible(token, prefix: Self.prefix) else { return nil }
        // A read by key on every page request with a session: a pooled lookup.
        return try await pool.lookup(
            "SELECT \(Self.columns) FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))", [token]
        ).first.map(Self.decode)
    }

    /// Moves the idle expiry forward.
    public func touch(_ id: UUID, now: Date, idleExpiresAt: Date) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE sessions SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1", [id, now, idleExpiresAt])
        }
    }

    public func setActingOrganization(_ id: UUID, to organizationID: UUID?) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE sessions SET acting_organization_id = $2 WHERE id = $1", [id, organizationID])
        }
    }

    /// Ends one session of a person; true when it existed.
    @discardableResult
    public func delete(_ id: UUID, of personID: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM sessions WHERE id = $1 AND person_id = $2", [id, personID]).affectedRows == 1
        }
    }

    /// Replaces a person's password hash, ends every other session of theirs, revokes their
    /// personal tokens and closes their open reset links, in one transaction; false (and nothing changed) when the hash is no longer
    /// `currentHash` or the kept session has ended meanwhile: then someone else changed the password
    /// or signed this session out first.
    public func changePassword(of personID: UUID, from currentHash: String, to passwordHash: String, keeping sessionID: UUID, now: Date) async throws -> Bool {
        try await pool.withTransaction { connection in
            guard try connection.query("SELECT 1 FROM sessions WHERE id = $1 AND person_id = $2 FOR UPDATE", [sessionID, personID]).rows.count == 1,
                  try connection.query(
                      "UPDATE people SET password_hash = $3 WHERE id = $1 AND password_hash = $2", [personID, currentHash, passwordHash]
                  ).affectedRows == 1 else { return false }
            try connection.query("DELETE FROM sessions WHERE person_id = $1 AND id <> $2", [personID, sessionID])
            try connection.query("UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL", [personID, now])
            try connection.query("UPDATE password_resets SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL", [personID, now])
            return true
        }
    }

    /// Ends every session of a person; how many there were.
    @discardableResult
    public func deleteAll(of personID: UUID) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM sessions WHERE person_id = $1", [personID]).affectedRows
        }
    }

    /// A person's sessions that are still alive at `now`, newest first.
    public func list(of personID: UUID, now: Date) async throws -> [Record] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM sessions
                WHERE person_id = $1 AND expires_at > $2 AND idle_expires_at > $2
                ORDER BY last_seen_at DESC, id
                """,
                [personID, now]
            ).rows.map(Self.decode)
        }
    }

    static let columns = """
        id, person_id, created_at, last_seen_at, expires_at, idle_expires_at, second_factor_pending, \
        acting_organization_id, user_agent, address
        """

    static func decode(_ row: Row) throws -> Record {
        Record(
            id: try row.decode(UUID.self, at: 0), personID: try row.decode(UUID.self, at: 1),
            createdAt: try row.decode(Date.self, at: 2), lastSeenAt: try row.decode(Date.self, at: 3),
            expiresAt: try row.decode(Date.self, at: 4), idleExpiresAt: try row.decode(Date.self, at: 5),
            secondFactorPending: try row.decode(Bool.self, at: 6), actingOrganizationID: try row.decode(UUID?.self, at: 7),
            userAgent: try row.decode(String.self, at: 8), address: try row.decode(String.self, at: 9)
        )
    }
}
