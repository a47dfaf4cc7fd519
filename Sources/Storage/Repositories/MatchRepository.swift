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
}

/// An open project that might be sponsored or backed, with its NGO.
public struct ProjectCandidate: Sendable {
    public let profile: ProjectProfile
    public let status: ProjectStatus
    public let title: LocalizedText
    public let summary: LocalizedText
    public let owner: PartnerProfile
    public let ownerName: LocalizedText
    public let text: Double
}

/// How far candidate generation looks for sponsors and projects.
public enum CandidateReach: Sendable, Equatable {
    /// Only where the other side works: its top-level regions, or anywhere for a nationwide one.
    case local
    /// Local first; when that gives fewer than `wanted`, the best by focus from anywhere else fill up.
    case filling(wanted: Int)
}

/// Reads candidates for matching. Candidates come from the narrow `*_reach` tables, best first by
/// how many (region, focus area) pairs they share, capped, so the work grows with the number of
/// plausible candidates and not with the size of the registry.
public struct MatchRepository: Sendable {
    let pool: ConnectionPool
    /// How many candidates one query may return.
    let candidateLimit: Int

    public init(pool: ConnectionPool, candidateLimit: Int = 100) {
        self.pool = pool
        self.candidateLimit = candidateLimit
    }

    // MARK: - For a project

    /// The project and candidates of each kind, in one trip to the database; nil when there is no
    /// such project. A project that is not open gets no candidates, unless `evenIfNotOpen` (for
    /// replaying the proposals of projects funded since).
    public func candidates(
        forProject id: UUID, kinds: [PartnerKind], taxonomy: FocusTaxonomy, reach: CandidateReach = .local, evenIfNotOpen: Bool = false
    ) async throws -> (project: ProjectCandidate, partners: [PartnerKind: [PartnerCandidate]])? {
        let limit = candidateLimit
        return try await pool.withConnection { connection in
            guard let project = try connection.query("\(Self.projectColumns) \(Self.projectsWithOwners) WHERE p.id = $1", [id])
                .first.map({ try Self.decodeProject($0, text: 0) }) else { return nil }
            var partners: [PartnerKind: [PartnerCandidate]] = [:]
            if project.profile.isOpen || evenIfNotOpen {
                for kind in kinds {
                    partners[kind] = try Self.partners(connection, kind: kind, for: project, taxonomy: taxonomy, limit: limit, reach: reach)
                }
            }
            return (project, partners)
        }
    }

    /// A project and the named organizations, for explaining one partnership; nil when the project is gone.
    public func profiles(project id: UUID, organizations: [UUID]) async throws -> (ProjectCandidate, [UUID: PartnerCandidate])? {
        try await pool.withConnection { connection in
            guard let project = try connection.query("\(Self.projectColumns) \(Self.projectsWithOwners) WHERE p.id = $1", [id])
                .first.map({ try Self.decodeProject($0, text: 0) }) else { return nil }
            let partners = try Self.partners(ids: organizations, on: connection)
            return (project, Dictionary(uniqueKeysWithValues: partners.map { ($0.profile.id, $0) }))
        }
    }

    /// Sponsors (businesses) for a project.
    public func sponsors(for project: ProjectCandidate, taxonomy: FocusTaxonomy, reach: CandidateReach = .local) async throws -> [PartnerCandidate] {
        let limit = candidateLimit
        return try await pool.withConnection { connection in
            try Self.partners(connection, kind: .business, for: project, taxonomy: taxonomy, limit: limit, reach: reach)
        }
    }

