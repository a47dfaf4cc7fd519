import Domain
import Foundation
import Postgres

/// A person in a call's pool of reviewers, with what assigning them depends on.
public struct CallReviewer: Sendable, Equatable {
    public let personID: UUID
    public let name: String
    public let email: String
    public let organizations: Set<UUID>
    /// Top-level regions (KATO) the reviewer's organizations work in.
    public let regions: Set<String>
    /// Applications of the call assigned to them.
    public let load: Int
}

/// Who reviews which application of a call.
public struct CallAssignment: Sendable, Equatable {
    public let applicationID: UUID
    public let personID: UUID
    public let automatic: Bool
    public let assignedAt: Date
}

extension CallRepository {
    /// Adds the person with this e-mail address to the call's reviewers; nil when nobody has an
    /// account with it. Adding someone twice keeps the first.
    public func addReviewer(to call: UUID, email: String) async throws -> UUID? {
        try await pool.withConnection { connection in
            guard let person = try connection.query(
                "SELECT id FROM people WHERE lower(email) = lower($1) AND NOT disabled", [email]
            ).first?.decode(UUID.self, at: 0) else { return nil }
            try connection.query("INSERT INTO call_reviewers (call_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [call, person])
            return person
        }
    }

    public func reviewers(of call: UUID) async throws -> [CallReviewer] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT p.id, p.display_name, p.email,
                    coalesce(array_agg(DISTINCT m.organization_id) FILTER (WHERE m.organization_id IS NOT NULL), '{}'),
                    coalesce(array_agg(DISTINCT left(r, 2) || '0000000') FILTER (WHERE r IS NOT NULL), '{}'),
                    (SELECT count(*)::int FROM call_assignments a JOIN call_applications x ON x.id = a.application_id
                     WHERE a.person_id = p.id AND x.call_id = $1)
                FROM call_reviewers cr
                JOIN people p ON p.id = cr.person_id
                LEFT JOIN memberships m ON m.person_id = p.id
                LEFT JOIN organizations o ON o.id = m.organization_id
                LEFT JOIN LATERAL unnest(o.regions) AS r ON true
                WHERE cr.call_id = $1
                GROUP BY p.id, p.display_name, p.email, cr.added_at
                ORDER BY cr.added_at, p.id
                """,
                [call]
            ).rows.map { row in
                CallReviewer(
                    personID: try row.decode(UUID.self, at: 0), name: try row.decode(String.self, at: 1), email: try row.decode(String.self, at: 2),
                    organizations: Set(try row.decode([UUID].self, at: 3)), regions: Set(try row.decode([String].self, at: 4)),
                    load: try row.decode(Int.self, at: 5)
                )
            }
        }
    }

    /// The organizations an application's reviewer may not belong to (see `ReviewConflict`), read
    /// on `connection` so that an assignment is judged on what its transaction sees.
    static func conflictParties(of application: CallApplication, call: Call, on connection: Connection) throws -> ReviewConflict.Parties {
        let project = try connection.query("SELECT focus_areas, regions FROM projects WHERE id = $1", [application.draft.projectID]).first
        let focusAreas = try project?.decode([String].self, at: 0) ?? []
        let regions = try project?.decode([String].self, at: 1) ?? []
        let earmarked = try connection.query(
            """
            SELECT id, call_id, business_id, amount_kzt, earmark_focus_areas, earmark_places, created_at, withdrawn_at FROM call_pledges
            WHERE call_id = $1 AND withdrawn_at IS NULL AND (cardinality(earmark_focus_areas) > 0 OR cardinality(earmark_places) > 0)
            """,
            [call.id]
        ).rows.map(decodePledge).filter { $0.admits(focusAreas: focusAreas, regions: regions) }.map(\.businessID)
        let partners = try connection.query(
            """
            SELECT DISTINCT party FROM partnerships x
            CROSS JOIN LATERAL unnest(ARRAY[x.business_id, x.government_body_id]) AS party
            WHERE x.ngo_id = $1 AND x.state IN ('approved', 'active', 'completed') AND party IS DISTINCT FROM $2
            """,
            [application.ngoID, call.governmentBodyID]
        ).rows.map { try $0.decode(UUID.self, at: 0) }
        return ReviewConflict.Parties(applicant: application.ngoID, earmarkedCoFunders: Set(earmarked), pastPartners: Set(partners))
    }

    /// Every conflict between a person and an application, as the database stands.
    static func conflicts(of person: UUID, with application: CallApplication, call: Call, on connection: Connection) throws -> [ReviewConflict] {
        let organizations = Set(try connection.query("SELECT organization_id FROM memberships WHERE person_id = $1", [person]).rows.map {
            try $0.decode(UUID.self, at: 0)
        })
        let declared = try connection.query(
            "SELECT 1 FROM call_declared_conflicts WHERE application_id = $1 AND person_id = $2", [application.id, person]
        ).first != nil
        return ReviewConflict.between(reviewerOrganizations: organizations, declared: declared, and: try conflictParties(of: application, call: call, on: connection))
    }

    /// Every (application, reviewer) pair of the call's submitted applications and its pool that
    /// has a conflict: what automatic assignment must avoid. The same rules as `conflicts(of:with:)`,
    /// read in a few statements for the whole call rather than per pair.
    public func conflictedPairs(of call: UUID) async throws -> [UUID: Set<UUID>] {
        try await pool.withConnection { connection in
            let found = try Self.find(call, on: connection)
            let reviewers = try connection.query(
                """
                SELECT cr.person_id, coalesce(array_agg(m.organization_id) FILTER (WHERE m.organization_id IS NOT NULL), '{}')
                FROM call_reviewers cr LEFT JOIN memberships m ON m.person_id = cr.person_id
                WHERE cr.call_id = $1 GROUP BY cr.person_id
                """,
                [call]
            ).rows.map { (person: try $0.decode(UUID.self, at: 0), organizations: Set(try $0.decode([UUID].self, at: 1))) }
            var declared: Set<String> = []
            for row in try connection.query(
                """
                SELECT d.application_id, d.person_id FROM call_declared_conflicts d
                JOIN call_applications a ON a.id = d.application_id WHERE a.call_id = $1
                """,
                [call]
            ).rows {
                declared.insert("\(try row.decode(UUID.self, at: 0))|\(try row.decode(UUID.self, at: 1))")
            }
            let applications = try connection.query(
                """
                SELECT a.id, a.ngo_id, p.focus_areas, p.regions FROM call_applications a JOIN projects p ON p.id = a.project_id
                WHERE a.call_id = $1 AND a.state = 'submitted'
                """,
                [call]
            ).rows.map { row in
                (id: try row.decode(UUID.self, at: 0), ngo: try row.decode(UUID.self, at: 1),
                 focusAreas: try row.decode([String].self, at: 2), regions: try row.decode([String].self, at: 3))
            }
            let earmarked = try connection.query(
                """
                \(Self.pledgeColumns)
                WHERE call_id = $1 AND withdrawn_at IS NULL AND (cardinality(earmark_focus_areas) > 0 OR cardinality(earmark_places) > 0)
                """,
                [call]
            ).rows.map(Self.decodePledge)
            var partners: [UUID: Set<UUID>] = [:]
            for row in try connection.query(
                """
                SELECT x.ngo_id, array_agg(DISTINCT party) FROM partnerships x
                CROSS JOIN LATERAL unnest(ARRAY[x.business_id, x.government_body_id]) AS party
                WHERE x.ngo_id = ANY ($1::uuid[]) AND x.state IN ('approved', 'active', 'completed') AND party IS DISTINCT FROM $2
                GROUP BY x.ngo_id
                """,
                [Array(Set(applications.map(\.ngo))), found.governmentBodyID]
            ).rows {
                partners[try row.decode(UUID.self, at: 0)] = Set(try row.decode([UUID].self, at: 1))
            }
            var conflicted: [UUID: Set<UUID>] = [:]
            for application in applications {
                let parties = ReviewConflict.Parties(
                    applicant: application.ngo,
                    earmarkedCoFunders: Set(earmarked.filter { $0.admits(focusAreas: application.focusAreas, regions: application.regions) }.map(\.businessID)),
                    pastPartners: partners[application.ngo] ?? []
                )
                for reviewer in reviewers where !ReviewConflict.between(
                    reviewerOrganizations: reviewer.organizations, declared: declared.contains("\(application.id)|\(reviewer.person)"), and: parties
                ).isEmpty {
                    conflicted[application.id, default: []].insert(reviewer.person)
                }
            }
            return conflicted
        }
    }

    /// Assigns each (application, person) pair once `check` accepts it, given the call, the
    /// application, whether the person is in the call's pool, whether every reviewer assigned so
    /// far has scored it, and the conflicts found, all read in the same transaction, the
    /// applications locked against a concurrent change.
    public func assign(
        _ pairs: [(application: UUID, person: UUID)], automatic: Bool,
        check: @escaping @Sendable (Call, CallApplication, _ inPool: Bool, _ reviewsComplete: Bool, [ReviewConflict]) throws -> Void
    ) async throws -> [CallAssignment] {
        try await pool.withTransaction { connection in
            var made: [CallAssignment] = []
            for pair in pairs {
                let (call, application) = try Self.lockCallAndApplication(pair.application, on: connection)
                let inPool = try connection.query(
                    "SELECT 1 FROM call_reviewers WHERE call_id = $1 AND person_id = $2", [call.id, pair.person]
                ).first != nil
                try check(
                    call, application, inPool, try Self.reviewsComplete(application.id, on: connection),
                    try Self.conflicts(of: pair.person, with: application, call: call, on: connection)
                )
                if let row = try connection.query(
                    """
                    INSERT INTO call_assignments (application_id, person_id, automatic) VALUES ($1, $2, $3)
                    ON CONFLICT DO NOTHING RETURNING assigned_at
                    """,
                    [pair.application, pair.person, automatic]
                ).first {
                    made.append(CallAssignment(applicationID: pair.application, personID: pair.person, automatic: automatic, assignedAt: try row.decode(Date.self, at: 0)))
                }
            }
            return made
        }
    }

    public func assignments(of call: UUID) async throws -> [CallAssignment] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT a.application_id, a.person_id, a.automatic, a.assigned_at FROM call_assignments a
                JOIN call_applications x ON x.id = a.application_id WHERE x.call_id = $1 ORDER BY a.assigned_at, a.application_id, a.person_id
                """,
                [call]
            ).rows.map { row in
                CallAssignment(
                    applicationID: try row.decode(UUID.self, at: 0), personID: try row.decode(UUID.self, at: 1),
                    automatic: try row.decode(Bool.self, at: 2), assignedAt: try row.decode(Date.self, at: 3)
                )
            }
        }
    }

    /// The reviewer declares a conflict with an application: recorded, and any assignment of theirs to it is undone.
    public func declareConflict(on application: UUID, by person: UUID, reason: String) async throws {
        try await pool.withTransaction { connection in
            // Under the application's lock, so an assignment or a review of it made meanwhile is seen.
            _ = try Self.lockCallAndApplication(application, on: connection)
            if try connection.query("SELECT 1 FROM call_reviews WHERE application_id = $1 AND person_id = $2", [application, person]).first != nil {
                throw DomainError.conflict(code: "already_reviewed", message: "You have scored this application; ask the call's government body to set your review aside.")
            }
            try connection.query(
                """
                INSERT INTO call_declared_conflicts (application_id, person_id, reason) VALUES ($1, $2, $3)
                ON CONFLICT (application_id, person_id) DO UPDATE SET reason = excluded.reason
                """,
                [application, person, reason]
            )
            try connection.query("DELETE FROM call_assignments WHERE application_id = $1 AND person_id = $2", [application, person])
        }
    }

    /// The top-level regions of each submitted application's project, for assigning local reviewers.
    public func applicationRegions(of call: UUID) async throws -> [UUID: Set<String>] {
        try await pool.withConnection { connection in
            var regions: [UUID: Set<String>] = [:]
            for row in try connection.query(
                """
                SELECT a.id, coalesce(array_agg(DISTINCT left(r, 2) || '0000000') FILTER (WHERE r IS NOT NULL), '{}')
                FROM call_applications a JOIN projects p ON p.id = a.project_id LEFT JOIN LATERAL unnest(p.regions) AS r ON true
                WHERE a.call_id = $1 AND a.state = 'submitted' GROUP BY a.id
                """,
                [call]
            ).rows {
                regions[try row.decode(UUID.self, at: 0)] = Set(try row.decode([String].self, at: 1))
            }
            return regions
        }
    }
}

