import Domain
import Foundation
import Logging
import Mail
import Matching
import Postgres
import Storage
import TestSupport
import UseCases

/// Services over a test database with a hand-moved clock and, when given, an SMTP sink as relay.
struct AccountWorld {
    let services: Services
    let clock: TestClock
    let pool: ConnectionPool
    var accounts: AccountService { services.accounts }
    var documents: DocumentService { services.documents }

    /// `passwordCost` is bcrypt's: the service's 12 where passwords are the subject (SignInTests),
    /// 4 elsewhere, so that hashing does not starve the timing tests that run beside these.
    init(
        database: TestDatabase, sink: SMTPSink? = nil, smtpPort: Int? = nil, throttle: SignInThrottle = SignInThrottle(),
        passwordCost: UInt8 = 4
    ) {
        let clock = TestClock()
        var configuration = AccountConfiguration()
        configuration.now = clock.function
        configuration.throttle = throttle
        configuration.passwordCost = passwordCost
        configuration.publicURL = "https://asar.example.kz/"
        // The clock starts at the real time, whatever the hour: digests are due from midnight here
        // (NotificationTests checks the morning hour with fixed times).
        configuration.digestHour = 0
        if let port = sink?.port ?? smtpPort {
            // Generous: the sink is a Python process competing with the whole parallel suite for 2 cores.
            configuration.smtp = SMTPConfiguration(host: "127.0.0.1", port: port, timeout: .seconds(30))
        }
        self.clock = clock
        self.pool = database.pool
        self.services = Services(pool: database.pool, matching: MatchingConfiguration(), accounts: configuration)
    }

    var delivery: MailDeliveryService { services.mailDelivery(logger: Logger(label: "asar.test.mail")) }

    /// A verified organization of `kind` with a valid BIN of its own.
    func organization(_ kind: OrganizationKind) async throws -> UUID {
        // Numbered by how many the database holds: random BINs collided now and then (duplicate_bin).
        let existing = try await pool.withConnection { try $0.query("SELECT count(*) FROM organizations").rows[0].decode(Int.self, at: 0) }
        let bin = try AccessWorld.validBIN(startingAt: String(format: "1105400%03d", existing))
        var draft: OrganizationDraft
        switch kind {
        case .ngo:
            draft = OrganizationDraft(kind: .ngo, bin: bin, legalForm: "public_foundation", name: LocalizedText(ru: "Фонд «Бірлік»"))
            draft.regions = ["550000000"]
        case .business:
            draft = OrganizationDraft(kind: .business, bin: bin, legalForm: "llp", name: LocalizedText(en: "Ertis LLP"))
            draft.regions = ["550000000"]
        case .governmentBody:
            draft = OrganizationDraft(kind: .governmentBody, bin: bin, legalForm: "akimat_region", name: LocalizedText(ru: "Акимат Павлодарской области"))
            draft.regions = ["550000000"]
            draft.jurisdiction = "550000000"
            draft.level = .region
        }
        let repository = OrganizationRepository(pool: pool)
        let id = try await repository.create(draft).id
        _ = try await repository.setVerification(id, to: .verified)
        return id
    }

    /// A person made as the CLI makes them.
    @discardableResult
    func person(
        _ email: String, password: String = "Correct-Horse-9", admin: Bool = false, in memberships: [(UUID, MembershipRole)] = [],
        totpSecret: String? = nil, language: Language = .en
    ) async throws -> Person {
        try await accounts.createPerson(
            AccountService.NewAccount(email: email, name: "Test \(email)", password: password, language: language),
            isAdmin: admin, memberships: memberships, totpSecret: totpSecret, by: .admin
        )
    }

    /// Signs in and expects a full session.
    func signedIn(_ email: String, password: String = "Correct-Horse-9") async throws -> String {
        guard case .signedIn(let token) = try await accounts.signIn(email: email, password: password, address: "10.0.0.1", userAgent: "tests") else {
            throw TestFailure("\(email) was not signed in")
        }
        return token.value
    }
}

extension AccountService.SignInOutcome {
    var token: String? {
        switch self {
        case .signedIn(let token), .secondFactorNeeded(let token), .enrollSecondFactor(let token): token.value
        case .refused, .throttled: nil
        }
    }
}

/// The query value `name` of the first link in `text`.
func linkToken(in text: String, path: String) throws -> String {
    guard let start = text.range(of: path + "?token=") else { throw TestFailure("no \(path) link in: \(text)") }
    let token = text[start.upperBound...].prefix { !$0.isWhitespace }
    return String(token)
}
