import Domain
import Foundation
import Postgres
import Storage
import UseCases

/// A failed precondition of a test, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A small world for access tests: an NGO with projects, a sponsor, an akimat whose jurisdiction
/// holds the projects and one whose does not, all verified, with a token for each and a revoked one.
public struct AccessWorld: Sendable {
    public let ngo: UUID
    public let business: UUID
    public let akimatInside: UUID
    public let akimatOutside: UUID
    public let spare: UUID
    public let draftProject: UUID
    public let tokens: [String: String]
    /// The callers behind the tokens, as the application layer sees them, and two viewers
    /// (`ngo_viewer`, `government_inside_viewer`) as a person's session would give them.
    public let identities: [String: Caller]
    /// The person behind `tokens["person"]`.
    public let personID: UUID
    public let pool: ConnectionPool

    public static let callers = ["anonymous", "business", "ngo", "government_inside", "government_outside", "admin", "revoked"]
    /// A person's own token (`tokens["person"]`): checked against every row apart from `callers`.
    public static let person = "person"

    /// The world with an admin token of its own, for tests that call the use cases directly.
    public static func build(pool: ConnectionPool) async throws -> AccessWorld {
        try await build(pool: pool, adminToken: try await TokenRepository(pool: pool).issue(organizationID: nil, label: "admin").token)
    }

    public static func build(pool: ConnectionPool, adminToken: String) async throws -> AccessWorld {
        let organizations = OrganizationRepository(pool: pool)
        func make(_ draft: OrganizationDraft) async throws -> UUID {
            let id = try await organizations.create(draft).id
            _ = try await organizations.setVerification(id, to: .verified)
            return id
        }
        var ngoDraft = OrganizationDraft(kind: .ngo, bin: "940140000385", legalForm: "public_foundation", name: LocalizedText(ru: "Камкор"))
        ngoDraft.regions = ["550000000"]
        ngoDraft.focusAreas = ["inclusion"]
        var businessDraft = OrganizationDraft(kind: .business, bin: "990140004654", legalForm: "llp", name: LocalizedText(en: "Ertis"))
        businessDraft.regions = ["550000000"]
        businessDraft.focusAreas = ["inclusion"]
        businessDraft.annualCSRBudgetKZT = 1_000_000_000
        var inside = OrganizationDraft(kind: .governmentBody, bin: "011140001654", legalForm: "akimat_region", name: LocalizedText(ru: "Акимат Павлодарской области"))
        inside.regions = ["550000000"]
        inside.jurisdiction = "550000000"
        inside.level = .region
        var outside = OrganizationDraft(kind: .governmentBody, bin: try validBIN(startingAt: "0803400000"), legalForm: "akimat_city", name: LocalizedText(ru: "Акимат г. Алматы"))
        outside.regions = ["750000000"]
        outside.jurisdiction = "750000000"
        outside.level = .city
        var spare = OrganizationDraft(kind: .ngo, bin: try validBIN(startingAt: "1004400000"), legalForm: "public_association", name: LocalizedText(ru: "Запасная"))
        spare.regions = ["550000000"]

        let ngo = try await make(ngoDraft)
        let business = try await make(businessDraft)
        let akimatInside = try await make(inside)
        let akimatOutside = try await make(outside)
        let spareID = try await make(spare)
        var draftProject = ProjectDraft(organizationID: ngo, title: LocalizedText(ru: "Черновик"), fundingNeededKZT: 1_000_000, durationMonths: 6)
        draftProject.regions = ["550000000"]
        let draftID = try await ProjectRepository(pool: pool).create(draftProject).id

        let tokenRepository = TokenRepository(pool: pool)
        var tokens = ["admin": adminToken]
        for (name, id) in [("business", business), ("ngo", ngo), ("government_inside", akimatInside), ("government_outside", akimatOutside)] {
            tokens[name] = try await tokenRepository.issue(organizationID: id).token
        }
        let revoked = try await tokenRepository.issue(organizationID: ngo)
        try await tokenRepository.revoke(revoked.id)
        tokens["revoked"] = revoked.token
        // A person with a personal token (a reviewer's review tool), of no organization here: an
        // owner of the NGO would receive its news in every test (`makePersonOwnTheNGO` for the checks
        // that the token inherits no membership).
        let person = try await Services(pool: pool, matching: MatchingConfiguration(), accounts: .cheapHashes).accounts.createPerson(
            .init(email: "reviewer-\(UUID().uuidString.prefix(8))@example.kz", name: "Reviewer", password: "Correct-Horse-9"), isAdmin: false, by: .admin
        )
        tokens["person"] = try await tokenRepository.issue(personID: person.id, label: "review tool").token
        var identities: [String: Caller] = [:]
        for (name, token) in tokens where name != "revoked" && name != "person" {
            identities[name] = try await tokenRepository.authenticate(token)
        }
        // People who only read: a viewer of the NGO and one of the inside akimat.
        for (name, base) in [("ngo_viewer", "ngo"), ("government_inside_viewer", "government_inside")] {
            if let member = identities[base]?.member {
                identities[name] = .organization(Caller.Member(
                    organizationID: member.organizationID, kind: member.kind, jurisdiction: member.jurisdiction,
                    isNational: member.isNational, isSuspended: member.isSuspended, role: .viewer
                ))
            }
        }
        return AccessWorld(
            ngo: ngo, business: business, akimatInside: akimatInside, akimatOutside: akimatOutside, spare: spareID,
            draftProject: draftID, tokens: tokens, identities: identities, personID: person.id, pool: pool
        )
    }

