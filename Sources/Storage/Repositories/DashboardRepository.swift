import Domain
import Foundation
import Postgres

/// Monitoring figures over partnerships past approval, and where projects and their partnerships
/// stand, grouped by place or focus area.
public struct DashboardRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public enum Grouping: Sendable {
        /// The units one level below the filter's place (regions for the whole country).
        case places(parent: String?)
        case focusAreas
        /// One row for everything selected.
        case total
    }

    /// The group column of `grouping` over the rows of `source` (with `region_scope` and
    /// `focus_areas`), and the parameter it needs appended to `parameters`.
    static func key(_ grouping: Grouping, over source: String, parameters: inout [any PostgresEncodable]) -> String {
        switch grouping {
        case .places(let parent):
            parameters.append(parent)
            return """
                code FROM \(source), unnest(\(source).region_scope) AS code
                WHERE code IN (SELECT kato FROM regions WHERE parent_kato IS NOT DISTINCT FROM $\(parameters.count)::text)
                """
        case .focusAreas:
            return "code FROM \(source), unnest(\(source).focus_areas) AS code WHERE true"
        case .total:
            return "''::text AS code FROM \(source) WHERE true"
        }
    }

    /// One row per group that has partnerships; `now` and `graceDays` decide what is overdue.
    public func figures(_ filter: DashboardFilter, by grouping: Grouping, now: Date, graceDays: Int) async throws -> [DashboardFigures] {
        var parameters: [any PostgresEncodable] = [filter.place, filter.focusArea, filter.sponsor, now, Int64(graceDays)]
        let key = Self.key(grouping, over: "base", parameters: &parameters)
        let sql = """
            WITH base AS (
                -- For a sponsor, a call's award it co-funds counts with its share of the money, pledged
                -- and (pro rata) disbursed; the people reached are the partnership's.
                SELECT x.id, x.state, p.region_scope, p.focus_areas,
                    CASE WHEN $3::uuid IS NULL OR x.business_id = $3::uuid THEN x.pledge_kzt ELSE coalesce(share.amount, 0) END AS pledge_kzt,
                    coalesce(r.disbursed, 0) * CASE WHEN $3::uuid IS NULL OR x.business_id = $3::uuid THEN 1
                        ELSE coalesce(share.amount::numeric / nullif(share.total, 0), 0) END AS disbursed,
                    coalesce(r.reached, 0) AS reached,
                    coalesce(i.total, 0) AS indicators, coalesce(i.met, 0) AS met,
                    coalesce(partnership_report_due(x) + make_interval(days => $5::int) < $4, false) AS overdue
                FROM partnerships x
                JOIN projects p ON p.id = x.project_id
                LEFT JOIN LATERAL (
                    SELECT sum(amount_disbursed_kzt) AS disbursed, sum(beneficiaries_reached) AS reached
                    FROM partnership_reports WHERE partnership_id = x.id
                ) r ON true
                LEFT JOIN LATERAL (
                    SELECT sum(amount_kzt) FILTER (WHERE organization_id = $3::uuid AND role = 'business') AS amount, sum(amount_kzt) AS total
                    FROM partnership_funders WHERE partnership_id = x.id AND x.call_id IS NOT NULL
                ) share ON true
                LEFT JOIN LATERAL (
                    SELECT count(*) AS total,
                        count(*) FILTER (WHERE indicator_met(ind.baseline, ind.target, indicator_latest(x, ind.position))) AS met
                    FROM partnership_indicators ind
                    WHERE ind.partnership_id = x.id
                ) i ON true
                WHERE x.state IN ('approved', 'active', 'completed', 'cancelled')
                  AND ($1::text IS NULL OR p.region_scope @> ARRAY[$1::text])
                  AND ($2::text IS NULL OR p.focus_areas @> ARRAY[$2::text])
                  AND ($3::uuid IS NULL OR (x.business_id = $3::uuid OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = x.id AND f.organization_id = $3::uuid)))
            ),
            grouped AS (
                SELECT base.*, \(key)
            )
            SELECT code, count(*)::int, count(*) FILTER (WHERE state = 'active')::int, count(*) FILTER (WHERE state = 'completed')::int,
                coalesce(sum(pledge_kzt) FILTER (WHERE state <> 'cancelled'), 0)::bigint, coalesce(round(sum(disbursed)), 0)::bigint, coalesce(sum(reached), 0)::bigint,
                coalesce(sum(indicators), 0)::int, coalesce(sum(met), 0)::int, count(*) FILTER (WHERE overdue)::int
            FROM grouped GROUP BY code ORDER BY code
            """
        let bound = parameters
        return try await pool.withConnection { connection in
            try connection.query(sql, bound).rows.map { row in
                DashboardFigures(
                    key: try row.decode(String.self, at: 0), partnerships: try row.decode(Int.self, at: 1), active: try row.decode(Int.self, at: 2),
                    completed: try row.decode(Int.self, at: 3), pledgedKZT: try row.decode(Int64.self, at: 4), disbursedKZT: try row.decode(Int64.self, at: 5),
                    beneficiariesReached: try row.decode(Int64.self, at: 6), indicators: try row.decode(Int.self, at: 7),
                    indicatorsMet: try row.decode(Int.self, at: 8), overdue: try row.decode(Int.self, at: 9)
                )
            }
        }
    }

    /// One row per group that has projects (drafts left out): projects by status, what open ones
    /// need against the money placed with them, and partnerships by stage. With a sponsor, the
    /// projects it has partnerships with, and only its partnerships.
    public func pipeline(_ filter: DashboardFilter, by grouping: Grouping) async throws -> [ProjectPipeline] {
        var parameters: [any PostgresEncodable] = [filter.place, filter.focusArea, filter.sponsor]
        let key = Self.key(grouping, over: "counted", parameters: &parameters)
        let sql = """
            WITH selected AS (
                SELECT p.id, p.status, p.region_scope, p.focus_areas, p.funding_needed_kzt
                FROM projects p
                WHERE p.status <> 'draft'
                  AND ($1::text IS NULL OR p.region_scope @> ARRAY[$1::text])
                  AND ($2::text IS NULL OR p.focus_areas @> ARRAY[$2::text])
                  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM partnerships x WHERE x.project_id = p.id AND (x.business_id = $3::uuid OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = x.id AND f.organization_id = $3::uuid))))
            ),
            counted AS (
                SELECT s.*, coalesce(st.placed, 0) AS placed, coalesce(st.proposed, 0) AS proposed, coalesce(st.under_review, 0) AS under_review,
                    coalesce(st.approved, 0) AS approved, coalesce(st.active, 0) AS active, coalesce(st.completed, 0) AS completed,
                    coalesce(st.ended, 0) AS ended
                FROM selected s
                LEFT JOIN LATERAL (
                    SELECT sum(x.pledge_kzt) FILTER (WHERE x.state IN ('approved', 'active')) AS placed,
                        count(*) FILTER (WHERE x.state = 'proposed') AS proposed,
                        count(*) FILTER (WHERE x.state = 'under_review') AS under_review,
                        count(*) FILTER (WHERE x.state = 'approved') AS approved,
                        count(*) FILTER (WHERE x.state = 'active') AS active,
                        count(*) FILTER (WHERE x.state = 'completed') AS completed,
                        count(*) FILTER (WHERE x.state IN ('rejected', 'withdrawn', 'cancelled')) AS ended
                    FROM partnerships x WHERE x.project_id = s.id AND ($3::uuid IS NULL OR (x.business_id = $3::uuid OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = x.id AND f.organization_id = $3::uuid)))
                ) st ON true
            ),
            grouped AS (
                SELECT counted.*, \(key)
            )
            SELECT code, count(*) FILTER (WHERE status = 'open')::int, count(*) FILTER (WHERE status = 'funded')::int,
                count(*) FILTER (WHERE status = 'closed')::int,
                coalesce(sum(funding_needed_kzt) FILTER (WHERE status = 'open'), 0)::bigint,
                coalesce(sum(placed) FILTER (WHERE status = 'open'), 0)::bigint,
                coalesce(sum(proposed), 0)::int, coalesce(sum(under_review), 0)::int, coalesce(sum(approved), 0)::int,
                coalesce(sum(active), 0)::int, coalesce(sum(completed), 0)::int, coalesce(sum(ended), 0)::int
            FROM grouped GROUP BY code ORDER BY code
            """
        let bound = parameters
        return try await pool.withConnection { connection in
            try connection.query(sql, bound).rows.map { row in
                ProjectPipeline(
                    key: try row.decode(String.self, at: 0), open: try row.decode(Int.self, at: 1), funded: try row.decode(Int.self, at: 2),
                    closed: try row.decode(Int.self, at: 3), openNeedKZT: try row.decode(Int64.self, at: 4), placedKZT: try row.decode(Int64.self, at: 5),
                    proposed: try row.decode(Int.self, at: 6), underReview: try row.decode(Int.self, at: 7), approved: try row.decode(Int.self, at: 8),
                    active: try row.decode(Int.self, at: 9), completed: try row.decode(Int.self, at: 10), ended: try row.decode(Int.self, at: 11)
                )
            }
        }
    }
}
