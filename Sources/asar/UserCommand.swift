import ArgumentParser
import Domain
import Foundation
import Storage
import UseCases

#if canImport(Glibc)
import Glibc
#endif

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage people's accounts.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a person: the first admin, or a member of an organization.",
            discussion: "The password comes from --password, else ASAR_PASSWORD, else a prompt (asked twice)."
        )

        @Option(help: "Their email; they sign in with it.") var email: String
        @Option(help: "Their name as pages show it.") var name: String
        @Flag(help: "A platform admin (TOTP is set up at first sign-in).") var admin = false
        @Option(help: "The password (prefer ASAR_PASSWORD or the prompt: options show in ps).") var password: String?
        @Option(help: "An organization they belong to (its id).") var organization: String?
        @Option(help: "Their role there: owner, member or viewer.") var role: String = "owner"
        @Option(help: "The language of their mail: kk, ru or en.") var language: String = "kk"

        func validate() throws {
            if let organization, UUID(uuidString: organization) == nil { throw ValidationError("--organization takes an organization id (a UUID).") }
            guard MembershipRole(rawValue: role) != nil else { throw ValidationError("--role is owner, member or viewer.") }
            guard Language(rawValue: language) != nil else { throw ValidationError("--language is kk, ru or en.") }
            if !admin && organization == nil { throw ValidationError("Give --admin, or --organization ID (with --role).") }
        }

        func run() async throws {
            let secret = try password ?? ProcessInfo.processInfo.environment["ASAR_PASSWORD"] ?? Self.prompt()
            let memberships = organization.flatMap(UUID.init(uuidString:)).map { [($0, MembershipRole(rawValue: role) ?? .owner)] } ?? []
            let account = AccountService.NewAccount(email: email, name: name, password: secret, language: Language(rawValue: language) ?? .kk)
            let person: Person
            do {
                person = try await withPool { pool in
                    // The operator holds the database's credentials: they act as an admin.
                    try await Services(pool: pool, matching: MatchingConfiguration()).accounts
                        .createPerson(account, isAdmin: admin, memberships: memberships, by: .admin)
                }
            } catch let failure as CommandFailure {
                if case DomainError.invalid(let issues) = failure.underlying {
                    throw ValidationError(issues.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
                }
                if case DomainError.notFound = failure.underlying { throw ValidationError("No organization has this id.") }
                throw failure
            }
            print("Created \(person.email) (\(person.id.lowercasedString)).")
            if admin {
                print("An admin sets up a TOTP authenticator app at first sign-in, before anything else.")
            }
        }

        /// Reads the password without echo from a terminal, or one line from a pipe.
        static func prompt() throws -> String {
            #if canImport(Glibc)
            if isatty(STDIN_FILENO) != 0 {
                guard let first = getpass("Password: ").map({ String(cString: $0) }),
                      let second = getpass("Password again: ").map({ String(cString: $0) }) else {
                    throw ValidationError("No password given.")
                }
                guard first == second else { throw ValidationError("The two passwords differ.") }
                return first
            }
            #endif
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("No password given.") }
            return line
        }
    }
}