    /// Makes the personal token's person an owner of the NGO: the token must still act for no organization.
    public func makePersonOwnTheNGO() async throws {
        try await pool.withConnection { connection in
            try connection.query("INSERT INTO memberships (person_id, organization_id, role) VALUES ($1, $2, 'owner')", [personID, ngo])
        }
    }

    /// The first valid BIN with this 10-digit start.
    public static func validBIN(startingAt prefix: String) throws -> String {
        for digit in 0...9 {
            let eleven = prefix + String(digit)
            if let check = BIN.checkDigit(eleven.map { Int(String($0)) ?? 0 }) { return eleven + String(check) }
        }
        throw TestFailure("no valid BIN starts with \(prefix)")
    }

    /// A new open project of the NGO, so each partnership in a test has a triple of its own.
    public func openProject() async throws -> UUID {
        var draft = ProjectDraft(organizationID: ngo, title: LocalizedText(ru: "Мастерская"), fundingNeededKZT: 20_000_000, durationMonths: 12)
        draft.regions = ["550000000"]
        draft.focusAreas = ["inclusion"]
        draft.status = .open
        return try await ProjectRepository(pool: pool).create(draft).id
    }

    /// A stored round of the inside akimat, with nothing placed.
    public func round() async throws -> UUID {
        let request = RoundRequest(
            jurisdiction: "550000000", national: false, focusAreas: [], mode: .split,
            consentDeadline: Date().addingTimeInterval(86_400)
        )
        let outcome = RoundOutcome(
            projectsInScope: 0, sponsorsInScope: 0, pairsScored: 0, objective: 0, upperBound: 0,
            blockingPairs: 0, placements: [], unfunded: [], needInScopeKZT: 0
        )
        return try await RoundRepository(pool: pool).save(request, by: akimatInside, isAdmin: false, outcome: outcome).id
    }

    /// The inside akimat's call in Pavlodar Region, open from 2020 to 2099, a draft unless `published`.
    public func call(published: Bool) async throws -> Call {
        let far = Date(timeIntervalSince1970: 4_000_000_000)
        let terms = CallTerms(
            title: LocalizedText(ru: "Социальный заказ"), territory: "550000000", stateBudgetKZT: 10_000_000, minGrantKZT: 1_000_000,
            maxGrantKZT: 5_000_000, passMark: 50, opensAt: Date(timeIntervalSince1970: 1_577_836_800), closesAt: far,
            reviewsDueAt: far + 86_400, resultsAt: far + 2 * 86_400, questions: [CallQuestion(text: LocalizedText(ru: "Зачем?"))],
            criteria: [CallCriterion(name: LocalizedText(ru: "Польза"), weight: 1, scaleMax: 5)]
        )
        let calls = Services(pool: pool, matching: MatchingConfiguration()).calls
        let draft = try await calls.create(terms, governmentBodyID: akimatInside, by: .admin)
        return published ? try await calls.publish(draft.id, ifMatch: nil, by: .admin) : draft
    }

    /// An answered application of the NGO's to a published call, submitted or a draft.
    public func callApplication(submitted: Bool) async throws -> CallApplication {
        let calls = Services(pool: pool, matching: MatchingConfiguration()).calls
        let draft = CallApplicationDraft(projectID: try await openProject(), amountKZT: 2_000_000, answers: ["Чтобы помочь."])
        let application = try await calls.apply(to: try await call(published: true).id, draft, by: try ngoCaller())
        return submitted ? try await calls.submit(application.id, ifMatch: nil, by: .admin) : application
    }

