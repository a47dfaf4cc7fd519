import Domain
import Foundation
import Postgres

/// One person of the demo, with the password and TOTP secret printed for whoever tries it out.
public struct DemoPerson: Sendable {
    public let email: String
    public let name: String
    public let password: String
    public let language: Language
    public let isAdmin: Bool
    /// The kind of demo organization they belong to, and their role there; nil for the admin.
    public let organization: (kind: OrganizationKind, role: MembershipRole)?
    /// The TOTP shared secret, already enrolled; nil when they sign in with a password alone.
    public let totpSecret: String?
    /// Which demo organization of the kind: 0 the first, 1 and 2 further NGOs with open projects,
    /// so that several organizations of a kind can be tried side by side (three NGOs applying to a call).
    public var organizationRank = 0

    /// Where a demo person belongs: the kind and which organization of it.
    public var slot: DemoPeople.Slot? { organization.map { DemoPeople.Slot(kind: $0.kind, rank: organizationRank) } }

    /// What the person is, for the printed table.
    public var roleLabel: String {
        if isAdmin { return "platform admin" }
        guard let organization else { return "-" }
        let kind = switch organization.kind {
        case .ngo: "NGO"
        case .business: "business"
        case .governmentBody: "akimat"
        }
        return "\(kind) \(organization.role.rawValue)"
    }
}

/// The demo's people: one for each role, with fixed emails, passwords and TOTP secrets so that
/// anyone can sign in as each of them. Never load them into a real deployment.
public enum DemoPeople {
    public static let people: [DemoPerson] = [
        DemoPerson(
            email: "admin@demo.asar.kz", name: "Dana Admin", password: "Steppe-Eagle-2026", language: .en, isAdmin: true,
            organization: nil, totpSecret: "asar-demo-admin-totp"
        ),
        DemoPerson(
            email: "ngo.owner@demo.asar.kz", name: "Айгүл Серікқызы", password: "Ngo-Owner-Pass1", language: .kk, isAdmin: false,
            organization: (.ngo, .owner), totpSecret: nil
        ),
        DemoPerson(
            email: "ngo.member@demo.asar.kz", name: "Марат Оспанов", password: "Ngo-Member-Pass1", language: .ru, isAdmin: false,
            organization: (.ngo, .member), totpSecret: nil
        ),
        DemoPerson(
            email: "ngo.viewer@demo.asar.kz", name: "Erlan Viewer", password: "Ngo-Viewer-Pass1", language: .en, isAdmin: false,
            organization: (.ngo, .viewer), totpSecret: nil
        ),
        DemoPerson(
            email: "business.owner@demo.asar.kz", name: "Светлана Ким", password: "Biz-Owner-Pass1", language: .ru, isAdmin: false,
            organization: (.business, .owner), totpSecret: nil
        ),
        DemoPerson(
            email: "akimat.member@demo.asar.kz", name: "Бауыржан Тоқтаров", password: "Akimat-Pass-2026", language: .kk, isAdmin: false,
            organization: (.governmentBody, .member), totpSecret: "asar-demo-akimat-totp"
        ),
        // A colleague in the same akimat: two reviewers of one queue, as in a real office.
        DemoPerson(
            email: "akimat.reviewer@demo.asar.kz", name: "Әсел Нұрланқызы", password: "Akimat-Reviewer-2026", language: .ru, isAdmin: false,
            organization: (.governmentBody, .member), totpSecret: "asar-demo-akimat-reviewer-totp"
        ),
        // Owners of two more NGOs: a call for proposals is tried with several applicants.
        DemoPerson(
            email: "ngo2.owner@demo.asar.kz", name: "Гүлнар Әбдіқызы", password: "Ngo-Second-Pass1", language: .kk, isAdmin: false,
            organization: (.ngo, .owner), totpSecret: nil, organizationRank: 1
        ),
        DemoPerson(
            email: "ngo3.owner@demo.asar.kz", name: "Ирина Ли", password: "Ngo-Third-Pass1", language: .ru, isAdmin: false,
            organization: (.ngo, .owner), totpSecret: nil, organizationRank: 2
        ),
    ]

    /// A demo organization's place: its kind and rank among the demo organizations of that kind.
    public struct Slot: Hashable, Sendable {
        public let kind: OrganizationKind
        public let rank: Int
    }

    /// The demo organization of each kind people join: the verified, active one with the lowest
    /// BIN (a regional akimat for government bodies; a business with room for five more active
    /// partnerships, so one tried out does not leave it with nothing recommended), the same on every
    /// run; and for NGOs, the next two by BIN that have an open project to apply with.
    public static func organizations(in pool: ConnectionPool) async throws -> [Slot: (id: UUID, name: LocalizedText)] {
        try await pool.withConnection { connection in
            var found: [Slot: (id: UUID, name: LocalizedText)] = [:]
            func record(_ row: Postgres.Row?, _ slot: Slot) throws {
                guard let row else { return }
                found[slot] = (
                    try row.decode(UUID.self, at: 0),
                    LocalizedText(kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3))
                )
            }
            for kind in OrganizationKind.allCases {
                try record(connection.query(
                    """
                    SELECT id, name_kk, name_ru, name_en FROM organizations o
                    WHERE kind = $1 AND active AND verification = 'verified' AND ($1 <> 'government_body' OR level = 'region')
                        AND ($1 <> 'business' OR max_active_partnerships IS NULL OR max_active_partnerships
                            - coalesce((SELECT open_partnerships FROM partnership_stats WHERE subject_id = o.id), 0) >= 5)
                    ORDER BY bin LIMIT 1
                    """,
                    [kind.rawValue]
                ).first, Slot(kind: kind, rank: 0))
            }
            guard let first = found[Slot(kind: .ngo, rank: 0)] else { return found }
            let more = try connection.query(
                """
                SELECT id, name_kk, name_ru, name_en FROM organizations o
                WHERE kind = 'ngo' AND active AND verification = 'verified' AND id <> $1
                    AND EXISTS (SELECT 1 FROM projects p WHERE p.organization_id = o.id AND p.status = 'open')
                ORDER BY bin LIMIT 2
                """,
                [first.id]
            ).rows
            for (offset, row) in more.enumerated() { try record(row, Slot(kind: .ngo, rank: offset + 1)) }
            return found
        }
    }
}
