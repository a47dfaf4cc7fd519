import Domain
import Foundation
import Postgres

/// What the public call pages read: published calls with their money and counts, and once a call
/// is awarded its results, the reviewers' scores only in aggregate.
extension CallRepository {
    /// Published and awarded calls, newest publication first, in `phase` (as read at `now`; the
    /// deciding phase counts as reviewing) and overlapping `place` (a call for the whole country
    /// overlaps every place; one for a region, its districts and the other way round).
    public func publicCalls(phase: CallPhase?, place: String?, now: Date, limit: Int) async throws -> [(call: Call, figures: CallFigures)] {
        let phaseText: String? = switch phase {
        case nil: nil
        case .deciding?: CallPhase.reviewing.rawValue
        case let phase?: phase.rawValue
        }
        return try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT c.id, \(Self.figureColumns)
                FROM calls c
                WHERE c.state <> 'draft'
                  AND ($1::text IS NULL OR CASE $1::text
                        WHEN 'upcoming' THEN c.state = 'published' AND c.opens_at > $3::timestamptz
                        WHEN 'open' THEN c.state = 'published' AND c.opens_at <= $3::timestamptz AND c.closes_at > $3::timestamptz
                        WHEN 'reviewing' THEN c.state = 'published' AND c.closes_at <= $3::timestamptz
                        WHEN 'awarded' THEN c.state = 'awarded'
                        ELSE false END)
                  AND ($2::text IS NULL OR c.territory IS NULL
                       OR c.territory = ANY (kato_ancestors($2::text)) OR $2::text = ANY (kato_ancestors(c.territory)))
                ORDER BY c.published_at DESC, c.id
                LIMIT $4
                """,
                [phaseText, place, now, limit]
            ).rows
            let calls = try Self.find(try rows.map { try $0.decode(UUID.self, at: 0) }, on: connection)
            return try zip(calls, rows).map { call, row in (call, try Self.decodeFigures(row, from: 1)) }
        }
    }

    /// A call's live pledges and submitted applications, counted.
    public func figures(of call: UUID) async throws -> CallFigures {
        try await pool.withConnection { connection in
            guard let row = try connection.query("SELECT \(Self.figureColumns) FROM calls c WHERE c.id = $1", [call]).first else {
                throw DomainError.notFound(resource: "call")
            }
            return try Self.decodeFigures(row, from: 0)
        }
    }

    static let figureColumns = """
        coalesce((SELECT sum(p.amount_kzt) FROM call_pledges p WHERE p.call_id = c.id AND p.withdrawn_at IS NULL), 0)::bigint,
        (SELECT count(DISTINCT p.business_id) FROM call_pledges p WHERE p.call_id = c.id AND p.withdrawn_at IS NULL)::int,
        (SELECT count(*) FROM call_applications a WHERE a.call_id = c.id AND a.state = 'submitted')::int
        """

    static func decodeFigures(_ row: Row, from first: Int) throws -> CallFigures {
        CallFigures(
            pledgedKZT: try row.decode(Int64.self, at: first), coFunders: try row.decode(Int.self, at: first + 1),
            received: try row.decode(Int.self, at: first + 2)
        )
    }

    /// The call's results as its last allocation has them: counts, cut-off, the funded applications
    /// with each funder's share (and the partnership the award made, where one was), and each
    /// criterion's scores over the completed reviews. The caller decides when they may be read.
    public func results(of call: UUID) async throws -> CallResults {
        try await pool.withConnection { connection in
            let counts = try connection.query(
                """
                SELECT (SELECT count(*) FROM call_applications a WHERE a.call_id = $1 AND a.state = 'submitted')::int,
                    (SELECT count(*) FROM call_applications a WHERE a.call_id = $1 AND a.state = 'submitted'
                        AND NOT EXISTS (SELECT 1 FROM call_unfunded u WHERE u.call_id = $1 AND u.application_id = a.id AND u.reason = 'ineligible'))::int,
                    (SELECT count(DISTINCT application_id) FROM call_grants WHERE call_id = $1)::int,
                    (SELECT cut_off FROM call_allocations WHERE call_id = $1)
                """,
                [call]
            ).rows[0]
            let winners = try connection.query(
                """
                SELECT g.application_id, a.project_id, a.ngo_id, a.amount_kzt, max(g.score),
                    array_agg(g.funder_id ORDER BY g.pledge_id IS NOT NULL, g.amount_kzt DESC, g.funder_id),
                    array_agg(CASE WHEN g.pledge_id IS NULL THEN 'state' ELSE 'business' END
                              ORDER BY g.pledge_id IS NOT NULL, g.amount_kzt DESC, g.funder_id),
                    array_agg(g.amount_kzt ORDER BY g.pledge_id IS NOT NULL, g.amount_kzt DESC, g.funder_id),
                    (SELECT x.id FROM partnerships x WHERE x.call_application_id = g.application_id)
                FROM call_grants g JOIN call_applications a ON a.id = g.application_id
                WHERE g.call_id = $1
                GROUP BY g.application_id, a.project_id, a.ngo_id, a.amount_kzt
                ORDER BY max(g.score) DESC, sum(g.amount_kzt) DESC, g.application_id
                """,
                [call]
            ).rows.map { row in
                let ids = try row.decode([UUID].self, at: 5)
                let roles = try row.decode([String].self, at: 6)
                let amounts = try row.decode([Int64].self, at: 7)
                // A business with two pledges to the call pays from both: one share in all.
                var funders: [CallResults.Funder] = []
                for index in ids.indices {
                    let isState = roles[index] == "state"
                    if let at = funders.firstIndex(where: { $0.organizationID == ids[index] && $0.isState == isState }) {
                        funders[at] = CallResults.Funder(organizationID: ids[index], isState: isState, amountKZT: funders[at].amountKZT + amounts[index])
                    } else {
                        funders.append(CallResults.Funder(organizationID: ids[index], isState: isState, amountKZT: amounts[index]))
                    }
                }
                return CallResults.Winner(
                    applicationID: try row.decode(UUID.self, at: 0), projectID: try row.decode(UUID.self, at: 1), ngoID: try row.decode(UUID.self, at: 2),
                    partnershipID: try row.decode(UUID?.self, at: 8), score: try row.decode(Double.self, at: 4), askedKZT: try row.decode(Int64.self, at: 3),
                    funders: funders
                )
            }
            // Only applications every assigned reviewer has scored: their scores were final.
            let criteria = try connection.query(
                """
                WITH complete AS (
                    SELECT a.id FROM call_applications a
                    WHERE a.call_id = $1 AND a.state = 'submitted'
                      AND EXISTS (SELECT 1 FROM call_assignments x WHERE x.application_id = a.id)
                      AND NOT EXISTS (
                          SELECT 1 FROM call_assignments x
                          LEFT JOIN call_reviews r ON r.application_id = x.application_id AND r.person_id = x.person_id
                          WHERE x.application_id = a.id AND r.person_id IS NULL)
                ),
                scores AS (
                    SELECT r.application_id, s.position, s.score
                    FROM call_reviews r JOIN complete c ON c.id = r.application_id,
                        unnest(r.scores) WITH ORDINALITY AS s(score, position)
                )
                SELECT position::int - 1, count(*)::int, avg(score)::float8, coalesce(stddev_pop(score), 0)::float8, min(score)::int, max(score)::int,
                    (avg(score) FILTER (WHERE application_id IN (SELECT application_id FROM call_grants WHERE call_id = $1)))::float8,
                    (count(*) FILTER (WHERE application_id IN (SELECT application_id FROM call_grants WHERE call_id = $1)))::int,
                    count(DISTINCT application_id)::int,
                    (count(DISTINCT application_id) FILTER (WHERE application_id NOT IN (SELECT application_id FROM call_grants WHERE call_id = $1)))::int
                FROM scores GROUP BY position ORDER BY position
                """,
                [call]
            ).rows.map { row in
                CallResults.CriterionScores(
                    position: try row.decode(Int.self, at: 0), reviews: try row.decode(Int.self, at: 1), mean: try row.decode(Double.self, at: 2),
                    standardDeviation: try row.decode(Double.self, at: 3), lowest: try row.decode(Int.self, at: 4), highest: try row.decode(Int.self, at: 5),
                    fundedMean: try row.decode(Double?.self, at: 6), fundedReviews: try row.decode(Int.self, at: 7),
                    applications: try row.decode(Int.self, at: 8), unfundedApplications: try row.decode(Int.self, at: 9)
                )
            }
            return CallResults(
                received: try counts.decode(Int.self, at: 0), eligible: try counts.decode(Int.self, at: 1), funded: try counts.decode(Int.self, at: 2),
                cutOff: try counts.decode(Double?.self, at: 3), winners: winners, criteria: criteria
            )
        }
    }
}

extension CallRepository {
    /// The titles and statuses of these projects, those that exist.
    public func projectTitles(_ ids: [UUID]) async throws -> [(id: UUID, title: LocalizedText, status: ProjectStatus)] {
        guard !ids.isEmpty else { return [] }
        return try await pool.withConnection { connection in
            try connection.query("SELECT id, title_kk, title_ru, title_en, status FROM projects WHERE id = ANY ($1::uuid[])", [ids]).rows.map { row in
                (
                    try row.decode(UUID.self, at: 0),
                    LocalizedText(kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3)),
                    ProjectStatus(rawValue: try row.decode(String.self, at: 4)) ?? .draft
                )
            }
        }
    }
}