    /// The business's pledge to a published call.
    public func callPledge() async throws -> CallPledge {
        try await Services(pool: pool, matching: MatchingConfiguration()).calls.pledge(
            to: try await call(published: true).id, amountKZT: 1_000_000, focusAreas: [], places: [], businessID: business, by: .admin
        )
    }

    func ngoCaller() throws -> Caller {
        guard let ngo = identities["ngo"] else { throw TestFailure("world without identities") }
        return ngo
    }

    /// A partnership proposed by the NGO and brought to `state` through the lifecycle itself.
    public func partnership(in state: PartnershipState, pledge: Int64 = 10_000_000) async throws -> UUID {
        let repository = Services(pool: pool, matching: MatchingConfiguration()).partnerships
        guard let ngoIdentity = identities["ngo"], let admin = identities["admin"] else { throw TestFailure("world without identities") }
        let id = try await repository.propose(
            PartnershipDraft(projectID: try await openProject(), businessID: business, governmentBodyID: akimatInside, pledgeKZT: pledge),
            by: ngoIdentity
        ).id
        let path: [PartnershipLifecycle.Action] = switch state {
        case .proposed: []
        case .underReview: [.consent]
        case .approved: [.consent, .approve]
        case .active: [.consent, .approve, .activate]
        case .completed, .cancelled, .rejected, .withdrawn: []
        }
        for action in path {
            _ = try await repository.perform(action, on: id, comment: nil, ifMatch: nil, by: admin)
        }
        return id
    }
}

extension AccessWorld {
    /// A results framework for change requests.
    public static let changedFramework = ResultsFramework(
        indicators: [Indicator(name: "Дети в кружках", unit: "детей", baseline: 0, target: 80)], reportingPeriodDays: 60
    )

    /// An active partnership whose NGO asked to change its results framework.
    public func partnershipWithFrameworkChange() async throws -> UUID {
        let id = try await partnership(in: .active)
        guard let ngoIdentity = identities["ngo"] else { throw TestFailure("world without identities") }
        _ = try await Services(pool: pool, matching: MatchingConfiguration()).partnerships.requestFrameworkChange(
            id, framework: Self.changedFramework, reason: "Уточнили цели", by: ngoIdentity
        )
        return id
    }

    /// The newest piece of news in the NGO's own inbox (a partnership proposed by the NGO tells the others; one the admin moves tells the NGO).
    public func ngoInboxItem() async throws -> Int64 {
        _ = try await partnership(in: .underReview)
        return try await pool.withConnection { connection in
            try connection.query("SELECT max(id) FROM organization_inbox WHERE organization_id = $1", [ngo]).rows[0].decode(Int64.self, at: 0)
        }
    }

    /// A new webhook of the NGO (to a port nothing listens on).
    public func ngoWebhook() async throws -> UUID {
        guard let webhook = try await WebhookRepository(pool: pool).create(
            organization: ngo, url: "http://127.0.0.1:9/asar", secret: String(repeating: "s", count: 40), limit: 1000
        ) else { throw TestFailure("no webhook made") }
        return webhook.id
    }

    /// A delivery to a new webhook of the NGO: the one its next partnership's proposal queues.
    public func ngoWebhookDelivery() async throws -> Int64 {
        let webhook = try await ngoWebhook()
        _ = try await partnership(in: .proposed)
        return try await pool.withConnection { connection in
            try connection.query("SELECT max(id) FROM webhook_deliveries WHERE webhook_id = $1", [webhook]).rows[0].decode(Int64.self, at: 0)
        }
    }

    /// A new draft project of the NGO, for tests that publish it.
    public func draftProjectOfNGO() async throws -> UUID {
        var draft = ProjectDraft(organizationID: ngo, title: LocalizedText(ru: "Новый черновик"), fundingNeededKZT: 1_000_000, durationMonths: 6)
        draft.regions = ["550000000"]
        return try await ProjectRepository(pool: pool).create(draft).id
    }
}

extension AccountConfiguration {
    /// The environment's configuration with bcrypt's cheapest cost, for tests about rights and
    /// pages rather than passwords: cost 12 (the service's) on two busy cores slows every test
    /// beside them. SignInTests keep the service's cost.
    public static var cheapHashes: AccountConfiguration {
        var configuration = AccountConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        configuration.passwordCost = 4
        return configuration
    }
}