    private static func partners(
        _ connection: Connection, kind: PartnerKind, for project: ProjectCandidate, taxonomy: FocusTaxonomy, limit: Int,
        reach: CandidateReach
    ) throws -> [PartnerCandidate] {
        let regions = topLevels(project.profile.regions) + ["*"]
        let exact = project.profile.focusAreas + project.owner.seeking
        let related = taxonomy.related(to: exact).subtracting(exact)
        let signature = TextSignature(
            texts: [project.title.kk, project.title.ru, project.title.en, project.summary.kk, project.summary.ru, project.summary.en],
            trigramText: project.summary.kk ?? project.title.kk ?? ""
        )
        if kind == .governmentBody {
            return try governmentRows(connection, for: project, focus: Array(Set(exact)).sorted(), signature: signature, limit: limit)
        }
        var found = try partnerRows(connection, kind: kind, regions: regions, focus: Array(Set(exact)) + ["*"], signature: signature, limit: limit)
        // Widen to areas serving the same goals only when the exact areas give too few.
        if found.count < limit, !related.isEmpty {
            let seen = Set(found.map(\.profile.id))
            found += try partnerRows(connection, kind: kind, regions: regions, focus: related.sorted(), signature: signature, limit: limit)
                .filter { !seen.contains($0.profile.id) }
                .prefix(limit - found.count)
        }
        // Fewer than wanted nearby: the best by focus from other regions fill the list; their
        // geography component says they are further away.
        if case .filling(let wanted) = reach, found.count < wanted {
            let seen = Set(found.map(\.profile.id))
            found += try partnerRows(connection, kind: kind, regions: nil, focus: Array(Set(exact).union(related)) + ["*"], signature: signature, limit: limit)
                .filter { !seen.contains($0.profile.id) }
                .prefix(wanted - found.count)
        }
        return found
    }

    /// Government bodies whose jurisdiction covers the project, national ones included: those sharing
    /// the most of its areas first, then the closest (district, then region or city, then national).
    /// Not from the reach tables: a body that shares no area still reviews the project in its
    /// territory, so it must be offered.
    private static func governmentRows(
        _ connection: Connection, for project: ProjectCandidate, focus: [String], signature: TextSignature, limit: Int
    ) throws -> [PartnerCandidate] {
        return try connection.query(
            """
            WITH covering AS (
                SELECT o.id,
                    cardinality(ARRAY(SELECT unnest(o.focus_areas || o.seeking) INTERSECT SELECT unnest($2::text[]))) AS shared,
                    CASE o.level WHEN 'district' THEN 3 WHEN 'city' THEN 2 WHEN 'region' THEN 2 ELSE 1 END AS closeness
                FROM organizations o
                WHERE o.kind = 'government_body' AND o.active
                    AND (o.level = 'national' OR o.jurisdiction = ANY (kato_scope($1::text[])))
                ORDER BY shared DESC, closeness DESC, o.id
                LIMIT $3
            )
            \(organizationColumns),
                ts_rank(o.search, to_tsquery('simple', $4)) AS rank,
                CASE WHEN $5 = '' THEN 0 ELSE similarity(o.description, $5) END AS trigram
            FROM covering JOIN organizations o ON o.id = covering.id
            \(partnerJoins)
            ORDER BY covering.shared DESC, covering.closeness DESC, o.id
            """,
            [project.profile.regions, focus, limit, signature.prefixQuery, signature.trigramText]
        ).rows.map(decodePartner)
    }

