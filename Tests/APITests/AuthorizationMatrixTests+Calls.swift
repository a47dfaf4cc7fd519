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
