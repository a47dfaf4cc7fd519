import Domain
import Foundation
import Postgres

/// People, their memberships, sign-in failures, invitations and password resets. Decides nothing:
/// who may do what is the application layer's.
public struct PeopleRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A person with the secrets sign-in needs; never leaves the application layer.
    public struct Credentials: Sendable {
        public let person: Person
        public let passwordHash: String
        public let totpSecret: String?
        public let totpLastStep: Int64?
    }

    /// A new person's row; the password is already hashed.
    public struct NewPerson: Sendable {
        public var email: String
        public var displayName: String
        public var passwordHash: String
        public var isAdmin = false
        public var language: Language = .kk
        public var totpSecret: String?
        public var totpEnabled = false

        public init(email: String, displayName: String, passwordHash: String) {
            self.email = email
            self.displayName = displayName
            self.passwordHash = passwordHash
        }
    }

    // MARK: - People

    /// Creates a person and their memberships in one transaction.
    public func create(_ new: NewPerson, memberships: [(UUID, MembershipRole)] = []) async throws -> Person {
        try await pool.withTransaction { connection in
            let person = try Self.insert(new, on: connection)
            for (organizationID, role) in memberships {
                try Self.addMembership(person: person.id, organization: organizationID, role: role, on: connection)
            }
            return person
        }
    }

    /// Registers an organization (unverified) and its first owner in one transaction.
    public func register(_ draft: OrganizationDraft, owner: NewPerson) async throws -> (Organization, Person) {
        try await pool.withTransaction { connection in
            try OrganizationRepository.validate(draft, on: connection)
            let organization: Organization
            do {
                organization = try OrganizationRepository.decode(try connection.query(
                    """
                    INSERT INTO organizations (\(OrganizationRepository.writableColumns))
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
                    RETURNING \(OrganizationRepository.selectedColumns)
                    """,
                    OrganizationRepository.parameters(of: draft)
                ).rows[0])
            } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "organizations_bin_key" {
                throw DomainError.invalid([FieldIssue(field: "bin", code: "duplicate_bin", message: "An organization with this BIN is already registered.")])
            }
            let person = try Self.insert(owner, on: connection)
            try Self.addMembership(person: person.id, organization: organization.id, role: .owner, on: connection)
            return (organization, person)
        }
    }

    static func insert(_ new: NewPerson, on connection: Connection) throws -> Person {
        do {
            return try decodePerson(connection.query(
                """
                INSERT INTO people (email, display_name, password_hash, is_admin, language, totp_secret, totp_enabled)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING \(personColumns)
                """,
                [new.email, new.displayName, new.passwordHash, new.isAdmin, new.language.rawValue, new.totpSecret, new.totpEnabled]
            ).rows[0])
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "people_email" {
            throw DomainError.invalid([FieldIssue(field: "email", code: "taken", message: "An account with this email already exists.")])
        }
    }

    static func addMembership(person: UUID, organization: UUID, role: MembershipRole, on connection: Connection) throws {
        do {
            // Accepting a second invitation changes the role to the one offered last.
            try connection.query(
                """
                INSERT INTO memberships (person_id, organization_id, role) VALUES ($1, $2, $3)
                ON CONFLICT (person_id, organization_id) DO UPDATE SET role = excluded.role
                """,
                [person, organization, role.rawValue]
            )
        } catch let error as PostgresError where error.isForeignKeyViolation {
            throw DomainError.notFound(resource: "organization")
        }
    }

    public func addMembership(person: UUID, organization: UUID, role: MembershipRole) async throws {
        try await pool.withConnection { try Self.addMembership(person: person, organization: organization, role: role, on: $0) }
    }

    /// The person with this email (case-insensitive), disabled or not.
    public func credentials(email: String) async throws -> Credentials? {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT \(Self.personColumns), password_hash, totp_secret, totp_last_step FROM people WHERE lower(email) = lower($1)",
                [email]
            ).first.map(Self.decodeCredentials)
        }
    }

    public func credentials(id: UUID) async throws -> Credentials? {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT \(Self.personColumns), password_hash, totp_secret, totp_last_step FROM people WHERE id = $1", [id]
            ).first.map(Self.decodeCredentials)
        }
    }

    /// A person's memberships in active organizations, owners first.
    public func memberships(of personID: UUID) async throws -> [Membership] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT o.id, o.name_kk, o.name_ru, o.name_en, o.kind, m.role
                FROM memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.person_id = $1 AND o.active
                ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, m.created_at, o.id
                """,
                [personID]
            ).rows.compactMap { row in
                guard let kind = OrganizationKind(rawValue: try row.decode(String.self, at: 4)),
                      let role = MembershipRole(rawValue: try row.decode(String.self, at: 5)) else { return nil }
                return Membership(
                    organizationID: try row.decode(UUID.self, at: 0),
                    organizationName: LocalizedText(
                        kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3)
                    ),
                    kind: kind, role: role
                )
            }
        }
    }

    /// The caller a person is in an organization they belong to; nil without an active membership.
    public func member(person personID: UUID, organization organizationID: UUID) async throws -> Caller.Member? {
        try await pool.withConnection { connection in
            guard let row = try connection.query(
                """
                SELECT o.kind, o.jurisdiction, o.level, o.verification, m.role
                FROM memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.person_id = $1 AND m.organization_id = $2 AND o.active
                """,
                [personID, organizationID]
            ).first,
                let kind = OrganizationKind(rawValue: try row.decode(String.self, at: 0)),
                let role = MembershipRole(rawValue: try row.decode(String.self, at: 4)) else { return nil }
            return Caller.Member(
                organizationID: organizationID, kind: kind, jurisdiction: try row.decode(String?.self, at: 1),
                isNational: try row.decode(String?.self, at: 2) == GovernmentLevel.national.rawValue,
                isSuspended: try row.decode(String.self, at: 3) == Verification.suspended.rawValue,
                role: role
            )
        }
    }

    public func setPasswordHash(_ personID: UUID, _ hash: String) async throws {
        try await pool.withConnection { connection in
            try connection.query("UPDATE people SET password_hash = $2 WHERE id = $1", [personID, hash])
        }
    }

    /// The secret being set up by `session` for a person without TOTP in force: the one that
    /// session started, or `proposed` (replacing any other session's); nil when TOTP is in force
    /// (or no such person).
    public func pendingTOTPSecret(_ personID: UUID, session: UUID, proposing proposed: String) async throws -> String? {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE people SET
                    totp_secret = CASE WHEN totp_pending_session = $3 AND totp_secret IS NOT NULL THEN totp_secret ELSE $2 END,
                    totp_pending_session = $3
                WHERE id = $1 AND NOT totp_enabled
                RETURNING totp_secret
                """,
                [personID, proposed, session]
            ).first?.decode(String.self, at: 0)
        }
    }

    /// Records that the code of time step `step` was used, enabling TOTP when `enable`; false when
    /// a code of this or a later step was used already (a replay).
    public func useTOTPStep(_ personID: UUID, step: Int64, enable: Bool) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE people SET totp_last_step = $2, totp_enabled = totp_enabled OR $3
                WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)
                """,
                [personID, step, enable]
            ).affectedRows == 1
        }
    }

    /// A person in an organization, for its members page.
    public struct Member: Sendable, Equatable {
        public let person: Person
        public let role: MembershipRole
    }

    /// The organization's people, owners first.
    public func members(of organizationID: UUID) async throws -> [Member] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.personColumnsOfP), m.role
                FROM memberships m JOIN people p ON p.id = m.person_id
                WHERE m.organization_id = $1
                ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, lower(p.email)
                """,
                [organizationID]
            ).rows.compactMap { row in
                guard let role = MembershipRole(rawValue: try row.decode(String.self, at: 8)) else { return nil }
                return Member(person: try Self.decodePerson(row), role: role)
            }
        }
    }

    /// The owners of each of several organizations (the verification queue), by email.
    public func owners(of organizations: [UUID]) async throws -> [UUID: [Person]] {
        guard !organizations.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var owners: [UUID: [Person]] = [:]
            for row in try connection.query(
                """
                SELECT \(Self.personColumnsOfP), m.organization_id
                FROM memberships m JOIN people p ON p.id = m.person_id
                WHERE m.organization_id = ANY ($1::uuid[]) AND m.role = 'owner'
                ORDER BY lower(p.email)
                """,
                [organizations]
            ).rows {
                owners[try row.decode(UUID.self, at: 8), default: []].append(try Self.decodePerson(row))
            }
            return owners
        }
    }

    /// Gives a member another role, or removes them (`role` nil), after `check` approved the
    /// organization's roles as they would be, under a lock on its memberships. False when the
    /// person was not a member.
    public func setRole(
        person personID: UUID, organization organizationID: UUID, to role: MembershipRole?,
        check: @escaping @Sendable (_ rolesAfter: [UUID: MembershipRole]) throws -> Void
    ) async throws -> Bool {
        try await pool.withTransaction { connection in
            var roles: [UUID: MembershipRole] = [:]
            for row in try connection.query(
                "SELECT person_id, role FROM memberships WHERE organization_id = $1 ORDER BY person_id FOR UPDATE", [organizationID]
            ).rows {
                roles[try row.decode(UUID.self, at: 0)] = MembershipRole(rawValue: try row.decode(String.self, at: 1))
            }
            guard roles[personID] != nil else { return false }
            roles[personID] = role
            try check(roles)
            if let role {
                try connection.query(
                    "UPDATE memberships SET role = $3 WHERE person_id = $1 AND organization_id = $2", [personID, organizationID, role.rawValue]
                )
            } else {
                try connection.query("DELETE FROM memberships WHERE person_id = $1 AND organization_id = $2", [personID, organizationID])
            }
            return true
        }
    }

    // MARK: - Sign-in failures

    /// Failures for one account and one address since a moment: how many, and the latest.
    public struct FailureCounts: Sendable, Equatable {
        public let account: Int
        public let lastForAccount: Date?
        public let address: Int
        public let lastForAddress: Date?
    }

    public func recordFailure(email: String, address: String, at now: Date) async throws {
        try await pool.withConnection { connection in
            try connection.query(
                "INSERT INTO sign_in_failures (email, address, at) VALUES (lower($1), $2, $3)",
                [String(email.prefix(254)), String(address.prefix(64)), now]
            )
            // Failures older than a day are never read again.
            try connection.query("DELETE FROM sign_in_failures WHERE at < $1", [now.addingTimeInterval(-86_400)])
        }
    }

    public func failures(email: String, address: String, since: Date) async throws -> FailureCounts {
        try await pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT (SELECT count(*) FROM sign_in_failures WHERE email = lower($1) AND at > $3),
                       (SELECT max(at) FROM sign_in_failures WHERE email = lower($1) AND at > $3),
                       (SELECT count(*) FROM sign_in_failures WHERE address = $2 AND at > $3),
                       (SELECT max(at) FROM sign_in_failures WHERE address = $2 AND at > $3)
                """,
                [email, address, since]
            ).rows[0]
            return FailureCounts(
                account: try row.decode(Int.self, at: 0), lastForAccount: try row.decode(Date?.self, at: 1),
                address: try row.decode(Int.self, at: 2), lastForAddress: try row.decode(Date?.self, at: 3)
            )
        }
    }

    /// A successful sign-in forgives the account's failures (not the address's).
    public func clearFailures(email: String) async throws {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM sign_in_failures WHERE email = lower($1)", [email])
        }
    }

    // MARK: - Verification queue

    /// Active organizations waiting for verification, oldest first.
    public func unverifiedOrganizations(limit: Int) async throws -> [Organization] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(OrganizationRepository.selectedColumns) FROM organizations
                WHERE verification = 'unverified' AND active ORDER BY created_at, id LIMIT $1
                """,
                [limit]
            ).rows.map(OrganizationRepository.decode)
        }
    }

    /// A person with every organization they belong to and their role there.
    public struct PersonWithRoles: Sendable, Equatable {
        public let person: Person
        public let roles: [(organizationID: UUID, name: LocalizedText, role: MembershipRole)]

        public static func == (a: Self, b: Self) -> Bool {
            a.person == b.person && a.roles.map(\.organizationID) == b.roles.map(\.organizationID) && a.roles.map(\.role) == b.roles.map(\.role)
        }
    }

    /// People whose email or name holds `search` (everyone when empty), by email, with their roles.
    public func people(search: String, limit: Int) async throws -> [PersonWithRoles] {
        try await pool.withConnection { connection in
            let people = try connection.query(
                """
                SELECT \(Self.personColumns) FROM people
                WHERE $1 = '' OR strpos(lower(email), lower($1)) > 0 OR strpos(lower(display_name), lower($1)) > 0
                ORDER BY lower(email) LIMIT $2
                """,
                [search, limit]
            ).rows.map(Self.decodePerson)
            guard !people.isEmpty else { return [] }
            var roles: [UUID: [(UUID, LocalizedText, MembershipRole)]] = [:]
            for row in try connection.query(
                """
                SELECT m.person_id, o.id, o.name_kk, o.name_ru, o.name_en, m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.person_id = ANY ($1::uuid[]) ORDER BY m.person_id, o.name_ru NULLS LAST, o.id
                """,
                [people.map(\.id)]
            ).rows {
                roles[try row.decode(UUID.self, at: 0), default: []].append((
                    try row.decode(UUID.self, at: 1), try PortalRepository.text(row, from: 2),
                    MembershipRole(rawValue: try row.decode(String.self, at: 5)) ?? .viewer
                ))
            }
            return people.map { PersonWithRoles(person: $0, roles: (roles[$0.id] ?? []).map { (organizationID: $0.0, name: $0.1, role: $0.2) }) }
        }
    }

    /// Suspends a person (every session ends; signing in is refused) or lets them back in.
    public func setDisabled(_ person: UUID, _ disabled: Bool) async throws {
        try await pool.withTransaction { connection in
            try connection.query("UPDATE people SET disabled = $2 WHERE id = $1", [person, disabled])
            if disabled { try connection.query("DELETE FROM sessions WHERE person_id = $1", [person]) }
        }
    }

    // MARK: - Rows

    static let personColumns = "id, email, display_name, is_admin, language, totp_enabled, disabled, created_at"
    /// The same, of a table named `p`.
    static let personColumnsOfP = personColumns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    static func decodePerson(_ row: Row) throws -> Person {
        Person(
            id: try row.decode(UUID.self, at: 0), email: try row.decode(String.self, at: 1),
            displayName: try row.decode(String.self, at: 2), isAdmin: try row.decode(Bool.self, at: 3),
            language: Language(rawValue: try row.decode(String.self, at: 4)) ?? .kk,
            totpEnabled: try row.decode(Bool.self, at: 5), disabled: try row.decode(Bool.self, at: 6),
            createdAt: try row.decode(Date.self, at: 7)
        )
    }

    static func decodeCredentials(_ row: Row) throws -> Credentials {
        Credentials(
            person: try decodePerson(row), passwordHash: try row.decode(String.self, at: 8),
            totpSecret: try row.decode(String?.self, at: 9), totpLastStep: try row.decode(Int64?.self, at: 10)
        )
    }
}
