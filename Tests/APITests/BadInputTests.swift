import Foundation
import HTTPTypes
import NIOCore
import Testing
import TestSupport

/// Hostile and broken requests of every kind get a problem+json 4xx and change nothing.
@Suite struct BadInputTests {
    /// A body that must be refused, with the status and problem type it must get.
    struct BadBody: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let status: HTTPResponse.Status
        let problemType: String
        var contentType = "application/json"
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ status: HTTPResponse.Status, _ problemType: String, contentType: String = "application/json") {
            self.init(name, Array(text.utf8), status, problemType, contentType: contentType)
        }

        init(_ name: String, _ bytes: [UInt8], _ status: HTTPResponse.Status, _ problemType: String, contentType: String = "application/json") {
            self.name = name
            self.bytes = bytes
            self.status = status
            self.problemType = problemType
            self.contentType = contentType
        }
    }

    static let badBodies: [BadBody] = [
        BadBody("truncated", #"{"kind": "ngo", "name": {"kk": "Қам"#, .badRequest, "/problems/malformed-json"),
        BadBody("not JSON", "kind=ngo", .badRequest, "/problems/malformed-json"),
        BadBody("empty", "", .badRequest, "/problems/malformed-json"),
        BadBody("array instead of object", "[]", .badRequest, "/problems/malformed-json"),
        BadBody("scalar instead of object", "42", .badRequest, "/problems/malformed-json"),
        BadBody("trailing comma in an object", #"{"description": "x",}"#, .badRequest, "/problems/malformed-json"),
        BadBody("trailing comma in an array", #"{"regions": ["550000000",]}"#, .badRequest, "/problems/malformed-json"),
        BadBody("trailing garbage", #"{"kind": "ngo"} x"#, .badRequest, "/problems/malformed-json"),
        BadBody("invalid UTF-8", Array(#"{"description": ""#.utf8) + [0xFF, 0xFE, 0xC3] + Array(#""}"#.utf8), .badRequest, "/problems/malformed-json"),
        BadBody("lone surrogate escape", #"{"description": "\ud800"}"#, .badRequest, "/problems/malformed-json"),
        BadBody("deep nesting", String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000), .badRequest, "/problems/malformed-json"),
        BadBody("deep array nesting", String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .badRequest, "/problems/malformed-json"),
        BadBody("number beyond double", #"{"annual_budget_kzt": 1e400}"#, .badRequest, "/problems/malformed-json"),
        BadBody("huge integer", #"{"annual_budget_kzt": 123456789012345678901234567890}"#, .unprocessableContent, "/problems/validation"),
        BadBody("fraction for an integer", #"{"staff_count": 1.5}"#, .unprocessableContent, "/problems/validation"),
        BadBody("wrong types", #"{"kind": 1, "name": "x", "regions": "550000000", "nationwide": "yes"}"#, .unprocessableContent, "/problems/validation"),
        BadBody("unknown field", #"{"kind": "ngo", "is_admin": true}"#, .unprocessableContent, "/problems/validation"),
        BadBody("very long string", #"{"description": ""# + String(repeating: "ж", count: 100_000) + #""}"#, .unprocessableContent, "/problems/validation"),
        BadBody("control characters", #"{"bin": "94014\u00000000385"}"#, .unprocessableContent, "/problems/validation"),
        BadBody("oversized", #"{"description": ""# + String(repeating: "a", count: 300 * 1024) + #""}"#, .contentTooLarge, "/problems/body-too-large"),
        BadBody("form content type", #"{"kind": "ngo"}"#, .unsupportedMediaType, "/problems/unsupported-media-type", contentType: "application/x-www-form-urlencoded"),
        BadBody("JSON in another charset", #"{"kind": "ngo"}"#, .unsupportedMediaType, "/problems/unsupported-media-type", contentType: "application/json; charset=iso-8859-1"),
    ]

    @Test(arguments: badBodies)
    func badBodiesAreRefusedAndChangeNothing(_ bad: BadBody) async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let owner = try await client.send(.post, "/v1/organizations", json: Bodies.ngo())
                let ownerID = try #require(owner.json["id"] as? String)
                let before = try await snapshot(client, ownerID)

                for (method, uri) in [
                    (HTTPRequest.Method.post, "/v1/organizations"),
                    (.patch, "/v1/organizations/\(ownerID)"),
                    (.post, "/v1/projects"),
                    (.post, "/v1/partnerships"),
                    (.post, "/v1/rounds"),
                ] {
                    let response = try await client.execute(
                        uri: uri, method: method,
                        headers: [.contentType: bad.contentType, .authorization: "Bearer \(client.adminToken)"],
                        body: ByteBuffer(bytes: bad.bytes)
                    )
                    let context = "\(method) \(uri): \(String(buffer: response.body).prefix(300))"
                    #expect(response.status == bad.status, "\(context)")
                    #expect(response.isProblem, "\(context)")
                    #expect(response.problemType == bad.problemType, "\(context)")
                    #expect(response.json["detail"] is String, "a problem says what is wrong: \(context)")
                }
                #expect(try await snapshot(client, ownerID) == before, "a refused request changes nothing")
            }
        }
    }

    @Test func absurdQueryParametersAre422() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let long = String(repeating: "a", count: 5_000)
                for query in [
                    "limit=0", "limit=-1", "limit=101", "limit=99999999999999999999999", "limit=1e3", "limit=ten", "limit=",
                    "region=\(long)", "region=abc", "q=\(long)", "q=%00", "focus=no_such_area", "kind=alien",
                    "cursor=\(long)", "cursor=not-a-cursor", "include_inactive=maybe",
                ] {
                    for path in ["/v1/organizations", "/v1/projects"] {
                        let response = try await client.send(.get, "\(path)?\(query)")
                        #expect(response.status == .unprocessableContent, "\(path)?\(query.prefix(60)): \(response.status)")
                        #expect(response.isProblem, "\(path)?\(query.prefix(60))")
                    }
                }
            }
        }
    }

    @Test func malformedIdsAndUnknownRoutes() async throws {
        try await TestDatabase.with { database in
            try await withService(database) { client in
                for uri in ["/v1/organizations/not-a-uuid", "/v1/projects/\(String(repeating: "1", count: 500))", "/v1/partnerships/%00"] {
                    let response = try await client.send(.get, uri, as: .admin)
                    #expect(response.status == .notFound, "\(uri): \(response.status)")
                    #expect(response.isProblem, "\(uri)")
                }
                for uri in ["/v2/organizations", "/v1/organizations/x/y/z", "/admin", "/v1/../etc/passwd"] {
                    let response = try await client.send(.get, uri)
                    #expect(response.status == .notFound, "\(uri): \(response.status)")
                    #expect(response.isProblem, "\(uri)")
                }
                let unsupported = try await client.send(.init("BREW")!, "/v1/organizations")
                #expect(unsupported.status == .methodNotAllowed)
                #expect(unsupported.headers[.allow] == "GET, POST")
                #expect(unsupported.isProblem)
            }
        }
    }

    /// What a refused write could have touched: the organization and the counts of everything.
    private func snapshot(_ client: APIClient, _ organizationID: String) async throws -> String {
        let organization = try await client.send(.get, "/v1/organizations/\(organizationID)", as: .admin)
        let counts = try await client.pool.withConnection { connection in
            try connection.query(
                """
                SELECT (SELECT count(*) FROM organizations) || '/' || (SELECT count(*) FROM projects) || '/'
                    || (SELECT count(*) FROM partnerships) || '/' || (SELECT count(*) FROM funding_rounds)
                """
            ).rows[0].decode(String.self, at: 0)
        }
        return "\(String(buffer: organization.body)) \(counts)"
    }
}