    private static func partnerRows(
        _ connection: Connection, kind: PartnerKind, regions: [String]?, focus: [String], signature: TextSignature, limit: Int
    ) throws -> [PartnerCandidate] {
        // Without regions, every region is in reach.
        try connection.query(
            """
            WITH hits AS (
                SELECT organization_id,
                    4 * count(DISTINCT focus) FILTER (WHERE focus <> '*') + count(DISTINCT focus) FILTER (WHERE focus = '*')
                        + max(CASE WHEN region <> '*' THEN 2 ELSE 0 END) AS weight
                FROM organization_reach
                WHERE kind = $1 AND ($2::text[] IS NULL OR region = ANY ($2::text[])) AND focus = ANY ($3::text[])
                GROUP BY organization_id
                ORDER BY weight DESC, organization_id
                LIMIT $4
            )
            \(organizationColumns),
                ts_rank(o.search, to_tsquery('simple', $5)) AS rank,
                CASE WHEN $6 = '' THEN 0 ELSE similarity(o.description, $6) END AS trigram
            FROM hits JOIN organizations o ON o.id = hits.organization_id
            \(partnerJoins)
            ORDER BY hits.weight DESC, o.id
            """,
            [kind.rawValue, regions, focus, limit, signature.prefixQuery, signature.trigramText]
        ).rows.map(decodePartner)
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

    // MARK: - For an organization

    /// The organization as the matching engine sees it, with its name; nil when there is none.
    /// An organization as matching sees it, with the description its text search starts from.
    public func organization(_ id: UUID) async throws -> (candidate: PartnerCandidate, description: String)? {
        try await pool.withConnection { connection in
            guard let candidate = try Self.partners(ids: [id], on: connection).first else { return nil }
            let description = try connection.query("SELECT description FROM organizations WHERE id = $1", [id]).rows[0].decode(String.self, at: 0)
            return (candidate, description)
        }
    }

    /// Organizations by id as the matching engine sees them, without text relevance.
    static func partners(ids: [UUID], on connection: Connection) throws -> [PartnerCandidate] {
        try connection.query(
            "\(organizationColumns), 0::real AS rank, 0::real AS trigram FROM organizations o \(partnerJoins) WHERE o.id = ANY ($1::uuid[])",
            [ids]
        ).rows.map(decodePartner)
    }

    /// Open projects a business might sponsor.
    public func projects(
        forSponsor sponsor: PartnerCandidate, description: String, taxonomy: FocusTaxonomy, reach: CandidateReach = .local
    ) async throws -> [ProjectCandidate] {
        let interests = sponsor.profile.focusAreas + sponsor.profile.seeking
        let regions = sponsor.profile.nationwide ? nil : Self.topLevels(sponsor.profile.regions)
        return try await projects(
            regions: regions, within: nil, interests: interests, description: description, name: sponsor.name, taxonomy: taxonomy, reach: reach
        )
    }

    /// Open projects in a government body's jurisdiction.
    public func projects(forGovernment body: PartnerCandidate, description: String, taxonomy: FocusTaxonomy) async throws -> [ProjectCandidate] {
        let interests = body.profile.focusAreas + body.profile.seeking
        let jurisdiction = body.profile.isNational ? nil : body.profile.jurisdiction
        let regions = jurisdiction.map { [KATO.topLevel($0)] }
        // A body acts only in its jurisdiction: its list is never filled from elsewhere.
        return try await projects(
            regions: regions, within: jurisdiction, interests: interests, description: description, name: body.name, taxonomy: taxonomy, reach: .local
        )
    }

    /// Open projects of an NGO, newest first.
    public func openProjects(of ngo: UUID, limit: Int) async throws -> [ProjectCandidate] {
        try await pool.withConnection { connection in
            try connection.query(
                "\(Self.projectColumns) \(Self.projectsWithOwners) WHERE p.organization_id = $1 AND p.status = 'open' ORDER BY p.created_at DESC, p.id DESC LIMIT $2",
                [ngo, limit]
            ).rows.map { try Self.decodeProject($0, text: 0) }
        }
    }

    private func projects(
        regions: [String]?, within jurisdiction: String?, interests: [String], description: String, name: LocalizedText,
        taxonomy: FocusTaxonomy, reach: CandidateReach
    ) async throws -> [ProjectCandidate] {
        let exact = Array(Set(interests)) + ["*"]
        let related = taxonomy.related(to: interests).subtracting(interests)
        // Trigrams are for Kazakh, which no stemmer joins; the organization's Kazakh name stands for its text.
        let signature = TextSignature(texts: [name.kk, name.ru, name.en, description], trigramText: name.kk ?? "")
        let limit = candidateLimit
        return try await pool.withConnection { connection in
            var found = try Self.projectRows(connection, regions: regions, within: jurisdiction, focus: exact, signature: signature, limit: limit)
            if found.count < limit, !related.isEmpty {
                let seen = Set(found.map(\.profile.id))
                found += try Self.projectRows(connection, regions: regions, within: jurisdiction, focus: related.sorted(), signature: signature, limit: limit)
                    .filter { !seen.contains($0.profile.id) }
                    .prefix(limit - found.count)
            }
            // Fewer than wanted in the sponsor's regions: the best by focus from elsewhere fill up.
            if case .filling(let wanted) = reach, regions != nil, found.count < wanted {
                let seen = Set(found.map(\.profile.id))
                found += try Self.projectRows(
                    connection, regions: nil, within: jurisdiction, focus: exact + related.sorted(), signature: signature, limit: limit
                )
                .filter { !seen.contains($0.profile.id) }
                .prefix(wanted - found.count)
            }
            return found
        }
    }

    private static func projectRows(
        _ connection: Connection, regions: [String]?, within jurisdiction: String?, focus: [String], signature: TextSignature, limit: Int
    ) throws -> [ProjectCandidate] {
        // Without regions (a nationwide sponsor or a national body) every region is in reach.
        try connection.query(
            """
            WITH hits AS (
                SELECT project_id,
                    4 * count(DISTINCT focus) FILTER (WHERE focus <> '*') + count(DISTINCT focus) FILTER (WHERE focus = '*') AS weight
                FROM project_reach
                WHERE ($1::text[] IS NULL OR region = ANY ($1::text[])) AND focus = ANY ($2::text[])
                GROUP BY project_id
                ORDER BY weight DESC, project_id
                LIMIT $3
            )
            \(projectColumns),
                ts_rank(p.search, to_tsquery('simple', $4)) AS rank,
                CASE WHEN $5 = '' THEN 0 ELSE similarity(coalesce(p.summary_kk, p.title_kk, ''), $5) END AS trigram
            \(projectsWithOwners)
            JOIN hits ON hits.project_id = p.id
            WHERE ($6::text IS NULL OR p.region_scope @> ARRAY[$6::text])
            ORDER BY hits.weight DESC, p.id
            """,
            [regions, focus, limit, signature.prefixQuery, signature.trigramText, jurisdiction]
        ).rows.map { try decodeProject($0, text: textRelevance($0)) }
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
            text: try textRelevance(row)
        )
    }

