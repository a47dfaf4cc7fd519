import ArgumentParser
import Foundation
import Domain
import Storage

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list and revoke API tokens.",
        subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token; it is printed once and stored only as a hash.")

        @Option(help: "The organization the token acts for.") var org: String?
        @Flag(help: "A platform-admin token instead.") var admin = false
        @Option(help: "A person's own token instead (their e-mail): it scores the reviews assigned to them.") var person: String?
        @Option(help: "A note saying who holds it.") var label = ""
        @Option(help: "Expire after this many days.") var expiresInDays: Int?
        @Option(help: "What an organization's token may do: viewer (reads), member (acts), owner (also manages webhooks).")
        var role = "member"

        func validate() throws {
            guard [admin, org != nil, person != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("Give exactly one of --org ID, --person EMAIL and --admin.")
            }
            if let org, UUID(uuidString: org) == nil { throw ValidationError("--org takes an organization id (a UUID).") }
            if let days = expiresInDays, days < 1 { throw ValidationError("--expires-in-days must be positive.") }
            if MembershipRole(rawValue: role) == nil { throw ValidationError("--role is one of owner, member, viewer.") }
            if org == nil, role != "member" { throw ValidationError("--role is for an organization's token; an admin's or a person's token has none.") }
        }

        func run() async throws {
            let organization = org.flatMap(UUID.init(uuidString:))
            let expiry = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let issued = try await withPool { pool in
                let tokens = TokenRepository(pool: pool)
                if let person {
                    guard let found = try await PeopleRepository(pool: pool).credentials(email: person)?.person else {
                        throw ValidationError("No account has the e-mail \(person).")
                    }
                    return try await tokens.issue(personID: found.id, label: label, expiresAt: expiry)
                }
                return try await tokens.issue(
                    organizationID: organization, role: MembershipRole(rawValue: role) ?? .member, label: label, expiresAt: expiry
                )
            }
            print(issued.token)
            FileHandle.standardError.write(Data("token id \(issued.id.lowercasedString)\(expiry.map { ", expires \($0)" } ?? ""); keep the token secret, it is not shown again\n".utf8))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")

        @Argument(help: "The token id printed when it was made.") var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("A token id is a UUID.") }
            let revoked = try await withPool { try await TokenRepository(pool: $0).revoke(uuid) }
            print(revoked ? "Revoked." : "No active token has this id.")
            if !revoked { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        func run() async throws {
            let tokens = try await withPool { try await TokenRepository(pool: $0).list() }
            for token in tokens {
                let owner = token.isAdmin ? "admin"
                    : token.person.map { "person \($0.email)" } ?? "org \(token.organizationID?.lowercasedString ?? "-")"
                let status = token.revokedAt != nil ? "revoked" : (token.expiresAt.map { $0 < Date() ? "expired" : "expires \($0)" } ?? "active")
                print("\(token.id.lowercasedString)  \(owner)  \(status)  \(token.label)")
            }
        }
    }
}
