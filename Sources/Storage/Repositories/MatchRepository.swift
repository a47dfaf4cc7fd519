import Domain
import Foundation
import Matching
import Postgres

/// An organization that might partner, with what the response shows of it.
public struct PartnerCandidate: Sendable {
    public let profile: PartnerProfile
    public let name: LocalizedText
    /// Text relevance to the other side in [0, 1].
    public let text: Double

    public init(profile: PartnerProfile, name: LocalizedText, text: Double) {
        self.profile = profile
        self.name = name
        self.text = text
    }
}

/// An open project that might be sponsored or backed, with its NGO.
public struct ProjectCandidate: Sendable {
    public let profile: ProjectProfile
    public let status: ProjectStatus
    public let title: LocalizedText
    public let owner: PartnerProfile
    public let ownerName: LocalizedText
    public let text: Double

    public init(
        profile: ProjectProfile, status: ProjectStatus, title: LocalizedText, owner: PartnerProfile, ownerName: LocalizedText, text: Double
    ) {
        self.profile = profile
        self.status = status
        self.title = title
        self.owner = owner
        self.ownerName = ownerName
        self.text = text
    }
}

/// Reads what the in-memory candidate index does not hold: projects that are not open, single
/// profiles for explanations, the history of proposals.
public struct MatchRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The project as matching sees it, whatever its status, with the signature of its texts; nil when there is none.
    public func project(_ id: UUID) async throws -> (project: ProjectCandidate, signature: TextSignature)? {
        try await pool.withConnection { connection in
            try Self.projectRow(id, on: connection).map { row in
                (try Self.decodeProject(row), try Self.projectTexts(row).signature)
            }
        }
    }

    /// A project and the named organizations, for explaining one partnership; nil when the project is gone.
    public func profiles(project id: UUID, organizations: [UUID]) async throws -> (ProjectCandidate, [UUID: PartnerCandidate])? {
        try await pool.withConnection { connection in
            guard let project = try Self.project(id, on: connection) else { return nil }
            let partners = try Self.partners(ids: organizations, on: connection)
            return (project, Dictionary(uniqueKeysWithValues: partners.map { ($0.profile.id, $0) }))
        }
    }

    // MARK: - History

    /// A partnership its NGO proposed: the sponsor and the government body it chose for its project.
    public struct Proposal: Sendable {
        public let project: UUID
        public let business: UUID
        public let governmentBody: UUID
    }

    /// Every partnership its NGO proposed, oldest first, whatever became of it.
    public func proposals() async throws -> [Proposal] {
        try await pool.withConnection { connection in
            try connection.query(
                "SELECT project_id, business_id, government_body_id FROM partnerships WHERE proposed_by = ngo_id ORDER BY created_at, id"
            ).rows.map { row in
                Proposal(project: try row.decode(UUID.self, at: 0), business: try row.decode(UUID.self, at: 1), governmentBody: try row.decode(UUID.self, at: 2))
            }
        }
    }

    static func project(_ id: UUID, on connection: Connection) throws -> ProjectCandidate? {
        try projectRow(id, on: connection).map(decodeProject)
    }

    private static func projectRow(_ id: UUID, on connection: Connection) throws -> Row? {
        try connection.query("\(projectColumns) \(projectsWithOwners) WHERE p.id = $1", [id]).first
    }

    /// Organizations by id as the matching engine sees them, without text relevance.
    static func partners(ids: [UUID], on connection: Connection) throws -> [PartnerCandidate] {
        try connection.query(
            "\(organizationColumns) FROM organizations o \(partnerJoins) WHERE o.id = ANY ($1::uuid[])", [ids]
        ).rows.map(decodePartner)
    }

    // MARK: - Rows

    // A suspended organization cannot take part in an approved partnership, so it is matched as inactive.
    static let organizationColumns = """
        SELECT o.id, o.kind, o.active AND o.verification <> 'suspended' AS active, o.nationwide, o.regions, o.focus_areas, o.seeking,
            o.annual_csr_budget_kzt, o.max_active_partnerships, o.annual_budget_kzt, o.staff_count,
            o.jurisdiction, o.level, o.name_kk, o.name_ru, o.name_en,
            coalesce(st.pledged_kzt, 0) AS pledged_kzt, coalesce(st.open_partnerships, 0) AS active_partnerships,
            coalesce(st.completed, 0) AS completed_partnerships, coalesce(st.cancelled, 0) AS cancelled_partnerships,
            coalesce(st.proposals_received, 0) AS proposals_received, coalesce(st.proposals_accepted, 0) AS proposals_accepted,
            coalesce(exposure_now(e.impressions, e.updated_at), 0) AS impressions
        """

    /// What a partner read joins: its exposure and its partnership counters.
    static let partnerJoins = """
        LEFT JOIN exposure e ON e.subject_id = o.id
        LEFT JOIN partnership_stats st ON st.subject_id = o.id
        """

    static let projectColumns = """
        SELECT p.id, p.organization_id, p.focus_areas, p.regions, p.funding_needed_kzt, p.status,
            p.title_kk, p.title_ru, p.title_en, p.summary_kk, p.summary_ru, p.summary_en,
            coalesce((SELECT pledged_kzt FROM partnership_stats WHERE subject_id = p.id), 0) AS project_pledged_kzt,
            coalesce((SELECT exposure_now(impressions, updated_at) FROM exposure WHERE subject_id = p.id), 0) AS project_impressions,
            o.kind, o.nationwide, o.regions AS owner_regions, o.focus_areas AS owner_focus_areas, o.seeking,
            o.annual_budget_kzt, o.staff_count, o.name_kk, o.name_ru, o.name_en,
            o.active AND o.verification <> 'suspended' AS owner_active,
            coalesce(ost.completed, 0) AS completed_partnerships, coalesce(ost.cancelled, 0) AS cancelled_partnerships,
            coalesce(ost.proposals_received, 0) AS proposals_received, coalesce(ost.proposals_accepted, 0) AS proposals_accepted
        """

    static let projectsWithOwners = """
        FROM projects p JOIN organizations o ON o.id = p.organization_id
        LEFT JOIN partnership_stats ost ON ost.subject_id = o.id
        """

    static func decodePartner(_ row: Row) throws -> PartnerCandidate {
        guard let kind = PartnerKind(rawValue: try row.decode(String.self, "kind")) else {
            throw PostgresError(.decoding, message: "unknown organization kind")
        }
        var profile = PartnerProfile(id: try row.decode(UUID.self, "id"), kind: kind)
        profile.isActive = try row.decode(Bool.self, "active")
        profile.nationwide = try row.decode(Bool.self, "nationwide")
        profile.regions = try row.decode([String].self, "regions")
        profile.focusAreas = try row.decode([String].self, "focus_areas")
        profile.seeking = try row.decode([String].self, "seeking")
        profile.annualCSRBudgetKZT = try row.decode(Int64?.self, "annual_csr_budget_kzt")
        profile.maxActivePartnerships = try row.decode(Int?.self, "max_active_partnerships")
        profile.annualBudgetKZT = try row.decode(Int64?.self, "annual_budget_kzt")
        profile.staffCount = try row.decode(Int?.self, "staff_count")
        profile.jurisdiction = try row.decode(String?.self, "jurisdiction")
        profile.isNational = try row.decode(String?.self, "level") == GovernmentLevel.national.rawValue
        profile.pledgedKZT = try row.decode(Int64.self, "pledged_kzt")
        profile.activePartnerships = try row.decode(Int.self, "active_partnerships")
        profile.completedPartnerships = try row.decode(Int.self, "completed_partnerships")
        profile.cancelledPartnerships = try row.decode(Int.self, "cancelled_partnerships")
        profile.proposalsReceived = try row.decode(Int.self, "proposals_received")
        profile.proposalsAccepted = try row.decode(Int.self, "proposals_accepted")
        profile.recentImpressions = try row.decode(Double.self, "impressions")
        return PartnerCandidate(
            profile: profile,
            name: LocalizedText(
                kk: try row.decode(String?.self, "name_kk"),
                ru: try row.decode(String?.self, "name_ru"),
                en: try row.decode(String?.self, "name_en")
            ),
            text: 0
        )
    }

    static func decodeProject(_ row: Row) throws -> ProjectCandidate {
        let profile = ProjectProfile(
            id: try row.decode(UUID.self, "id"),
            organizationID: try row.decode(UUID.self, "organization_id"),
            focusAreas: try row.decode([String].self, "focus_areas"),
            regions: try row.decode([String].self, "regions"),
            fundingNeededKZT: try row.decode(Int64.self, "funding_needed_kzt"),
            pledgedKZT: try row.decode(Int64.self, "project_pledged_kzt"),
            isOpen: try row.decode(String.self, "status") == ProjectStatus.open.rawValue,
            recentImpressions: try row.decode(Double.self, "project_impressions")
        )
        guard let kind = PartnerKind(rawValue: try row.decode(String.self, "kind")) else {
            throw PostgresError(.decoding, message: "unknown organization kind")
        }
        var owner = PartnerProfile(id: profile.organizationID, kind: kind)
        owner.isActive = try row.decode(Bool.self, "owner_active")
        owner.nationwide = try row.decode(Bool.self, "nationwide")
        owner.regions = try row.decode([String].self, "owner_regions")
        owner.focusAreas = try row.decode([String].self, "owner_focus_areas")
        owner.seeking = try row.decode([String].self, "seeking")
        owner.annualBudgetKZT = try row.decode(Int64?.self, "annual_budget_kzt")
        owner.staffCount = try row.decode(Int?.self, "staff_count")
        owner.completedPartnerships = try row.decode(Int.self, "completed_partnerships")
        owner.cancelledPartnerships = try row.decode(Int.self, "cancelled_partnerships")
        owner.proposalsReceived = try row.decode(Int.self, "proposals_received")
        owner.proposalsAccepted = try row.decode(Int.self, "proposals_accepted")
        return ProjectCandidate(
            profile: profile,
            status: ProjectStatus(rawValue: try row.decode(String.self, "status")) ?? .draft,
            title: LocalizedText(
                kk: try row.decode(String?.self, "title_kk"),
                ru: try row.decode(String?.self, "title_ru"),
                en: try row.decode(String?.self, "title_en")
            ),
            owner: owner,
            ownerName: LocalizedText(
                kk: try row.decode(String?.self, "name_kk"),
                ru: try row.decode(String?.self, "name_ru"),
                en: try row.decode(String?.self, "name_en")
            ),
            text: 0
        )
    }

    /// A project's titles and summaries as the index compares them.
    static func projectTexts(_ row: Row) throws -> (signature: TextSignature, words: TextWords) {
        let titles = [try row.decode(String?.self, "title_kk"), try row.decode(String?.self, "title_ru"), try row.decode(String?.self, "title_en")]
        let summaries = [try row.decode(String?.self, "summary_kk"), try row.decode(String?.self, "summary_ru"), try row.decode(String?.self, "summary_en")]
        return TextWords.signatureAndWords(titles: titles, bodies: summaries)
    }
}