/// One reviewer's scores of an application.
public struct CallReview: Sendable, Equatable {
    public let applicationID: UUID
    public let personID: UUID
    /// By criterion position.
    public let scores: [Int]
    public let total: Double
    public let comment: String
    public let submittedAt: Date
}

/// A moderator's score for an application whose reviewers disagreed.
public struct CallModeration: Sendable, Equatable {
    public let applicationID: UUID
    public let personID: UUID
    public let score: Double
    public let comment: String
    public let moderatedAt: Date
}

extension CallRepository {
    /// Records (or, until every reviewer has scored, replaces) a reviewer's scores once `check`
    /// accepts them, given the call, the application, whether the person is assigned to it and
    /// whether all its reviews are in, read under the application's row lock.
    public func submitReview(
        of application: UUID, by person: UUID, scores: [Int], total: Double, comment: String,
        check: @escaping @Sendable (Call, CallApplication, _ assigned: Bool, _ complete: Bool) throws -> Void
    ) async throws -> CallReview {
        try await pool.withTransaction { connection in
            let (call, found) = try Self.lockCallAndApplication(application, on: connection)
            let assigned = try connection.query(
                "SELECT 1 FROM call_assignments WHERE application_id = $1 AND person_id = $2", [application, person]
            ).first != nil
            try check(call, found, assigned, try Self.reviewsComplete(application, on: connection))
            try connection.query(
                """
                INSERT INTO call_reviews (application_id, person_id, scores, total, comment) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (application_id, person_id) DO UPDATE
                SET scores = excluded.scores, total = excluded.total, comment = excluded.comment, submitted_at = clock_timestamp()
                """,
                [application, person, scores, total, comment]
            )
            return try Self.reviews(of: application, on: connection).first { $0.personID == person }!
        }
    }

