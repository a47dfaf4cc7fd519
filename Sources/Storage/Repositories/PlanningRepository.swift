import Domain
import Foundation
import Postgres

/// What a government body plans its next call from: a territory's open projects and their
/// unfunded need by focus area and by place, the NGOs working there, and what past calls in the
/// territory offered against what NGOs asked of them.
public struct PlanningRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Open projects within `territory` (nil: the whole country) and the NGOs naming it: in all,
    /// by focus area (every one, zeros included) and by the units just below the territory.
    public func needs(in territory: String?) async throws -> (total: PlanningNeed, byFocusArea: [PlanningNeed], byPlace: [PlanningNeed]) {
        // A project's pledges are partnership_stats' count for it: approved and active partnerships.
        // region_scope holds every unit a record names and those above them: a project in a
        // district counts in its region too.
        let base = """
            WITH open AS (
                SELECT p.id, p.focus_areas, p.region_scope, p.funding_needed_kzt AS need, coalesce(s.pledged_kzt, 0) AS pledged
                FROM projects p LEFT JOIN partnership_stats s ON s.subject_id = p.id
                WHERE p.status = 'open' AND ($1::text IS NULL OR p.region_scope @> ARRAY[$1::text])
            ),
            ngos AS (
                SELECT o.id, o.focus_areas, o.region_scope FROM organizations o
                WHERE o.kind = 'ngo' AND o.active AND ($1::text IS NULL OR o.region_scope @> ARRAY[$1::text])
            )
            """
        let figures = """
            count(*)::int AS projects, coalesce(sum(need), 0)::bigint AS need, coalesce(sum(pledged), 0)::bigint AS pledged,
            coalesce(sum(greatest(need - pledged, 0)), 0)::bigint AS unfunded
            """
        return try await pool.withConnection { connection in
            let total = try Self.decodeNeed(try connection.query(
                "\(base) SELECT ''::text, \(figures), (SELECT count(*) FROM ngos)::int FROM open", [territory]
            ).rows[0])
            let byFocusArea = try connection.query(
                """
                \(base),
                need AS (SELECT code, \(figures) FROM open, unnest(open.focus_areas) AS code GROUP BY code),
                working AS (SELECT code, count(*)::int AS ngos FROM ngos, unnest(ngos.focus_areas) AS code GROUP BY code)
                SELECT f.code, coalesce(need.projects, 0), coalesce(need.need, 0), coalesce(need.pledged, 0), coalesce(need.unfunded, 0),
                    coalesce(working.ngos, 0)
                FROM focus_areas f LEFT JOIN need ON need.code = f.code LEFT JOIN working ON working.code = f.code
                ORDER BY f.code
                """,
                [territory]
            ).rows.map(Self.decodeNeed)
            let byPlace = try connection.query(
                """
                \(base),
                places AS (SELECT kato FROM regions WHERE parent_kato IS NOT DISTINCT FROM $1::text),
                need AS (SELECT code, \(figures) FROM open, unnest(open.region_scope) AS code WHERE code IN (SELECT kato FROM places) GROUP BY code),
                working AS (
                    SELECT code, count(*)::int AS ngos FROM ngos, unnest(ngos.region_scope) AS code
                    WHERE code IN (SELECT kato FROM places) GROUP BY code
                )
                SELECT places.kato, coalesce(need.projects, 0), coalesce(need.need, 0), coalesce(need.pledged, 0), coalesce(need.unfunded, 0),
                    coalesce(working.ngos, 0)
                FROM places LEFT JOIN need ON need.code = places.kato LEFT JOIN working ON working.code = places.kato
                ORDER BY places.kato
                """,
                [territory]
            ).rows.map(Self.decodeNeed)
            return (total, byFocusArea, byPlace)
        }
    }

    static func decodeNeed(_ row: Row) throws -> PlanningNeed {
        PlanningNeed(
            key: try row.decode(String.self, at: 0), openProjects: try row.decode(Int.self, at: 1), needKZT: try row.decode(Int64.self, at: 2),
            pledgedKZT: try row.decode(Int64.self, at: 3), unfundedKZT: try row.decode(Int64.self, at: 4), ngos: try row.decode(Int.self, at: 5)
        )
    }

    /// Published calls closed to applications by `now` whose territory overlaps `territory` (a
    /// national call overlaps every place; a region's call, its districts and the other way round):
    /// what they offered and what was asked of them, by the calls' focus areas ("" for calls open to
    /// any), and the same calls each counted once.
    public func demand(in territory: String?, closedBy now: Date) async throws -> (rows: [PlanningDemand], total: PlanningDemand) {
        let base = """
            WITH past AS (
                SELECT c.id, c.focus_areas,
                    c.state_budget_kzt + coalesce((SELECT sum(p.amount_kzt) FROM call_pledges p WHERE p.call_id = c.id AND p.withdrawn_at IS NULL), 0) AS money,
                    (SELECT count(*) FROM call_applications a WHERE a.call_id = c.id AND a.state = 'submitted') AS applications,
                    coalesce((SELECT sum(a.amount_kzt) FROM call_applications a WHERE a.call_id = c.id AND a.state = 'submitted'), 0) AS asked,
                    CASE WHEN c.state = 'awarded'
                         THEN coalesce((SELECT sum(g.amount_kzt) FROM call_grants g WHERE g.call_id = c.id), 0) ELSE 0 END AS awarded
                FROM calls c
                WHERE c.state <> 'draft' AND c.closes_at <= $2::timestamptz
                  AND ($1::text IS NULL OR c.territory IS NULL
                       OR c.territory = ANY (kato_ancestors($1::text)) OR $1::text = ANY (kato_ancestors(c.territory)))
            )
            """
        let figures = """
            count(*)::int, coalesce(sum(money), 0)::bigint, coalesce(sum(applications), 0)::int, coalesce(sum(asked), 0)::bigint, coalesce(sum(awarded), 0)::bigint
            """
        return try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                \(base)
                SELECT code, \(figures)
                FROM past, unnest(CASE WHEN cardinality(past.focus_areas) = 0 THEN ARRAY['']::text[] ELSE past.focus_areas END) AS code
                GROUP BY code ORDER BY code
                """,
                [territory, now]
            ).rows.map(Self.decodeDemand)
            let total = try Self.decodeDemand(try connection.query("\(base) SELECT '', \(figures) FROM past", [territory, now]).rows[0])
            return (rows, total)
        }
    }

    static func decodeDemand(_ row: Row) throws -> PlanningDemand {
        PlanningDemand(
            key: try row.decode(String.self, at: 0), calls: try row.decode(Int.self, at: 1), moneyKZT: try row.decode(Int64.self, at: 2),
            applications: try row.decode(Int.self, at: 3), askedKZT: try row.decode(Int64.self, at: 4), awardedKZT: try row.decode(Int64.self, at: 5)
        )
    }
}
