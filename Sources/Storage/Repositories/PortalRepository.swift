import Domain
import Foundation
import Postgres

/// The public portal's reads: figures aggregated in SQL, and what a profile or project page shows
/// of partnerships past approval. Decides nothing about who may read: `PortalService` does.
public struct PortalRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// States whose partnerships anyone may read, as SQL.
    static let publicStates = "('approved', 'active', 'completed', 'cancelled')"

    // MARK: - Home

    public func home() async throws -> PortalHome {
        try await pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT
                    (SELECT coalesce(json_object_agg(kind, n), '{}')::text FROM (
                        SELECT kind, count(*) AS n FROM organizations WHERE active GROUP BY kind) AS k),
                    (SELECT count(*) FROM projects WHERE status = 'open'),
                    (SELECT coalesce(sum(funding_needed_kzt), 0) FROM projects WHERE status = 'open'),
                    (SELECT coalesce(sum(pledge_kzt), 0) FROM partnerships WHERE state IN ('approved', 'active', 'completed')),
                    (SELECT coalesce(sum(r.amount_disbursed_kzt), 0) FROM partnership_reports r
                        JOIN partnerships x ON x.id = r.partnership_id WHERE x.state IN \(Self.publicStates)),
                    (SELECT coalesce(json_object_agg(state, n), '{}')::text FROM (
                        SELECT state, count(*) AS n FROM partnerships GROUP BY state) AS s),
                    now()
                """
            ).rows[0]
            let kinds = try Self.counts(row.decode(String.self, at: 0))
            let stages = try Self.counts(row.decode(String.self, at: 5))
            return PortalHome(
                organizationsByKind: Dictionary(uniqueKeysWithValues: OrganizationKind.allCases.map { ($0, kinds[$0.rawValue] ?? 0) }),
                openProjects: try row.decode(Int.self, at: 1),
                openNeedKZT: try row.decode(Int64.self, at: 2),
                fundingPledgedKZT: try row.decode(Int64.self, at: 3),
                fundingDisbursedKZT: try row.decode(Int64.self, at: 4),
                partnershipsByStage: Dictionary(uniqueKeysWithValues: PartnershipState.allCases.map { ($0, stages[$0.rawValue] ?? 0) }),
                asOf: try row.decode(Date.self, at: 6)
            )
        }
    }

    private static func counts(_ json: String) throws -> [String: Int] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Int] else {
            throw PostgresError(.decoding, message: "counts are not an object of integers")
        }
        return object
    }

    // MARK: - Figures by place and focus area

    /// Which places a figures query reports on.
    public enum Places: Sendable {
        /// The 20 top-level regions.
        case regions
        /// Every district of a top-level region.
        case districts(of: String)
        /// One unit (region or district) on its own.
        case unit(String)
    }

    /// Figures for each of `places`, in code order.
    public func placeFigures(_ places: Places) async throws -> [PortalPlaceFigures] {
        // Each place's projects and NGOs are found through region_scope, which holds every code a
        // record names and all the units above it: a project in a district counts in its region too.
        let (placesSQL, within, withinProject, parameters): (String, String, String, [any PostgresEncodable]) = switch places {
        case .regions:
            ("SELECT kato FROM regions WHERE parent_kato IS NULL", "true", "true", [])
        case .districts(let region):
            ("SELECT kato FROM regions WHERE parent_kato = $1", "region_scope @> ARRAY[$1::text]", "p.region_scope @> ARRAY[$1::text]", [region])
        case .unit(let code):
            ("SELECT $1::text AS kato", "region_scope @> ARRAY[$1::text]", "p.region_scope @> ARRAY[$1::text]", [code])
        }
        let sql = """
            WITH places AS (\(placesSQL)),
            need AS (
                SELECT code, count(*) AS projects, sum(funding_needed_kzt) AS need
                FROM projects, unnest(region_scope) AS code
                WHERE status = 'open' AND \(within) AND code IN (SELECT kato FROM places)
                GROUP BY code
            ),
            placed AS (
                SELECT code,
                    sum(x.pledge_kzt) AS placed,
                    count(*) FILTER (WHERE x.state IN ('approved', 'active')) AS under_way
                FROM partnerships x JOIN projects p ON p.id = x.project_id, unnest(p.region_scope) AS code
                WHERE x.state IN ('approved', 'active', 'completed') AND \(withinProject) AND code IN (SELECT kato FROM places)
                GROUP BY code
            ),
            ngos AS (
                SELECT code, count(*) AS ngos
                FROM organizations, unnest(region_scope) AS code
                WHERE kind = 'ngo' AND active AND \(within) AND code IN (SELECT kato FROM places)
                GROUP BY code
            )
            SELECT places.kato, coalesce(need.projects, 0), coalesce(need.need, 0), coalesce(placed.placed, 0),
                coalesce(placed.under_way, 0), coalesce(ngos.ngos, 0)
            FROM places
            LEFT JOIN need ON need.code = places.kato
            LEFT JOIN placed ON placed.code = places.kato
            LEFT JOIN ngos ON ngos.code = places.kato
            ORDER BY places.kato
            """
        return try await pool.withConnection { connection in
            try connection.query(sql, parameters).rows.map(Self.decodeFigures)
        }
    }

    /// Figures for every focus area within `region` (a KATO code of any level), in code order.
    public func focusFigures(in region: String) async throws -> [PortalPlaceFigures] {
        let sql = """
            WITH need AS (
                SELECT code, count(*) AS projects, sum(funding_needed_kzt) AS need
                FROM projects, unnest(focus_areas) AS code
                WHERE status = 'open' AND region_scope @> ARRAY[$1::text]
                GROUP BY code
            ),
            placed AS (
                SELECT code, sum(x.pledge_kzt) AS placed, count(*) FILTER (WHERE x.state IN ('approved', 'active')) AS under_way
                FROM partnerships x JOIN projects p ON p.id = x.project_id, unnest(p.focus_areas) AS code
                WHERE x.state IN ('approved', 'active', 'completed') AND p.region_scope @> ARRAY[$1::text]
                GROUP BY code
            ),
            ngos AS (
                SELECT code, count(*) AS ngos
                FROM organizations, unnest(focus_areas) AS code
                WHERE kind = 'ngo' AND active AND region_scope @> ARRAY[$1::text]
                GROUP BY code
            )
            SELECT f.code, coalesce(need.projects, 0), coalesce(need.need, 0), coalesce(placed.placed, 0),
                coalesce(placed.under_way, 0), coalesce(ngos.ngos, 0)
            FROM focus_areas f
            LEFT JOIN need ON need.code = f.code
            LEFT JOIN placed ON placed.code = f.code
            LEFT JOIN ngos ON ngos.code = f.code
            ORDER BY f.code
            """
        return try await pool.withConnection { connection in
            try connection.query(sql, [region]).rows.map(Self.decodeFigures)
        }
    }

    private static func decodeFigures(_ row: Row) throws -> PortalPlaceFigures {
        PortalPlaceFigures(
            code: try row.decode(String.self, at: 0),
            figures: PortalFigures(
                openProjects: try row.decode(Int.self, at: 1),
                openNeedKZT: try row.decode(Int64.self, at: 2),
                fundingPlacedKZT: try row.decode(Int64.self, at: 3),
                activePartnerships: try row.decode(Int.self, at: 4),
                ngos: try row.decode(Int.self, at: 5)
            )
        )
    }

    /// The open projects within `region` with the most still missing (need less approved, active and completed pledges).
    public func largestUnfundedNeeds(in region: String, limit: Int) async throws -> [PortalUnfundedNeed] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT p.id, p.title_kk, p.title_ru, p.title_en, p.funding_needed_kzt, pledged.kzt,
                    o.id, o.kind, o.bin, o.name_kk, o.name_ru, o.name_en
                FROM projects p
                JOIN organizations o ON o.id = p.organization_id
                CROSS JOIN LATERAL (
                    SELECT coalesce(sum(x.pledge_kzt), 0) AS kzt FROM partnerships x
                    WHERE x.project_id = p.id AND x.state IN ('approved', 'active', 'completed')
                ) AS pledged
                WHERE p.status = 'open' AND p.region_scope @> ARRAY[$1::text] AND p.funding_needed_kzt > pledged.kzt
                ORDER BY p.funding_needed_kzt - pledged.kzt DESC, p.id
                LIMIT $2
                """,
                [region, limit]
            ).rows.map { row in
                PortalUnfundedNeed(
                    projectID: try row.decode(UUID.self, at: 0),
                    title: try Self.text(row, from: 1),
                    ngo: try Self.party(row, from: 6),
                    needKZT: try row.decode(Int64.self, at: 4),
                    pledgedKZT: try row.decode(Int64.self, at: 5)
                )
            }
        }
    }

    // MARK: - Partnerships, reports and trails past approval

    public enum Subject: Sendable {
        case organization(UUID)
        case project(UUID)
    }

    private static func condition(_ subject: Subject) -> (String, UUID) {
        switch subject {
        case .organization(let id): (
            "($1 IN (x.ngo_id, x.business_id, x.government_body_id) OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = x.id AND f.organization_id = $1))",
            id
        )
        case .project(let id): ("x.project_id = $1", id)
        }
    }

    /// The public partnerships of an organization (in any role) or of a project, newest first.
    public func partnerships(of subject: Subject) async throws -> [PortalPartnership] {
        let (condition, id) = Self.condition(subject)
        return try await pool.withConnection { connection in
            let partnerships = try connection.query(
                """
                SELECT x.id, x.project_id, p.title_kk, p.title_ru, p.title_en, p.regions, x.state, x.pledge_kzt,
                    (SELECT coalesce(sum(r.amount_disbursed_kzt), 0) FROM partnership_reports r WHERE r.partnership_id = x.id),
                    x.decided_at, x.updated_at,
                    n.id, n.kind, n.bin, n.name_kk, n.name_ru, n.name_en,
                    b.id, b.kind, b.bin, b.name_kk, b.name_ru, b.name_en,
                    g.id, g.kind, g.bin, g.name_kk, g.name_ru, g.name_en,
                    partnership_report_due(x), \(Self.callColumns)
                FROM partnerships x
                JOIN projects p ON p.id = x.project_id
                JOIN organizations n ON n.id = x.ngo_id
                LEFT JOIN organizations b ON b.id = x.business_id
                JOIN organizations g ON g.id = x.government_body_id
                LEFT JOIN calls c ON c.id = x.call_id
                WHERE x.state IN \(Self.publicStates) AND \(condition)
                ORDER BY x.created_at DESC, x.id
                """,
                [id]
            ).rows.map { try Self.decodePartnership($0, reportDueAt: 29, call: 30) }
            return try Self.withFunders(partnerships, on: connection)
        }
    }

    /// `reportDueAt`: the column holding when the next report is due, where the query reads it.
    /// A call award's call: its id and title, read with `LEFT JOIN calls c ON c.id = x.call_id`.
    static let callColumns = "c.id, c.title_kk, c.title_ru, c.title_en"

    /// `partnerships` with their funders (call awards have them), read in one query for the list.
    static func withFunders(_ partnerships: [PortalPartnership], on connection: Connection) throws -> [PortalPartnership] {
        let awards = partnerships.filter { $0.callID != nil }.map(\.id)
        guard !awards.isEmpty else { return partnerships }
        var funders: [UUID: [PortalFunder]] = [:]
        for row in try connection.query(
            """
            SELECT f.partnership_id, f.role, f.amount_kzt, o.id, o.kind, o.bin, o.name_kk, o.name_ru, o.name_en
            FROM partnership_funders f JOIN organizations o ON o.id = f.organization_id
            WHERE f.partnership_id = ANY ($1::uuid[])
            ORDER BY f.partnership_id, f.role = 'state' DESC, f.amount_kzt DESC, o.id
            """,
            [awards]
        ).rows {
            guard let role = PartnershipFunder.Role(rawValue: try row.decode(String.self, at: 1)) else {
                throw PostgresError(.decoding, message: "unknown funder role")
            }
            funders[try row.decode(UUID.self, at: 0), default: []].append(
                PortalFunder(party: try party(row, from: 3), role: role, amountKZT: try row.decode(Int64.self, at: 2))
            )
        }
        return partnerships.map { partnership in
            var partnership = partnership
            partnership.funders = funders[partnership.id] ?? []
            return partnership
        }
    }

    static func decodePartnership(_ row: Row, reportDueAt column: Int? = nil, call: Int? = nil) throws -> PortalPartnership {
        var partnership = PortalPartnership(
            id: try row.decode(UUID.self, at: 0),
            projectID: try row.decode(UUID.self, at: 1),
            projectTitle: try text(row, from: 2),
            projectRegions: try row.decode([String].self, at: 5),
            state: try state(row.decode(String.self, at: 6)),
            ngo: try party(row, from: 11),
            business: try row.decode(UUID?.self, at: 17) == nil ? nil : try party(row, from: 17),
            governmentBody: try party(row, from: 23),
            pledgeKZT: try row.decode(Int64.self, at: 7),
            disbursedKZT: try row.decode(Int64.self, at: 8),
            decidedAt: try row.decode(Date?.self, at: 9),
            updatedAt: try row.decode(Date.self, at: 10),
            reportDueAt: try column.flatMap { try row.decode(Date?.self, at: $0) }
        )
        if let call, let callID = try row.decode(UUID?.self, at: call) {
            partnership.callID = callID
            partnership.callTitle = try text(row, from: call + 1)
        }
        return partnership
    }

    /// Each public partnership of the project with its indicators and the latest value reported
    /// for each, in one read.
    public func indicatorProgress(ofProject id: UUID) async throws -> [UUID: [IndicatorProgress]] {
        try await pool.withConnection { connection in
            var progress: [UUID: [IndicatorProgress]] = [:]
            for row in try connection.query(
                """
                SELECT i.partnership_id, i.position, i.name, i.unit, i.baseline, i.target, indicator_latest(x, i.position)
                FROM partnership_indicators i JOIN partnerships x ON x.id = i.partnership_id
                WHERE x.project_id = $1 AND x.state IN \(Self.publicStates)
                ORDER BY i.partnership_id, i.position
                """,
                [id]
            ).rows {
                let indicator = Indicator(
                    name: try row.decode(String.self, at: 2), unit: try row.decode(String.self, at: 3),
                    baseline: try row.decode(Double.self, at: 4), target: try row.decode(Double.self, at: 5)
                )
                progress[try row.decode(UUID.self, at: 0), default: []].append(
                    IndicatorProgress(position: try row.decode(Int.self, at: 1), indicator: indicator, latest: try row.decode(Double?.self, at: 6))
                )
            }
            return progress
        }
    }

    /// Milestone reports and final evaluations of the subject's public partnerships, oldest first.
    public func reports(of subject: Subject) async throws -> [PortalReport] {
        let (condition, id) = Self.condition(subject)
        return try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT r.partnership_id, x.project_id, p.title_kk, p.title_ru, p.title_en,
                    r.id, r.kind, r.amount_disbursed_kzt, r.beneficiaries_reached, r.text, r.rating,
                    r.author_organization_id, r.created_at
                FROM partnership_reports r
                JOIN partnerships x ON x.id = r.partnership_id
                JOIN projects p ON p.id = x.project_id
                WHERE x.state IN \(Self.publicStates) AND \(condition)
                ORDER BY r.created_at, r.id
                """,
                [id]
            ).rows.map { row in
                PortalReport(
                    partnershipID: try row.decode(UUID.self, at: 0),
                    projectID: try row.decode(UUID.self, at: 1),
                    projectTitle: try Self.text(row, from: 2),
                    report: PartnershipReport(
                        id: try row.decode(UUID.self, at: 5),
                        kind: PartnershipReport.Kind(rawValue: try row.decode(String.self, at: 6)) ?? .milestone,
                        amountDisbursedKZT: try row.decode(Int64.self, at: 7),
                        beneficiariesReached: try row.decode(Int.self, at: 8),
                        text: try row.decode(String.self, at: 9),
                        rating: try row.decode(Int?.self, at: 10),
                        authorOrganizationID: try row.decode(UUID?.self, at: 11),
                        createdAt: try row.decode(Date.self, at: 12)
                    )
                )
            }
        }
    }

    /// Every recorded step of a project's public partnerships, in the order they happened.
    public func timeline(ofProject id: UUID) async throws -> [PortalTimelineEntry] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT e.partnership_id, e.action, e.from_state, e.to_state, e.actor_is_admin,
                    a.kind, a.name_kk, a.name_ru, a.name_en, e.comment, e.at
                FROM partnership_events e
                JOIN partnerships x ON x.id = e.partnership_id
                LEFT JOIN organizations a ON a.id = e.actor_organization_id
                WHERE x.project_id = $1 AND x.state IN \(Self.publicStates)
                ORDER BY e.at, e.id
                """,
                [id]
            ).rows.map { row in
                let actorKind: PortalActorKind
                let name: LocalizedText?
                if let kind = try row.decode(String?.self, at: 5) {
                    actorKind = PortalActorKind(rawValue: kind) ?? .platform
                    name = try Self.text(row, from: 6)
                } else {
                    actorKind = try row.decode(Bool.self, at: 4) ? .admin : .platform
                    name = nil
                }
                return PortalTimelineEntry(
                    partnershipID: try row.decode(UUID.self, at: 0),
                    action: try row.decode(String.self, at: 1),
                    fromState: try row.decode(String?.self, at: 2).flatMap(PartnershipState.init(rawValue:)),
                    toState: try Self.state(row.decode(String.self, at: 3)),
                    actorKind: actorKind,
                    actorName: name,
                    comment: try row.decode(String?.self, at: 9),
                    at: try row.decode(Date.self, at: 10)
                )
            }
        }
    }

    // MARK: - Rows

    static func text(_ row: Row, from index: Int) throws -> LocalizedText {
        LocalizedText(
            kk: try row.decode(String?.self, at: index),
            ru: try row.decode(String?.self, at: index + 1),
            en: try row.decode(String?.self, at: index + 2)
        )
    }

    /// id, kind, bin, name_kk, name_ru, name_en from `index` on.
    static func party(_ row: Row, from index: Int) throws -> PortalParty {
        guard let kind = OrganizationKind(rawValue: try row.decode(String.self, at: index + 1)) else {
            throw PostgresError(.decoding, message: "unknown organization kind")
        }
        return PortalParty(
            id: try row.decode(UUID.self, at: index),
            kind: kind,
            bin: try row.decode(String.self, at: index + 2),
            name: try text(row, from: index + 3)
        )
    }

    static func state(_ text: String) throws -> PartnershipState {
        guard let state = PartnershipState(rawValue: text) else {
            throw PostgresError(.decoding, message: "unknown partnership state")
        }
        return state
    }
}