    static func decodeProject(_ row: Row, text: Double) throws -> ProjectCandidate {
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
            summary: LocalizedText(
                kk: try row.decode(String?.self, "summary_kk"),
                ru: try row.decode(String?.self, "summary_ru"),
                en: try row.decode(String?.self, "summary_en")
            ),
            owner: owner,
            ownerName: LocalizedText(
                kk: try row.decode(String?.self, "name_kk"),
                ru: try row.decode(String?.self, "name_ru"),
                en: try row.decode(String?.self, "name_en")
            ),
            text: text
        )
    }

    /// ts_rank of the prefix query squashed into [0, 1), or twice the trigram similarity of the
    /// Kazakh texts, whichever says more: trigrams catch Kazakh word forms that no stemmer joins.
    static func textRelevance(_ row: Row) throws -> Double {
        let rank = try row.decode(Double.self, "rank")
        let trigram = try row.decode(Double.self, "trigram")
        return max(rank / (rank + 0.1), min(1, 2 * trigram))
    }

    private static func topLevels(_ codes: [String]) -> [String] {
        Array(Set(codes.map(KATO.topLevel))).sorted()
    }
}

/// The words of one side's text as a prefix query for the other side's `search` vector.
struct TextSignature: Sendable {
    let prefixQuery: String
    let trigramText: String

    /// Prefixes stand in for stems: the same query finds Russian and Kazakh word forms.
    init(texts: [String?], trigramText: String) {
        var seen = Set<String>()
        var terms: [String] = []
        for text in texts.compactMap({ $0 }) {
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count >= 4 {
                let prefix = String(word.prefix(max(4, min(word.count - 2, 6))))
                if seen.insert(prefix).inserted { terms.append(prefix) }
                if terms.count == 16 { break }
            }
        }
        prefixQuery = terms.map { "\($0):*" }.joined(separator: " | ")
        // Trigram similarity extracts the trigrams of both texts on every row: keep this one short.
        self.trigramText = String(trigramText.prefix(200))
    }
}
