import Domain
import Foundation
import Postgres

/// Invitations and password resets: single-use links, stored as SHA-256 hashes, each mailed
/// through the outbox in the transaction that makes it.
extension PeopleRepository {
    /// Every invitation token starts with this; reset tokens with `resetPrefix`.
    public static let invitationPrefix = "asar_i_"
    public static let resetPrefix = "asar_r_"

    /// An open invitation, as the acceptance page shows it.
    public struct Invitation: Sendable, Equatable {
        public let id: UUID
        public let organizationID: UUID
        public let organizationName: LocalizedText
        public let email: String
        public let role: MembershipRole
        public let expiresAt: Date
    }

    /// Stores an invitation and queues its mail; `mail` receives the token to put in the link.
    public func invite(
        organization organizationID: UUID, email: String, role: MembershipRole, invitedBy: UUID?, now: Date, expiresAt: Date,
        mail: @escaping @Sendable (_ token: String) -> OutboxMail
    ) async throws -> UUID {
        let token = SecretToken.make(prefix: Self.invitationPrefix)
        return try await pool.withTransaction { connection in
            let id = try connection.query(
                """
                INSERT INTO invitations (token_hash, organization_id, email, role, invited_by, created_at, expires_at)
                VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4, $5, $6, $7) RETURNING id
                """,
                [token, organizationID, email, role.rawValue, invitedBy, now, expiresAt]
            ).rows[0].decode(UUID.self, at: 0)
            try MailOutboxRepository.enqueue(mail(token), at: now, on: connection)
            return id
        }
    }

    /// The open (unaccepted, unexpired) invitation behind a token.
    public func invitation(token: String, now: Date) async throws -> Invitation? {
        guard SecretToken.isPlausible(token, prefix: Self.invitationPrefix) else { return nil }
        return try await pool.withConnection { connection in
            try Self.openInvitation(token: token, now: now, lock: false, on: connection)
        }
    }

    /// Accepts an open invitation: the person (new, or existing when `newPerson` is nil and
    /// `personID` is given) joins the organization. Nil when the invitation is not open.
    public func accept(
        invitationToken token: String, personID: UUID?, newPerson: NewPerson?, now: Date
    ) async throws -> (person: Person, invitation: Invitation)? {
        guard SecretToken.isPlausible(token, prefix: Self.invitationPrefix) else { return nil }
        return try await pool.withTransaction { connection in
            guard let invitation = try Self.openInvitation(token: token, now: now, lock: true, on: connection) else { return nil }
            let person: Person
            if let newPerson {
                person = try Self.insert(newPerson, on: connection)
            } else if let personID,
                      let row = try connection.query("SELECT \(Self.personColumns) FROM people WHERE id = $1", [personID]).first {
                person = try Self.decodePerson(row)
            } else {
                throw DomainError.notFound(resource: "person")
            }
            try Self.addMembership(person: person.id, organization: invitation.organizationID, role: invitation.role, on: connection)
            try connection.query("UPDATE invitations SET accepted_at = $2, accepted_by = $3 WHERE id = $1", [invitation.id, now, person.id])
            return (person, invitation)
        }
    }

    static func openInvitation(token: String, now: Date, lock: Bool, on connection: Connection) throws -> Invitation? {
        guard let row = try connection.query(
            """
            SELECT i.id, i.organization_id, o.name_kk, o.name_ru, o.name_en, i.email, i.role, i.expires_at
            FROM invitations i JOIN organizations o ON o.id = i.organization_id
            WHERE i.token_hash = sha256(convert_to($1, 'UTF8')) AND i.accepted_at IS NULL AND i.expires_at > $2 AND o.active
            """ + (lock ? " FOR UPDATE OF i" : ""),
            [token, now]
        ).first, let role = MembershipRole(rawValue: try row.decode(String.self, at: 6)) else { return nil }
        return Invitation(
            id: try row.decode(UUID.self, at: 0), organizationID: try row.decode(UUID.self, at: 1),
            organizationName: LocalizedText(kk: try row.decode(String?.self, at: 2), ru: try row.decode(String?.self, at: 3), en: try row.decode(String?.self, at: 4)),
            email: try row.decode(String.self, at: 5), role: role, expiresAt: try row.decode(Date.self, at: 7)
        )
    }

    /// Stores a reset link and queues its mail, unless `limit` resets were requested for this
    /// person since `since` already; true when one was made.
    public func requestReset(
        person personID: UUID, now: Date, expiresAt: Date, limit: Int, since: Date,
        mail: @escaping @Sendable (_ token: String) -> OutboxMail
    ) async throws -> Bool {
        let token = SecretToken.make(prefix: Self.resetPrefix)
        return try await pool.withTransaction { connection in
            // Serializes requests for one person, so the limit holds under concurrency.
            try connection.query("SELECT 1 FROM people WHERE id = $1 FOR UPDATE", [personID])
            let recent = try connection.query(
                "SELECT count(*) FROM password_resets WHERE person_id = $1 AND created_at > $2", [personID, since]
            ).rows[0].decode(Int.self, at: 0)
            guard recent < limit else { return false }
            try connection.query(
                """
                INSERT INTO password_resets (token_hash, person_id, created_at, expires_at)
                VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4)
                """,
                [token, personID, now, expiresAt]
            )
            try MailOutboxRepository.enqueue(mail(token), at: now, on: connection)
            return true
        }
    }

    /// True when the token opens an unused, unexpired reset.
    public func resetIsOpen(token: String, now: Date) async throws -> Bool {
        guard SecretToken.isPlausible(token, prefix: Self.resetPrefix) else { return false }
        return try await pool.withConnection { connection in
            try connection.query(
                "SELECT 1 FROM password_resets WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL AND expires_at > $2",
                [token, now]
            ).first != nil
        }
    }

    /// Uses a reset: sets the new password hash, spends every open reset of the person, ends all
    /// their sessions, revokes their personal tokens (whoever knew the old password may have made
    /// one) and forgives their sign-in failures, in one transaction. The person's id,
    /// or nil when the token does not open a reset.
    public func reset(token: String, passwordHash: String, now: Date) async throws -> UUID? {
        guard SecretToken.isPlausible(token, prefix: Self.resetPrefix) else { return nil }
        return try await pool.withTransaction { connection in
            guard let row = try connection.query(
                """
                SELECT r.person_id, p.email FROM password_resets r JOIN people p ON p.id = r.person_id
                WHERE r.token_hash = sha256(convert_to($1, 'UTF8')) AND r.used_at IS NULL AND r.expires_at > $2
                FOR UPDATE OF r
                """,
                [token, now]
            ).first else { return nil }
            let personID = try row.decode(UUID.self, at: 0)
            try connection.query("UPDATE people SET password_hash = $2 WHERE id = $1", [personID, passwordHash])
            try connection.query("UPDATE password_resets SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL", [personID, now])
            try connection.query("DELETE FROM sessions WHERE person_id = $1", [personID])
            try connection.query("UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL", [personID, now])
            try connection.query("DELETE FROM sign_in_failures WHERE email = lower($1)", [try row.decode(String.self, at: 1)])
            return personID
        }
    }
}
