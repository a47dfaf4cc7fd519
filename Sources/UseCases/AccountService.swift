import Domain
import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import OneTimePassword
import Storage

/// People's accounts and sessions: sign-in with throttling and a second factor, sessions and the
/// `Caller` behind them, registration, invitations, password resets, and the admins'
/// verification queue. Sessions are resolved here, like API tokens in `TokenService`; every other
/// use case takes the resolved session or caller.
public struct AccountService: Sendable {
    let people: PeopleRepository
    let sessions: SessionRepository
    let organizations: OrganizationService
    let configuration: AccountConfiguration
    let wakeup: MailWakeup

    public init(
        people: PeopleRepository, sessions: SessionRepository, organizations: OrganizationService,
        configuration: AccountConfiguration, wakeup: MailWakeup
    ) {
        self.people = people
        self.sessions = sessions
        self.organizations = organizations
        self.configuration = configuration
        self.wakeup = wakeup
        // Computed once per process, off the first sign-in with an unknown email, whose answer
        // would otherwise take twice as long as any other. On the thread pool like every hash:
        // a second of bcrypt on a cooperative thread (or waiting for it in the static's lock)
        // would stall every task scheduled behind it.
        Task { _ = try? await NIOThreadPool.singleton.runIfActive { Self.dummyHash } }
    }

    /// bcrypt's cost: 2^12 rounds, about a quarter of a second per hash on a server core.
    static let bcryptCost: UInt8 = 12

    /// What wrong passwords and unknown emails both get, word for word.
    public static let refusal = "The email or the password is not right."

    // MARK: - Values the pages use

    /// A session's secret, for the cookie; shown once.
    public struct SessionToken: Sendable, Equatable {
        public let value: String
        /// When the session ends at the latest (the cookie's lifetime).
        public let expiresAt: Date
    }

    public enum SignInOutcome: Sendable, Equatable {
        /// Signed in with every right of the person.
        case signedIn(SessionToken)
        /// The password was right; a TOTP code is owed (`verifySecondFactor`). The session has no rights yet.
        case secondFactorNeeded(SessionToken)
        /// The password was right; this person must set up TOTP first (`beginSecondFactorEnrollment`).
        case enrollSecondFactor(SessionToken)
        /// Wrong password, unknown email or disabled account: always `AccountService.refusal`.
        case refused(message: String)
        /// Too many failures lately; try again after this many seconds.
        case throttled(retryAfterSeconds: Int)
    }

    /// A session resolved: who is signed in, for whom they act, and the caller to pass to use cases.
    public struct SignedIn: Sendable, Equatable {
        public let sessionID: UUID
        public let person: Person
        /// Owners first.
        public let memberships: [Membership]
        /// The organization the person acts for now; nil when they belong to none.
        public let actingOrganizationID: UUID?
        /// `.admin` for an admin, `.organization` with the role for a member of the acting
        /// organization, `.anonymous` while a second factor is owed or has to be set up.
        public let caller: Caller
        /// A TOTP code is owed: the page asks for it and shows nothing else.
        public let secondFactorPending: Bool
        /// This person must set up TOTP (admins and members of government bodies) before anything else.
        public let mustEnrollSecondFactor: Bool
        public let expiresAt: Date
    }

    /// One of a person's sessions, for the account page.
    public struct SessionInfo: Sendable, Equatable {
        public let id: UUID
        public let createdAt: Date
        public let lastSeenAt: Date
        public let userAgent: String
        public let address: String
        public let isCurrent: Bool
    }

    /// Setting up an authenticator app: show `url` as a QR code and `secret` for typing.
    public struct Enrollment: Sendable, Equatable {
        public let secret: String
        public let url: String
    }

    /// A new person's own details, from a form.
    public struct NewAccount: Sendable {
        public var email: String
        public var name: String
        public var password: String
        public var language: Language

        public init(email: String, name: String, password: String, language: Language = .kk) {
            self.email = email
            self.name = name
            self.password = password
            self.language = language
        }
    }

