import Domain
import Foundation
import Postgres

/// API tokens: random, shown once, stored only as a SHA-256 hash.
public struct TokenRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public struct IssuedToken: Sendable {
        public let id: UUID
        /// The secret itself; it cannot be recovered later.
        public let token: String
        public let expiresAt: Date?
    }

    public struct TokenInfo: Sendable {
        public let id: UUID
        public let organizationID: UUID?
        /// Empty for an admin's or a person's token.
        public let organizationName: LocalizedText
        public let isAdmin: Bool
        /// The person a personal token acts for, with their name and e-mail; nil otherwise.
        public let person: (id: UUID, name: String, email: String)?
        /// What an organization's token may do, as a person in that role may; `.member` for an admin token.
        public let role: MembershipRole
        public let label: String
        public let createdAt: Date
        public let expiresAt: Date?
        public let revokedAt: Date?
    }

    /// A token for one organization, or an admin token when `organizationID` is nil.
    public func issue(organizationID: UUID?, role: MembershipRole = .member, label: String = "", expiresAt: Date? = nil) async throws -> IssuedToken {
        let token = Self.newSecret()
        let id = try await pool.withConnection { connection in
            if let organizationID {
                guard try connection.query("SELECT 1 FROM organizations WHERE id = $1", [organizationID]).first != nil else {
                    throw DomainError.notFound(resource: "organization")
                }
            }
            return try connection.query(
                """
                INSERT INTO api_tokens (token_hash, organization_id, is_admin, label, expires_at, role)
                VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4, $5, $6)
                RETURNING id
                """,
                [token, organizationID, organizationID == nil, label, expiresAt, role.rawValue]
            ).rows[0].decode(UUID.self, at: 0)
        }
        return IssuedToken(id: id, token: token, expiresAt: expiresAt)
    }

    /// A personal token: it acts for the person in what a person does alone (their reviews).
    public func issue(personID: UUID, label: String = "", expiresAt: Date? = nil) async throws -> IssuedToken {
        let token = Self.newSecret()
        let id = try await pool.withConnection { connection in
            guard try connection.query("SELECT 1 FROM people WHERE id = $1 AND NOT disabled", [personID]).first != nil else {
                throw DomainError.notFound(resource: "person")
            }
            return try connection.query(
                """
                INSERT INTO api_tokens (token_hash, person_id, label, expires_at)
                VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4)
                RETURNING id
                """,
                [token, personID, label, expiresAt]
            ).rows[0].decode(UUID.self, at: 0)
        }
        return IssuedToken(id: id, token: token, expiresAt: expiresAt)
    }

    /// The caller behind a bearer token; nil when it is unknown, revoked or expired.
    public func authenticate(_ token: String) async throws -> Caller? {
        // Anything that is not shaped like our tokens cannot match, so skip the database.
        guard token.hasPrefix("asar_"), token.utf8.count <= 100 else { return nil }
        // A read by key on every request that carries a token: a pooled lookup.
        guard let row = try await pool.lookup(
            """
            SELECT t.id, t.is_admin, t.organization_id, o.kind, o.jurisdiction, o.level, o.verification, t.role, t.person_id
            FROM api_tokens t
            LEFT JOIN organizations o ON o.id = t.organization_id
            LEFT JOIN people p ON p.id = t.person_id
            WHERE t.token_hash = sha256(convert_to($1, 'UTF8'))
              AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
              AND (t.is_admin OR o.active OR NOT p.disabled)
            """,
            [token]
        ).first else { return nil }
        if try row.decode(Bool.self, at: 1) { return .admin }
        if let personID = try row.decode(UUID?.self, at: 8) { return .person(personID) }
        guard let organizationID = try row.decode(UUID?.self, at: 2),
              let kind = OrganizationKind(rawValue: try row.decode(String.self, at: 3)) else { return nil }
        return .organization(Caller.Member(
            organizationID: organizationID, kind: kind,
            jurisdiction: try row.decode(String?.self, at: 4),
            isNational: try row.decode(String?.self, at: 5) == GovernmentLevel.national.rawValue,
            isSuspended: try row.decode(String?.self, at: 6) == Verification.suspended.rawValue,
            role: MembershipRole(rawValue: try row.decode(String.self, at: 7)) ?? .viewer
        ))
    }

    /// The organization or person a token acts for (neither for an admin token); `exists` false
    /// when no token has this id.
    public func owner(of id: UUID) async throws -> (organizationID: UUID?, personID: UUID?, exists: Bool) {
        try await pool.withConnection { connection in
            guard let row = try connection.query("SELECT organization_id, person_id FROM api_tokens WHERE id = $1", [id]).first else {
                return (nil, nil, false)
            }
            return (try row.decode(UUID?.self, at: 0), try row.decode(UUID?.self, at: 1), true)
        }
    }

    /// Revokes a token; true when it existed and was not revoked already.
    @discardableResult
    public func revoke(_ id: UUID) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [id]).affectedRows == 1
        }
    }

    /// Every token, or one organization's.
    public func list(organizationID: UUID? = nil) async throws -> [TokenInfo] {
        try await list(Self.listQuery + " WHERE $1::uuid IS NULL OR t.organization_id = $1 ORDER BY t.created_at, t.id", organizationID)
    }

    /// A person's own tokens.
    public func list(personID: UUID) async throws -> [TokenInfo] {
        try await list(Self.listQuery + " WHERE t.person_id = $1 ORDER BY t.created_at, t.id", personID)
    }

    private static let listQuery = """
        SELECT t.id, t.organization_id, t.is_admin, t.label, t.created_at, t.expires_at, t.revoked_at,
               o.name_kk, o.name_ru, o.name_en, t.role, t.person_id, p.display_name, p.email
        FROM api_tokens t
        LEFT JOIN organizations o ON o.id = t.organization_id
        LEFT JOIN people p ON p.id = t.person_id
        """

    private func list(_ query: String, _ id: UUID?) async throws -> [TokenInfo] {
        try await pool.withConnection { connection in
            try connection.query(query, [id]).rows.map { row in
                TokenInfo(
                    id: try row.decode(UUID.self, at: 0), organizationID: try row.decode(UUID?.self, at: 1),
                    organizationName: LocalizedText(
                        kk: try row.decode(String?.self, at: 7), ru: try row.decode(String?.self, at: 8), en: try row.decode(String?.self, at: 9)
                    ),
                    isAdmin: try row.decode(Bool.self, at: 2),
                    person: try row.decode(UUID?.self, at: 11).map { ($0, try row.decode(String.self, at: 12), try row.decode(String.self, at: 13)) },
                    role: MembershipRole(rawValue: try row.decode(String.self, at: 10)) ?? .viewer,
                    label: try row.decode(String.self, at: 3),
                    createdAt: try row.decode(Date.self, at: 4), expiresAt: try row.decode(Date?.self, at: 5),
                    revokedAt: try row.decode(Date?.self, at: 6)
                )
            }
        }
    }

    /// `asar_` and 32 random bytes in base64url: 256 bits from the system's secure generator.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "asar_" + encoded
    }
}
