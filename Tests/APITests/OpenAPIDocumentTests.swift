import Domain
import Foundation
@testable import API
import UseCases
import Postgres
import DemoData
import Storage
import Testing
import TestSupport

/// The published contract, Sources/API/Resources/openapi.json, against what the service really serves.
@Suite struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document as committed in the checkout.
    static func committedDocument() throws -> Data {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/API/Resources/openapi.json")
        return try Data(contentsOf: file)
    }

    static func parsed(_ data: Data) throws -> [String: Any] {
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("the OpenAPI document is not a JSON object")
        }
        return document
    }

    /// `METHOD /path/{param}` for every operation the document describes.
    static func documentedOperations(_ document: [String: Any]) -> Set<String> {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return Set(paths.flatMap { path, item in
            item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
    }

    /// `METHOD /path/{param}` for every API route the router serves (`:param` written as `{param}`);
    /// the pages people read are not part of the integration contract.
    static func servedOperations() throws -> Set<String> {
        // Building the router opens no connection.
        let pool = ConnectionPool(configuration: .init(connectionString: "dbname=none"))
        let router = try buildRouter(Services(pool: pool, matching: MatchingConfiguration()), pool: pool, expectedMigrations: [])
        return Set(router.routes.filter { !AuthorizationMatrixTests.isPage($0.path.description) }.map { route in
            let segments = route.path.description.split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }
            return "\(route.method.rawValue) /" + segments.joined(separator: "/")
        })
    }

    @Test func theDocumentParsesAndDeclaresOpenAPI31() throws {
        let document = try Self.parsed(try Self.committedDocument())
        let version = try #require(document["openapi"] as? String)
        #expect(version.hasPrefix("3.1."), "openapi is \(version), expected 3.1.x")
        #expect((document["info"] as? [String: Any])?["title"] as? String == "ASAR")
        let bundled = OpenAPIController.document == (try Self.committedDocument())
        #expect(bundled, "the bundled resource differs from the committed file")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() throws {
        let documented = Self.documentedOperations(try Self.parsed(try Self.committedDocument()))
        let served = try Self.servedOperations()
        #expect(served.count >= 40)
        for operation in served.subtracting(documented).sorted() {
            Issue.record("the router serves \(operation), which the OpenAPI document does not describe")
        }
        for operation in documented.subtracting(served).sorted() {
            Issue.record("the OpenAPI document describes \(operation), which the router does not serve")
        }
    }

    @Test func everyOperationDocumentsItsErrorsAsProblems() throws {
        let document = try Self.parsed(try Self.committedDocument())
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let responses = (document["components"] as? [String: Any])?["responses"] as? [String: [String: Any]] ?? [:]
        for (path, item) in paths {
            for (method, value) in item where Self.methods.contains(method) {
                let operation = try #require(value as? [String: Any])
                let statuses = operation["responses"] as? [String: Any] ?? [:]
                #expect(statuses["401"] != nil, "\(method) \(path) can answer 401 to a bad token")
                for (status, response) in statuses where status.hasPrefix("4") {
                    let reference = (response as? [String: Any])?["$ref"] as? String
                    let name = reference.map { String($0.split(separator: "/").last ?? "") }
                    let content = name.flatMap { responses[$0]?["content"] as? [String: Any] }
                    #expect(content?.keys.sorted() == ["application/problem+json"], "\(method) \(path) \(status) must be a problem+json response")
                }
            }
        }
    }

    @Test func getOpenAPIJSONServesTheCommittedDocument() async throws {
        let committed = try Self.committedDocument()
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for caller in [RequestCaller.anonymous, .admin] {
                    let response = try await client.send(.get, "/openapi.json", as: caller)
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    // A Bool, so that a mismatch is reported without rendering two large documents.
                    let same = Data(buffer: response.body) == committed
                    #expect(same, "GET /openapi.json as \(caller) serves another document than the committed one")
                }
            }
        }
    }

    /// Regions, focus areas and legal forms are enumerated in the document so that clients (and
    /// schemathesis) know the valid codes; they must be exactly those in the reference tables.
    @Test func enumeratedReferenceCodesMatchTheDatabase() async throws {
        let document = try Self.parsed(try Self.committedDocument())
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func enumeration(_ schema: [String: Any]?) -> [String] { (schema?["enum"] as? [Any] ?? []).compactMap { $0 as? String } }
        func legalForms(_ input: String) -> [String] {
            enumeration((schemas[input]?["properties"] as? [String: [String: Any]])?["legal_form"])
        }
        try await TestDatabase.with { database in
            let reference = ReferenceRepository(pool: database.pool)
            #expect(Set(enumeration(schemas["KATO"])) == Set(try await reference.regions().map(\.kato)))
            #expect(Set(enumeration(schemas["FocusAreaCode"])) == Set(try await reference.focusAreas().map(\.code)))
            let forms = try await reference.legalForms()
            for (input, kind) in [("BusinessInput", OrganizationKind.business), ("NGOInput", .ngo), ("GovernmentBodyInput", .governmentBody)] {
                #expect(Set(legalForms(input)) == Set(forms.filter { $0.organizationKind == kind }.map(\.code)), "legal forms of \(input)")
            }
            #expect(Set(enumeration((schemas["OrganizationPatch"]?["properties"] as? [String: [String: Any]])?["legal_form"])) == Set(forms.map(\.code)))
        }
    }
}
