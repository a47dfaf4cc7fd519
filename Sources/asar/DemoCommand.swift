import ArgumentParser
import DemoData
import Domain
import Foundation
import Postgres
import Storage
import UseCases

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The demo's people.",
        subcommands: [People.self]
    )

    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the demo people that are missing (after `asar seed --demo`) and print their sign-in details."
        )

        func run() async throws {
            let table = try await withPool { try await DemoPeopleLoader.ensure(in: $0) }
            print(table)
        }
    }
}

/// Creates the demo people that do not exist yet and describes all of them.
enum DemoPeopleLoader {
    /// The table of emails, roles, passwords and TOTP keys; people whose organization is missing are left out.
    static func ensure(in pool: ConnectionPool) async throws -> String {
        let accounts = Services(pool: pool, matching: MatchingConfiguration()).accounts
        let people = PeopleRepository(pool: pool)
        let organizations = try await DemoPeople.organizations(in: pool)
        var rows: [[String]] = [["email", "role", "organization", "password", "TOTP key (authenticator app)"]]
        for person in DemoPeople.people {
            var memberships: [(UUID, MembershipRole)] = []
            var organizationName = "-"
            if let slot = person.slot, let role = person.organization?.role {
                guard let organization = organizations[slot] else { continue }
                memberships = [(organization.id, role)]
                organizationName = organization.name.preferred(.en)
            }
            if try await people.credentials(email: person.email) == nil {
                let created = try await accounts.createPerson(
                    AccountService.NewAccount(email: person.email, name: person.name, password: person.password, language: person.language),
                    isAdmin: person.isAdmin, memberships: memberships, totpSecret: person.totpSecret, by: .admin
                )
                // Something in the inbox to try out: their organization's latest news.
                try await NotificationRepository(pool: pool).catchUp(person: created.id, limit: 5)
            }
            rows.append([
                person.email, person.roleLabel, String(organizationName.prefix(40)), person.password,
                person.totpSecret.map(AccountService.authenticatorKey(for:)) ?? "-",
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return (["Demo people (fixed passwords for trying ASAR out; never load them into a real deployment):"] + lines).joined(separator: "\n")
    }
}