    /// An open invitation, for the page that accepts it.
    public struct InvitationPreview: Sendable, Equatable {
        public let organizationID: UUID
        public let organizationName: LocalizedText
        public let email: String
        public let role: MembershipRole
        public let expiresAt: Date
        /// An account with this email exists: accept after signing in, not with a new password.
        public let hasAccount: Bool
    }

    // MARK: - Signing in

    public func signIn(email rawEmail: String, password: String, address: String, userAgent: String) async throws -> SignInOutcome {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = configuration.now()
        if let wait = try await throttled(email: email, address: address, now: now) { return .throttled(retryAfterSeconds: wait) }
        let credentials = email.isEmpty ? nil : try await people.credentials(email: email)
        // Unknown emails are checked against a real hash too, so both answers take as long.
        let hash = credentials?.passwordHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash ?? Self.dummyHash) }
        guard let credentials, matches, !credentials.person.disabled else {
            try await people.recordFailure(email: email, address: address, at: now)
            return .refused(message: Self.refusal)
        }
        try await people.clearFailures(email: email)
        return try await startSession(for: credentials.person, address: address, userAgent: userAgent, now: now)
    }

    /// A new session after a right password: full, or waiting for a second factor.
    private func startSession(for person: Person, address: String, userAgent: String, now: Date, replacing previous: UUID? = nil) async throws -> SignInOutcome {
        let memberships = try await people.memberships(of: person.id)
        let needsSecondFactor = Self.requiresSecondFactor(person, memberships)
        let pending = person.totpEnabled || needsSecondFactor
        let token = try await newSession(
            person: person.id, pending: pending, acting: memberships.first?.organizationID,
            address: address, userAgent: userAgent, now: now, replacing: previous
        )
        if person.totpEnabled { return .secondFactorNeeded(token) }
        return needsSecondFactor ? .enrollSecondFactor(token) : .signedIn(token)
    }

    private func newSession(
        person: UUID, pending: Bool, acting: UUID?, address: String, userAgent: String, now: Date, replacing previous: UUID?
    ) async throws -> SessionToken {
        let expiresAt = now.addingTimeInterval(pending ? configuration.secondFactorTimeout : configuration.absoluteTimeout)
        let idle = min(now.addingTimeInterval(configuration.idleTimeout), expiresAt)
        let created = try await sessions.create(
            SessionRepository.Start(
                personID: person, secondFactorPending: pending, actingOrganizationID: acting, userAgent: userAgent,
                address: address, now: now, expiresAt: expiresAt, idleExpiresAt: idle
            ),
            replacing: previous
        )
        return SessionToken(value: created.token, expiresAt: expiresAt)
    }

    /// Admins and members of government bodies must have a second factor.
    static func requiresSecondFactor(_ person: Person, _ memberships: [Membership]) -> Bool {
        person.isAdmin || memberships.contains { $0.kind == .governmentBody }
    }

    /// Seconds to wait, when the account or the address failed too often lately.
    private func throttled(email: String, address: String, now: Date) async throws -> Int? {
        let policy = configuration.throttle
        let counts = try await people.failures(email: email, address: address, since: now.addingTimeInterval(-policy.window))
        let waits = [
            policy.wait(failures: counts.account, last: counts.lastForAccount, free: policy.freeFailuresPerAccount, now: now),
            policy.wait(failures: counts.address, last: counts.lastForAddress, free: policy.freeFailuresPerAddress, now: now),
        ].compactMap { $0 }
        // Failure times come back from PostgreSQL rounded to the microsecond, a hair later than
        // they were: a millisecond of slack keeps a one-second wait from reading as two.
        return waits.max().map { max(1, Int(($0 - 0.001).rounded(.up))) }
    }

    /// A bcrypt hash of cost 12 that no password matches in practice.
    static let dummyHash = Bcrypt.hash(SecretToken.make(prefix: ""), cost: bcryptCost)

    // MARK: - Second factor

    public enum SecondFactorOutcome: Sendable, Equatable {
        /// Signed in; the session has a new token (the old one no longer works).
        case signedIn(SessionToken)
        case refused(message: String)
        case throttled(retryAfterSeconds: Int)
    }

    public static let wrongCode = "The code is not right. Use the current code from your authenticator app."

    /// The TOTP code owed by a session after its password (±1 step of 30 s; each code works once).
    public func verifySecondFactor(_ token: String, code: String, address: String) async throws -> SecondFactorOutcome {
        let (record, credentials) = try await liveSession(token)
        guard record.secondFactorPending, credentials.person.totpEnabled, let secret = credentials.totpSecret else {
            throw DomainError.conflict(code: "no_second_factor_owed", message: "This session owes no TOTP code.")
        }
        return try await checkCode(code, secret: secret, record: record, credentials: credentials, address: address, enable: false)
    }

    /// Starts setting up TOTP, or shows again the secret this session is setting up (a reload, a
    /// second tab or a wrong code must not give a key other than the one the app was given; any
    /// other session gets a new one); not in force until `confirmSecondFactorEnrollment`. For a
    /// session waiting to enroll, or a signed-in person who wants a second factor.
    public func beginSecondFactorEnrollment(_ token: String) async throws -> Enrollment {
        let (record, credentials) = try await liveSession(token)
        guard !credentials.person.totpEnabled,
              let secret = try await people.pendingTOTPSecret(credentials.person.id, session: record.id, proposing: SecondFactor.newSecret()) else {
            throw DomainError.conflict(code: "second_factor_enabled", message: "A second factor is already set up.")
        }
        return Enrollment(secret: SecondFactor.base32(secret), url: SecondFactor.url(secret: secret, account: credentials.person.email))
    }

    /// Confirms the new secret with a code from the app; TOTP is then required at every sign-in.
    public func confirmSecondFactorEnrollment(_ token: String, code: String, address: String) async throws -> SecondFactorOutcome {
        let (record, credentials) = try await liveSession(token)
        guard !credentials.person.totpEnabled, let secret = credentials.totpSecret else {
            throw DomainError.conflict(code: "no_enrollment", message: "Start setting up the authenticator app first.")
        }
        return try await checkCode(code, secret: secret, record: record, credentials: credentials, address: address, enable: true)
    }

    private func checkCode(
        _ code: String, secret: String, record: SessionRepository.Record, credentials: PeopleRepository.Credentials,
        address: String, enable: Bool
    ) async throws -> SecondFactorOutcome {
        let now = configuration.now()
        let email = credentials.person.email
        if let wait = try await throttled(email: email, address: address, now: now) { return .throttled(retryAfterSeconds: wait) }
        guard let step = SecondFactor.matchingStep(secret: secret, code: code, at: now),
              try await people.useTOTPStep(credentials.person.id, step: step, enable: enable) else {
            try await people.recordFailure(email: email, address: address, at: now)
            return .refused(message: Self.wrongCode)
        }
        try await people.clearFailures(email: email)
        // A new session id now that the person is fully signed in.
        let token = try await newSession(
            person: credentials.person.id, pending: false, acting: record.actingOrganizationID,
            address: address, userAgent: record.userAgent, now: now, replacing: record.id
        )
        return .signedIn(token)
    }

    // MARK: - Sessions

    /// The signed-in person behind a session token; nil when the token is unknown, ended or expired.
    /// Using a session moves its idle expiry (written at most once a minute).
    public func session(_ token: String) async throws -> SignedIn? {
        guard let (record, credentials) = try await live(token) else { return nil }
        let now = configuration.now()
        if !record.secondFactorPending && now.timeIntervalSince(record.lastSeenAt) >= configuration.touchInterval {
            try await sessions.touch(record.id, now: now, idleExpiresAt: min(now.addingTimeInterval(configuration.idleTimeout), record.expiresAt))
        }
        return try await resolve(record, credentials.person)
    }

    private func resolve(_ record: SessionRepository.Record, _ person: Person) async throws -> SignedIn {
        let memberships = try await people.memberships(of: person.id)
        let acting = memberships.first { $0.organizationID == record.actingOrganizationID }?.organizationID ?? memberships.first?.organizationID
        let mustEnroll = Self.requiresSecondFactor(person, memberships) && !person.totpEnabled
        var caller = Caller.anonymous
        if !record.secondFactorPending && !mustEnroll {
            if person.isAdmin {
                caller = .admin
            } else if let acting, let member = try await people.member(person: person.id, organization: acting) {
                caller = .organization(member)
            }
        }
        return SignedIn(
            sessionID: record.id, person: person, memberships: memberships, actingOrganizationID: acting, caller: caller,
            secondFactorPending: record.secondFactorPending && person.totpEnabled, mustEnrollSecondFactor: mustEnroll,
            expiresAt: record.expiresAt
        )
    }

    /// The session and its person when both are alive; expired sessions are removed on sight.
    private func live(_ token: String) async throws -> (SessionRepository.Record, PeopleRepository.Credentials)? {
        guard let record = try await sessions.find(token: token) else { return nil }
        let now = configuration.now()
        guard record.expiresAt > now, record.idleExpiresAt > now,
              let credentials = try await people.credentials(id: record.personID), !credentials.person.disabled else {
            try await sessions.delete(record.id, of: record.personID)
            return nil
        }
        return (record, credentials)
    }

    private func liveSession(_ token: String) async throws -> (SessionRepository.Record, PeopleRepository.Credentials) {
        guard let live = try await live(token) else { throw DomainError.unauthenticated }
        return live
    }

    /// A fully signed-in session (no second factor owed).
    private func fullSession(_ token: String) async throws -> SignedIn {
        guard let signedIn = try await session(token), !signedIn.secondFactorPending, !signedIn.mustEnrollSecondFactor else {
            throw DomainError.unauthenticated
        }
        return signedIn
    }

    /// Acts for another organization the person belongs to from now on.
    public func switchOrganization(_ token: String, to organizationID: UUID) async throws -> SignedIn {
        let signedIn = try await fullSession(token)
        guard signedIn.memberships.contains(where: { $0.organizationID == organizationID }) else {
            throw DomainError.forbidden(message: "You are not a member of this organization.")
        }
        try await sessions.setActingOrganization(signedIn.sessionID, to: organizationID)
        guard let switched = try await session(token) else { throw DomainError.unauthenticated }
        return switched
    }

    /// Ends this session. Unknown tokens are fine: the person is signed out either way.
    public func signOut(_ token: String) async throws {
        if let record = try await sessions.find(token: token) {
            try await sessions.delete(record.id, of: record.personID)
        }
    }

    /// Ends every session of the person, this one included; how many ended.
    @discardableResult
    public func signOutEverywhere(_ token: String) async throws -> Int {
        let (record, _) = try await liveSession(token)
        return try await sessions.deleteAll(of: record.personID)
    }

    /// Ends one of the person's own sessions (from the account page); false when it was not theirs or had ended.
    @discardableResult
    public func endSession(_ id: UUID, token: String) async throws -> Bool {
        let signedIn = try await fullSession(token)
        return try await sessions.delete(id, of: signedIn.person.id)
    }

    /// The person's live sessions, newest first.
    public func listSessions(_ token: String) async throws -> [SessionInfo] {
        let signedIn = try await fullSession(token)
        return try await sessions.list(of: signedIn.person.id, now: configuration.now()).map {
            SessionInfo(
                id: $0.id, createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, userAgent: $0.userAgent,
                address: $0.address, isCurrent: $0.id == signedIn.sessionID
            )
        }
    }

    // MARK: - Joining

    /// An organization registers itself: it lands unverified (in the admins' queue) with the
    /// person as its owner, both in one transaction, and the owner is signed in. The owner's
    /// fields are reported as `owner.email`, `owner.name` and `owner.password`.
    public func registerOrganization(
        _ draft: OrganizationDraft, owner: NewAccount, address: String, userAgent: String
    ) async throws -> (organization: Organization, outcome: SignInOutcome) {
        var issues = OrganizationRules.issues(draft)
        let row = try await validatedPerson(owner, prefix: "owner.", issues: &issues)
        guard issues.isEmpty, let row else { throw DomainError.invalid(issues) }
        let (organization, person) = try await people.register(draft, owner: row)
        let outcome = try await startSession(for: person, address: address, userAgent: userAgent, now: configuration.now())
        return (organization, outcome)
    }

    /// An owner (or an admin) invites someone by email; the link is mailed and works for 7 days.
    public func invite(
        email rawEmail: String, role: MembershipRole, to organizationID: UUID, language: Language? = nil, by signedIn: SignedIn
    ) async throws {
        try Access.requireOwner(signedIn.caller, organizationID, to: "invite people")
        var issues: [FieldIssue] = []
        let email = AccountRules.email(rawEmail, into: &issues)
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        let organization = try await organizations.find(organizationID, by: signedIn.caller).organization
        let language = language ?? signedIn.person.language
        let now = configuration.now()
        let days = Int(configuration.invitationLifetime / 86_400)
        let configuration = configuration
        let inviter = signedIn.person.displayName
        _ = try await people.invite(
            organization: organizationID, email: email, role: role, invitedBy: signedIn.person.id, now: now,
            expiresAt: now.addingTimeInterval(configuration.invitationLifetime)
        ) { token in
            AccountMail.invitation(
                to: email, organization: organization.fields.name.preferred(language), role: role, inviter: inviter,
                link: configuration.link("/invitations/accept?token=\(token)"), days: days, language: language
            )
        }
        wakeup.wake()
    }

    /// The invitation behind a link, while it is open; nil otherwise.
    public func invitation(_ token: String) async throws -> InvitationPreview? {
        guard let invitation = try await people.invitation(token: token, now: configuration.now()) else { return nil }
        let hasAccount = try await people.credentials(email: invitation.email) != nil
        return InvitationPreview(
            organizationID: invitation.organizationID, organizationName: invitation.organizationName, email: invitation.email,
            role: invitation.role, expiresAt: invitation.expiresAt, hasAccount: hasAccount
        )
    }

    /// A newcomer accepts: an account for the invited email (the link proved the mailbox), the
    /// membership, and a session.
    public func acceptInvitation(_ token: String, account: NewAccount, address: String, userAgent: String) async throws -> SignInOutcome {
        guard let invitation = try await people.invitation(token: token, now: configuration.now()) else { throw Self.closedInvitation }
        if try await people.credentials(email: invitation.email) != nil {
            throw DomainError.conflict(code: "account_exists", message: "An account with this email exists: sign in, then open the link again.")
        }
        var account = account
        account.email = invitation.email
        var issues: [FieldIssue] = []
        let row = try await validatedPerson(account, prefix: "", issues: &issues)
        guard issues.isEmpty, let row else { throw DomainError.invalid(issues) }
        guard let (person, _) = try await people.accept(invitationToken: token, personID: nil, newPerson: row, now: configuration.now()) else {
            throw Self.closedInvitation
        }
        return try await startSession(for: person, address: address, userAgent: userAgent, now: configuration.now())
    }

    /// A signed-in person accepts an invitation sent to their own email; the role is theirs at once.
    public func acceptInvitation(_ token: String, as signedIn: SignedIn) async throws -> Membership {
        guard let invitation = try await people.invitation(token: token, now: configuration.now()) else { throw Self.closedInvitation }
        guard invitation.email.lowercased() == signedIn.person.email.lowercased() else {
            throw DomainError.forbidden(message: "This invitation was sent to another email address.")
        }
        guard try await people.accept(invitationToken: token, personID: signedIn.person.id, newPerson: nil, now: configuration.now()) != nil else {
            throw Self.closedInvitation
        }
        guard let membership = try await people.memberships(of: signedIn.person.id).first(where: { $0.organizationID == invitation.organizationID }) else {
            throw DomainError.notFound(resource: "organization")
        }
        return membership
    }

    static let closedInvitation = DomainError.invalid([
        FieldIssue(field: "token", code: "invitation_closed", message: "This invitation has expired, was used already or does not exist."),
    ])

    /// Mails a reset link (valid 1 hour) when an active account has this email; the answer is the
    /// same whether or not one does.
    public func requestPasswordReset(email rawEmail: String) async throws {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !email.isEmpty, let credentials = try await people.credentials(email: email), !credentials.person.disabled else { return }
        let person = credentials.person
        let now = configuration.now()
        let configuration = configuration
        let made = try await people.requestReset(
            person: person.id, now: now, expiresAt: now.addingTimeInterval(configuration.resetLifetime),
            limit: configuration.resetsPerHour, since: now.addingTimeInterval(-3600)
        ) { token in
            AccountMail.passwordReset(
                to: person.email, name: person.displayName, link: configuration.link("/password/reset?token=\(token)"), language: person.language
            )
        }
        if made { wakeup.wake() }
    }

    /// True while a reset link can still be used (for the page, before it asks for a password).
    public func passwordResetIsOpen(_ token: String) async throws -> Bool {
        try await people.resetIsOpen(token: token, now: configuration.now())
    }

    /// Sets a new password from a reset link; every session of the person ends.
    public func resetPassword(_ token: String, newPassword: String) async throws {
        let issues = AccountRules.passwordIssues(newPassword, email: nil)
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        guard try await people.resetIsOpen(token: token, now: configuration.now()) else { throw Self.closedReset }
        let hash = try await Self.hash(newPassword, cost: configuration.passwordCost)
        guard try await people.reset(token: token, passwordHash: hash, now: configuration.now()) != nil else { throw Self.closedReset }
    }

    /// A signed-in person changes their password, giving the current one; their other sessions and
    /// open reset links end, so whoever else knew the old password is signed out too. A wrong current password counts as a
    /// failed sign-in for the throttle.
    public func changePassword(_ token: String, current: String, new newPassword: String, address: String) async throws {
        let signedIn = try await fullSession(token)
        let now = configuration.now()
        if let wait = try await throttled(email: signedIn.person.email, address: address, now: now) {
            throw DomainError.invalid([FieldIssue(
                field: "current_password", code: "throttled", message: "Too many wrong passwords: try again in \(wait) s."
            )])
        }
        guard let credentials = try await people.credentials(id: signedIn.person.id) else { throw DomainError.unauthenticated }
        let hash = credentials.passwordHash
        guard try await NIOThreadPool.singleton.runIfActive({ Bcrypt.verify(current, hash: hash) }) else {
            try await people.recordFailure(email: signedIn.person.email, address: address, at: now)
            throw DomainError.invalid([FieldIssue(field: "current_password", code: "wrong", message: "This is not your current password.")])
        }
        let issues = AccountRules.passwordIssues(newPassword, email: signedIn.person.email, field: "password")
        if !issues.isEmpty { throw DomainError.invalid(issues) }
        let newHash = try await Self.hash(newPassword, cost: configuration.passwordCost)
        guard try await sessions.changePassword(of: signedIn.person.id, from: hash, to: newHash, keeping: signedIn.sessionID, now: now) else {
            // The password changed, or this session ended, while this request was checking.
            throw DomainError.unauthenticated
        }
    }

    static let closedReset = DomainError.invalid([
        FieldIssue(field: "token", code: "reset_closed", message: "This link has expired or was used already; ask for a new one."),
    ])

    // MARK: - Members

    /// The organization's people and their roles: for its own people (viewers too) and admins.
    public func members(of organizationID: UUID, by caller: Caller) async throws -> [PeopleRepository.Member] {
        try Access.requireSpeaksFor(caller, organizationID, to: "see its members")
        return try await people.members(of: organizationID)
    }

    /// Only an owner (or an admin) manages who belongs to the organization: the members page is theirs.
    public func requireMemberManagement(of organizationID: UUID, by caller: Caller) throws {
        try Access.requireOwner(caller, organizationID, to: "manage its members")
    }

    /// An owner (or an admin) changes a member's role; the last owner cannot step down.
    public func changeRole(of personID: UUID, in organizationID: UUID, to role: MembershipRole, by caller: Caller) async throws {
        try Access.requireOwner(caller, organizationID, to: "change roles")
        guard try await people.setRole(person: personID, organization: organizationID, to: role, check: Self.keepsAnOwner) else {
            throw DomainError.notFound(resource: "member")
        }
    }

    /// An owner (or an admin) removes a member; their rights end with their next request.
    public func removeMember(_ personID: UUID, from organizationID: UUID, by caller: Caller) async throws {
        try Access.requireOwner(caller, organizationID, to: "remove members")
        guard try await people.setRole(person: personID, organization: organizationID, to: nil, check: Self.keepsAnOwner) else {
            throw DomainError.notFound(resource: "member")
        }
    }

    @Sendable static func keepsAnOwner(_ roles: [UUID: MembershipRole]) throws {
        guard roles.values.contains(.owner) else {
            throw DomainError.conflict(code: "last_owner", message: "An organization keeps at least one owner: make someone else owner first.")
        }
    }

    // MARK: - Administration

    /// A person made by an operator (`asar user create`) or the demo data: admins only.
    /// A `totpSecret` is enrolled at once (demo people); otherwise admins enroll at first sign-in.
    public func createPerson(
        _ account: NewAccount, isAdmin: Bool, memberships: [(UUID, MembershipRole)] = [], totpSecret: String? = nil, by caller: Caller
    ) async throws -> Person {
        try Access.requireAdmin(caller, to: "create accounts")
        var issues: [FieldIssue] = []
        guard var row = try await validatedPerson(account, prefix: "", issues: &issues), issues.isEmpty else {
            throw DomainError.invalid(issues)
        }
        row.isAdmin = isAdmin
        row.totpSecret = totpSecret
        row.totpEnabled = totpSecret != nil
        return try await people.create(row, memberships: memberships)
    }

    /// Everyone with an account and their roles, for admins.
    public func people(search: String, limit: Int, by caller: Caller) async throws -> [PeopleRepository.PersonWithRoles] {
        try Access.requireAdmin(caller, to: "see everyone's accounts")
        return try await people.people(search: String(search.prefix(200)), limit: max(1, min(limit, 500)))
    }

    /// An admin suspends a person or lets them back in; an admin cannot lock themselves out.
    public func setDisabled(_ personID: UUID, _ disabled: Bool, by session: SignedIn) async throws {
        try Access.requireAdmin(session.caller, to: "suspend people")
        if disabled && personID == session.person.id {
            throw DomainError.conflict(code: "own_account", message: "An admin cannot suspend their own account.")
        }
        try await people.setDisabled(personID, disabled)
    }

    /// Verifies or suspends an organization from the queue.
    public func verify(_ organizationID: UUID, as status: Verification, by caller: Caller) async throws -> Organization {
        try await organizations.verify(organizationID, as: status, by: caller).organization
    }

    /// What a person types into an authenticator app for a TOTP secret (its base32).
    public static func authenticatorKey(for secret: String) -> String {
        SecondFactor.base32(secret)
    }

    /// The TOTP code for `secret` at `date`, for tests and the demo.
    public static func currentCode(for secret: String, at date: Date = Date()) -> String {
        SecondFactor.code(secret: secret, step: TOTP.step(at: date))
    }

    // MARK: - Helpers

    /// The row for a new person, or nil with the problems added to `issues`.
    /// What is wrong with a new account's fields, without creating anything, so that a form can
    /// show every problem at once even when others stop it first.
    public static func issues(of account: NewAccount, prefix: String = "") -> [FieldIssue] {
        var issues: [FieldIssue] = []
        let email = AccountRules.email(account.email, field: prefix + "email", into: &issues)
        _ = AccountRules.displayName(account.name, field: prefix + "name", into: &issues)
        issues += AccountRules.passwordIssues(account.password, email: email, field: prefix + "password")
        return issues
    }

    private func validatedPerson(_ account: NewAccount, prefix: String, issues: inout [FieldIssue]) async throws -> PeopleRepository.NewPerson? {
        let before = issues.count
        let email = AccountRules.email(account.email, field: prefix + "email", into: &issues)
        let name = AccountRules.displayName(account.name, field: prefix + "name", into: &issues)
        issues += AccountRules.passwordIssues(account.password, email: email, field: prefix + "password")
        guard issues.count == before else { return nil }
        var row = PeopleRepository.NewPerson(email: email, displayName: name, passwordHash: try await Self.hash(account.password, cost: configuration.passwordCost))
        row.language = account.language
        return row
    }

    static func hash(_ password: String, cost: UInt8 = bcryptCost) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }
}
