import Domain
import API
import UseCases
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Postgres
import DemoData
import Storage
import TestSupport

/// Runs `body` against the service wired to `database`, through the router (no sockets).
func withService<T: Sendable>(
    _ database: TestDatabase, testHooks: Bool = false, allowPrivateWebhooks: Bool = false, webhookRetry: WebhookRetryPolicy? = nil,
    _ body: @Sendable (APIClient) async throws -> T
) async throws -> T {
    var configuration = ServiceConfiguration(
        database: TestDatabase.loadedMachine(connectionString: database.connectionString, maxConnections: 4),
        logLevel: .warning
    )
    configuration.accounts = .cheapHashes
    // Hundreds of these run at once; CandidateIndexFollowingTests test following on their own.
    configuration.followsIndexChanges = false
    configuration.testHooks = testHooks
    configuration.webhooks.allowPrivateAddresses = allowPrivateWebhooks
    if let webhookRetry {
        // Quick retries, looked for often: the service's own deliverer runs beside the test.
        configuration.webhooks.retry = webhookRetry
        configuration.webhooks.pollInterval = .milliseconds(50)
    }
    let admin = try await TokenRepository(pool: database.pool).issue(organizationID: nil, label: "tests").token
    let app = try buildApplication(configuration, migrations: TestDatabase.migrations)
    return try await app.testThroughRouter { client in
        try await body(APIClient(client: client, adminToken: admin, pool: database.pool))
    }
}

/// Who a test request comes from.
enum RequestCaller: Sendable {
    case anonymous
    case admin
    case token(String)
}

/// The test client with this test's admin token at hand.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let adminToken: String
    let pool: ConnectionPool

    /// Writes go as the admin unless told otherwise, reads anonymously: most tests are about
    /// something else than access, which has tests of its own.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, contentType: String = "application/json",
        as caller: RequestCaller? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if json != nil { headers[.contentType] = contentType }
        switch caller ?? (method == .get ? .anonymous : .admin) {
        case .anonymous: break
        case .admin: headers[.authorization] = "Bearer \(adminToken)"
        case .token(let token): headers[.authorization] = "Bearer \(token)"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// A token for one organization.
    func token(for organization: String) async throws -> String {
        guard let id = UUID(uuidString: organization) else { throw TestFailure("not an organization id: \(organization)") }
        return try await TokenRepository(pool: pool).issue(organizationID: id).token
    }
}


extension TestResponse {
    /// The body as a JSON object; empty when it is not one.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    var problemType: String? { json["type"] as? String }

    /// The `field` of each per-field error in a problem body.
    var errorFields: Set<String> {
        Set((json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
    }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }
}

enum Bodies {
    static func ngo(bin: String = "940140000385", extra: String = "") -> String {
        """
        {"kind": "ngo", "bin": "\(bin)", "legal_form": "public_foundation",
         "name": {"kk": "Қамқор", "ru": "Камкор", "en": "Kamkor"},
         "description": "Помогаем детям с инвалидностью в Павлодаре",
         "contact_email": "info@kamkor.kz", "contact_phone": "+7 701 234 56 78",
         "regions": ["550000000"], "focus_areas": ["social_protection", "inclusion"], "seeking": ["education"],
         "annual_budget_kzt": 25000000, "staff_count": 12, "founded_year": 2008\(extra)}
        """
    }

    static func business(bin: String = "990140004654") -> String {
        """
        {"kind": "business", "bin": "\(bin)", "legal_form": "llp", "name": {"en": "Altyn Dala Agro"},
         "nationwide": true, "focus_areas": ["rural_development"], "annual_csr_budget_kzt": 150000000, "max_active_partnerships": 5}
        """
    }

    static func project(owner: String, extra: String = "") -> String {
        """
        {"organization_id": "\(owner)", "title": {"ru": "Инклюзивная мастерская", "kk": "Инклюзивті шеберхана"},
         "summary": {"ru": "Обучение ремеслу подростков с инвалидностью"},
         "focus_areas": ["inclusion"], "regions": ["550000000"], "funding_needed_kzt": 8000000,
         "in_kind_needs": ["помещение"], "duration_months": 12, "beneficiaries": 40, "status": "open"\(extra)}
        """
    }
}

extension AccessWorld {
    /// The token a test request of `name` carries.
    func caller(_ name: String) -> RequestCaller {
        guard let token = tokens[name] else { return .anonymous }
        return .token(token)
    }
}