    /// An application's reviews, and whether every reviewer assigned to it has scored it.
    public func reviews(of application: UUID) async throws -> (reviews: [CallReview], complete: Bool) {
        try await pool.withConnection { connection in
            (try Self.reviews(of: application, on: connection), try Self.reviewsComplete(application, on: connection))
        }
    }

    static func reviews(of application: UUID, on connection: Connection) throws -> [CallReview] {
        try connection.query(
            """
            SELECT application_id, person_id, scores::int[], total, comment, submitted_at FROM call_reviews
            WHERE application_id = $1 ORDER BY submitted_at, person_id
            """,
            [application]
        ).rows.map { row in
            CallReview(
                applicationID: try row.decode(UUID.self, at: 0), personID: try row.decode(UUID.self, at: 1), scores: try row.decode([Int].self, at: 2),
                total: try row.decode(Double.self, at: 3), comment: try row.decode(String.self, at: 4), submittedAt: try row.decode(Date.self, at: 5)
            )
        }
    }

    /// Every assigned reviewer of the application has scored it.
    static func reviewsComplete(_ application: UUID, on connection: Connection) throws -> Bool {
        try connection.query(
            """
            SELECT count(*) > 0 AND count(*) = count(r.person_id) FROM call_assignments a
            LEFT JOIN call_reviews r ON r.application_id = a.application_id AND r.person_id = a.person_id
            WHERE a.application_id = $1
            """,
            [application]
        ).first?.decode(Bool.self, at: 0) ?? false
    }

