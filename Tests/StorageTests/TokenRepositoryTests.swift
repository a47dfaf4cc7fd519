import Foundation
import Testing
import TestSupport
import Domain
@testable import Storage

@Suite struct TokenRepositoryTests {
    @Test func tokensAuthenticateUntilRevokedOrExpired() async throws {
        try await TestDatabase.with { database in
            let tokens = TokenRepository(pool: database.pool)
            let organization = try await OrganizationRepository(pool: database.pool).create(Fixtures.ngo(1)).id

            let live = try await tokens.issue(organizationID: organization)
            let identity = try #require(try await tokens.authenticate(live.token))
            #expect(identity.member?.organizationID == organization)
            #expect(identity.member?.kind == .ngo)
            #expect(!identity.isAdmin)

            let expired = try await tokens.issue(organizationID: organization, expiresAt: Date().addingTimeInterval(-1))
            #expect(try await tokens.authenticate(expired.token) == nil)

            #expect(try await tokens.revoke(live.id))
            #expect(try await tokens.authenticate(live.token) == nil)
            #expect(try await !tokens.revoke(live.id), "revoking twice reports nothing to revoke")

            let admin = try await tokens.issue(organizationID: nil)
            #expect(try await tokens.authenticate(admin.token)?.isAdmin == true)
            #expect(try await tokens.authenticate("asar_" + String(repeating: "x", count: 43)) == nil)
            #expect(try await tokens.authenticate("not a token") == nil)
        }
    }

    @Test func onlyTheHashIsStored() async throws {
        try await TestDatabase.with { database in
            let issued = try await TokenRepository(pool: database.pool).issue(organizationID: nil)
            #expect(issued.token.hasPrefix("asar_") && issued.token.count == 48)
            let stored = try await database.pool.withConnection { connection in
                try connection.query("SELECT encode(token_hash, 'hex') FROM api_tokens").rows.map { try $0.decode(String.self, at: 0) }
            }
            #expect(stored.count == 1)
            #expect(stored[0].count == 64)
            #expect(!stored[0].contains(issued.token))
        }
    }
}
