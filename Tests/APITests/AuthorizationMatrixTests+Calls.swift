import Foundation
import Testing
import TestSupport

extension AuthorizationMatrixTests {
    /// The public call pages and the planning page. The call pages are public to every caller, a
    /// draft to none; planning is a signed-in person's page, so a bearer token (which pages do not
    /// read) is sent to sign in; a revoked token is refused before any page.
    static let callPageRows: [Row] = [
        Row(name: "GET /calls", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/calls?phase=open&region=550000000", nil) },
        Row(name: "GET /calls.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/calls.csv?phase=open", nil) },
        Row(name: "GET /calls/{id}", expected: [200, 200, 200, 200, 200, 200, 401]) { world in
            (.get, "/calls/\(try await world.call(published: true).id)", nil)
        },
        Row(name: "GET /calls/{draft}", expected: [404, 404, 404, 404, 404, 404, 401]) { world in
            (.get, "/calls/\(try await world.call(published: false).id)", nil)
        },
        Row(name: "GET /workspace/planning", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/planning", nil) },
        Row(name: "GET /workspace/planning.csv", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in
            (.get, "/workspace/planning.csv?table=focus", nil)
        },
    ]
}

/// Runs `AuthorizationMatrixTests.callPageRows` until `AuthorizationMatrixTests.rows` takes them in
/// (`+ callPageRows`); from then on the matrix itself runs them and this does nothing.
@Suite struct CallPageAuthorizationRows {
    @Test(arguments: AuthorizationMatrixTests.callPageRows.map { $0.name })
    func eachCallerGetsExactlyItsStatus(_ name: String) async throws {
        guard !AuthorizationMatrixTests.rows.contains(where: { $0.name == name }) else { return }
        let row = try #require(AuthorizationMatrixTests.callPageRows.first { $0.name == name })
        try await TestDatabase.with { database in
            try await withService(database) { client in
                let world = try await AccessWorld.build(pool: database.pool, adminToken: client.adminToken)
                for (caller, expected) in zip(AccessWorld.callers, row.expected) {
                    let (method, path, body) = try await row.request(world)
                    let response = try await client.send(method, path, json: body, as: world.caller(caller))
                    #expect(response.status.code == expected, "\(row.name) as \(caller): \(response.status.code), expected \(expected)")
                    if response.status.code == 401 { #expect(response.isProblem, "\(row.name) as \(caller) must answer problem+json") }
                }
            }
        }
    }
}
