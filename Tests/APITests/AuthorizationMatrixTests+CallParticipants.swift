import Foundation
import Testing
import TestSupport

extension AuthorizationMatrixTests {
    /// A call's participants' pages: applying, pledging, reviewing. Pages read the session cookie,
    /// not a bearer token, so every token caller is sent to sign in and every form without the
    /// CSRF token is refused; a revoked token is refused before any page.
    static let callParticipantPageRows: [Row] = [
        Row(name: "GET /workspace/calls/{id}/apply", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/calls/\(try await world.call(published: true).id)/apply", nil)
        },
        Row(name: "POST /workspace/calls/{id}/apply", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/apply", nil)
        },
        Row(name: "GET /workspace/calls/{id}/pledge", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/calls/\(try await world.call(published: true).id)/pledge", nil)
        },
        Row(name: "POST /workspace/calls/{id}/pledge", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/pledge", nil)
        },
        Row(name: "POST /workspace/pledges/{id}/withdraw", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in
            (.post, "/workspace/pledges/\(UUID())/withdraw", nil)
        },
        Row(name: "GET /workspace/assignments", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/assignments", nil) },
        Row(name: "GET /workspace/assignments/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in
            (.get, "/workspace/assignments/\(UUID())", nil)
        },
        Row(name: "POST /workspace/assignments/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in
            (.post, "/workspace/assignments/\(UUID())", nil)
        },
    ]
}