    /// Each submitted application's totals, how many reviews were asked for, and its moderation.
    public func scores(of call: UUID) async throws -> [UUID: ApplicationScore] {
        try await pool.withConnection { connection in
            var scores: [UUID: ApplicationScore] = [:]
            for row in try connection.query(
                """
                SELECT x.id,
                    coalesce((SELECT array_agg(r.total ORDER BY r.total) FROM call_reviews r WHERE r.application_id = x.id), '{}'),
                    (SELECT count(*)::int FROM call_assignments a WHERE a.application_id = x.id),
                    (SELECT m.score FROM call_moderations m WHERE m.application_id = x.id)
                FROM call_applications x WHERE x.call_id = $1 AND x.state = 'submitted'
                """,
                [call]
            ).rows {
                scores[try row.decode(UUID.self, at: 0)] = ApplicationScore(
                    totals: try row.decode([Double].self, at: 1), expected: try row.decode(Int.self, at: 2), moderated: try row.decode(Double?.self, at: 3)
                )
            }
            return scores
        }
    }

    /// Records a moderator's score once `check` accepts it, given the call and the application's
    /// score as the reviews stand, under the application's row lock.
    public func moderate(
        _ application: UUID, by person: UUID, score: Double, comment: String,
        check: @escaping @Sendable (Call, ApplicationScore) throws -> Void
    ) async throws -> CallModeration {
        try await pool.withTransaction { connection in
            let (call, found) = try Self.lockCallAndApplication(application, on: connection)
            let row = try connection.query(
                """
                SELECT coalesce((SELECT array_agg(total) FROM call_reviews WHERE application_id = $1), '{}'),
                    (SELECT count(*)::int FROM call_assignments WHERE application_id = $1),
                    (SELECT score FROM call_moderations WHERE application_id = $1)
                """,
                [application]
            ).rows[0]
            try check(call, ApplicationScore(
                totals: try row.decode([Double].self, at: 0), expected: try row.decode(Int.self, at: 1), moderated: try row.decode(Double?.self, at: 2)
            ))
            let made = try connection.query(
                """
                INSERT INTO call_moderations (application_id, person_id, score, comment) VALUES ($1, $2, $3, $4)
                RETURNING moderated_at
                """,
                [application, person, score, comment]
            ).rows[0]
            return CallModeration(applicationID: application, personID: person, score: score, comment: comment, moderatedAt: try made.decode(Date.self, at: 0))
        }
    }

    /// The applications a person is assigned to, across calls, with whether they have scored each.
    public func assignments(ofPerson person: UUID) async throws -> [(assignment: CallAssignment, reviewed: Bool)] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT a.application_id, a.person_id, a.automatic, a.assigned_at, r.person_id IS NOT NULL
                FROM call_assignments a LEFT JOIN call_reviews r ON r.application_id = a.application_id AND r.person_id = a.person_id
                WHERE a.person_id = $1 ORDER BY a.assigned_at DESC, a.application_id
                """,
                [person]
            ).rows.map { row in
                (CallAssignment(
                    applicationID: try row.decode(UUID.self, at: 0), personID: try row.decode(UUID.self, at: 1),
                    automatic: try row.decode(Bool.self, at: 2), assignedAt: try row.decode(Date.self, at: 3)
                ), try row.decode(Bool.self, at: 4))
            }
        }
    }
}
