extension AuthorizationMatrixTests {
    /// Sign-in, account and workspace pages. Pages act only for a person signed in with a session
    /// cookie, so every token caller is anonymous here: private pages send them to sign in (303)
    /// and every form posted without its CSRF token is refused (403) before anything else.
    /// Who may do what once signed in is in AccountPageTests.
    static let accountPageRows: [Row] = [
        Row(name: "GET /sign-in", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/sign-in", nil) },
        Row(name: "POST /sign-in", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/sign-in", nil) },
        Row(name: "GET /sign-in/code", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/sign-in/code", nil) },
        Row(name: "POST /sign-in/code", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/sign-in/code", nil) },
        Row(name: "POST /sign-out", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/sign-out", nil) },
        Row(name: "POST /sign-out-everywhere", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/sign-out-everywhere", nil) },
        Row(name: "GET /account", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/account", nil) },
        Row(name: "POST /account/organization", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/account/organization", nil) },
        Row(name: "POST /account/sessions/{id}/end", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/account/sessions/\(world.ngo)/end", nil)
        },
        Row(name: "GET /account/password", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/account/password", nil) },
        Row(name: "POST /account/password", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/account/password", nil) },
        Row(name: "GET /account/two-factor", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/account/two-factor", nil) },
        Row(name: "POST /account/two-factor", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/account/two-factor", nil) },
        Row(name: "GET /register", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/register", nil) },
        Row(name: "POST /register", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/register", nil) },
        Row(name: "GET /password/forgot", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/password/forgot", nil) },
        Row(name: "POST /password/forgot", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/password/forgot", nil) },
        Row(name: "GET /password/reset", expected: [404, 404, 404, 404, 404, 404, 401]) { _ in (.get, "/password/reset?token=asar_r_unknown", nil) },
        Row(name: "POST /password/reset", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/password/reset", nil) },
        Row(name: "GET /invitations/accept", expected: [404, 404, 404, 404, 404, 404, 401]) { _ in (.get, "/invitations/accept?token=asar_i_unknown", nil) },
        Row(name: "POST /invitations/accept", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/invitations/accept", nil) },
        Row(name: "GET /organizations/{id}/profile", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/profile", nil)
        },
        Row(name: "POST /organizations/{id}/profile", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/profile", nil)
        },
        Row(name: "GET /organizations/{id}/members", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/members", nil)
        },
        Row(name: "POST /organizations/{id}/members", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/members", nil)
        },
        Row(name: "GET /organizations/{id}/tokens", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/tokens", nil)
        },
        Row(name: "POST /organizations/{id}/tokens", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/tokens", nil)
        },
        Row(name: "POST /organizations/{id}/tokens/{token}/revoke", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/tokens/\(world.ngo)/revoke", nil)
        },
        Row(name: "GET /organizations/{id}/documents", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/documents", nil)
        },
        Row(name: "POST /organizations/{id}/documents", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/documents", nil)
        },
        Row(name: "GET /organizations/{id}/documents/{document}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/documents/\(world.ngo)", nil)
        },
        Row(name: "POST /organizations/{id}/documents/{document}/remove", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/documents/\(world.ngo)/remove", nil)
        },
        Row(name: "GET /workspace/partnerships", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/partnerships", nil) },
        Row(name: "GET /workspace/partnerships/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/partnerships/\(world.ngo)", nil)
        },
        Row(name: "POST /workspace/partnerships/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/partnerships/\(world.ngo)", nil)
        },
        Row(name: "POST /workspace/partnerships/{id}/reports", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/partnerships/\(world.ngo)/reports", nil)
        },
        Row(name: "POST /workspace/partnerships/{id}/terms", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/partnerships/\(world.ngo)/terms", nil)
        },
        Row(name: "POST /workspace/partnerships/{id}/framework", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/partnerships/\(world.ngo)/framework", nil)
        },
        Row(name: "POST /workspace/reviews/{id}/framework", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/reviews/\(world.ngo)/framework", nil)
        },
        Row(name: "GET /organizations/{id}/webhooks", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/webhooks", nil)
        },
        Row(name: "POST /organizations/{id}/webhooks", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/webhooks", nil)
        },
        Row(name: "POST /organizations/{id}/webhooks/{webhook}/disable", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/webhooks/\(world.ngo)/disable", nil)
        },
        Row(name: "GET /organizations/{id}/webhooks/deliveries/{delivery}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/organizations/\(world.ngo)/webhooks/deliveries/1", nil)
        },
        Row(name: "POST /organizations/{id}/webhooks/deliveries/{delivery}/replay", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/organizations/\(world.ngo)/webhooks/deliveries/1/replay", nil)
        },
        Row(name: "GET /workspace/rounds/new", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/rounds/new", nil) },
        Row(name: "POST /workspace/rounds", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/workspace/rounds", nil) },
        Row(name: "GET /workspace/rounds/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in (.get, "/workspace/rounds/\(world.ngo)", nil) },
        Row(name: "GET /workspace/rounds/{id}/accept", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/rounds/\(world.ngo)/accept", nil)
        },
        Row(name: "POST /workspace/rounds/{id}/accept", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/rounds/\(world.ngo)/accept", nil)
        },
        Row(name: "GET /workspace/calls", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/calls", nil) },
        Row(name: "GET /workspace/calls/new", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/calls/new", nil) },
        Row(name: "POST /workspace/calls/new", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/workspace/calls/new", nil) },
        Row(name: "GET /workspace/calls/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/calls/\(try await world.call(published: true).id)", nil)
        },
        Row(name: "GET /workspace/calls/{id}/edit", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/calls/\(try await world.call(published: true).id)/edit", nil)
        },
        Row(name: "POST /workspace/calls/{id}/edit", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/edit", nil)
        },
        Row(name: "POST /workspace/calls/{id}/publish", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/publish", nil)
        },
        Row(name: "POST /workspace/calls/{id}/reviewers", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/reviewers", nil)
        },
        Row(name: "POST /workspace/calls/{id}/assignments", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/assignments", nil)
        },
        Row(name: "POST /workspace/calls/{id}/assignments/automatic", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/assignments/automatic", nil)
        },
        Row(name: "POST /workspace/calls/{id}/moderation", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/moderation", nil)
        },
        Row(name: "POST /workspace/calls/{id}/allocation", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/allocation", nil)
        },
        Row(name: "GET /workspace/calls/{id}/results", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/calls/\(try await world.call(published: true).id)/results", nil)
        },
        Row(name: "POST /workspace/calls/{id}/results", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/calls/\(try await world.call(published: true).id)/results", nil)
        },
        Row(name: "GET /workspace/projects/{id}/edit", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/projects/\(world.ngo)/edit", nil)
        },
        Row(name: "POST /workspace/projects/{id}/edit", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/projects/\(world.ngo)/edit", nil)
        },
        Row(name: "GET /admin/people", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/admin/people", nil) },
        Row(name: "POST /admin/people/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { world in (.post, "/admin/people/\(world.ngo)", nil) },
        Row(name: "GET /account/tokens", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/account/tokens", nil) },
        Row(name: "POST /account/tokens", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/account/tokens", nil) },
        Row(name: "POST /account/tokens/{token}/revoke", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/account/tokens/\(world.ngo)/revoke", nil)
        },
        Row(name: "GET /admin/tokens", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/admin/tokens", nil) },
        Row(name: "POST /admin/tokens/{token}/revoke", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/admin/tokens/\(world.ngo)/revoke", nil)
        },
        Row(name: "GET /dashboard", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/dashboard", nil) },
        Row(name: "GET /dashboard.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/dashboard.csv?table=places", nil) },
        Row(name: "GET /inbox", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/inbox", nil) },
        Row(name: "GET /inbox/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/inbox/1", nil) },
        Row(name: "POST /inbox/read", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/inbox/read", nil) },
        Row(name: "POST /inbox/email", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/inbox/email", nil) },
        Row(name: "GET /workspace/projects", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/projects", nil) },
        Row(name: "GET /workspace/projects/new", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/projects/new", nil) },
        Row(name: "POST /workspace/projects/new", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/workspace/projects/new", nil) },
        Row(name: "GET /workspace/projects/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/projects/\(world.draftProject)", nil)
        },
        Row(name: "POST /workspace/projects/{id}/publish", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/projects/\(world.draftProject)/publish", nil)
        },
        Row(name: "POST /workspace/projects/{id}/close", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/projects/\(world.draftProject)/close", nil)
        },
        Row(name: "GET /workspace/recommendations", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/recommendations", nil) },
        Row(name: "POST /workspace/recommendations/{id}/dismiss", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/recommendations/\(world.draftProject)/dismiss", nil)
        },
        Row(name: "POST /workspace/recommendations/{id}/restore", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/recommendations/\(world.draftProject)/restore", nil)
        },
        Row(name: "GET /workspace/shortlist", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/shortlist", nil) },
        Row(name: "POST /workspace/shortlist/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/shortlist/\(world.draftProject)", nil)
        },
        Row(name: "POST /workspace/shortlist/{id}/remove", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/shortlist/\(world.draftProject)/remove", nil)
        },
        Row(name: "GET /workspace/propose", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/propose?project_id=\(world.draftProject)&business_id=\(world.business)", nil)
        },
        Row(name: "POST /workspace/propose", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/workspace/propose", nil) },
        Row(name: "GET /workspace/budget", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/budget", nil) },
        Row(name: "POST /workspace/budget", expected: [403, 403, 403, 403, 403, 403, 401]) { _ in (.post, "/workspace/budget", nil) },
        Row(name: "GET /workspace/reviews", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/workspace/reviews", nil) },
        Row(name: "GET /workspace/reviews/{id}", expected: [303, 303, 303, 303, 303, 303, 401]) { world in
            (.get, "/workspace/reviews/\(world.ngo)", nil)
        },
        Row(name: "POST /workspace/reviews/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/workspace/reviews/\(world.ngo)", nil)
        },
        Row(name: "GET /admin/verification", expected: [303, 303, 303, 303, 303, 303, 401]) { _ in (.get, "/admin/verification", nil) },
        Row(name: "POST /admin/verification/{id}", expected: [403, 403, 403, 403, 403, 403, 401]) { world in
            (.post, "/admin/verification/\(world.ngo)", nil)
        },
    ]
}
