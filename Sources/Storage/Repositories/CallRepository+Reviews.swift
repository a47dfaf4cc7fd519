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
            // Each reviewer's load counted once for the whole call, not in a subquery per reviewer:
            // estimated per row, that subquery made the plan look costly enough for PostgreSQL's
            // JIT, which took longer than the query.
            try connection.query(
                """
                SELECT p.id, p.display_name, p.email,
                    coalesce((SELECT array_agg(DISTINCT m.organization_id) FROM memberships m WHERE m.person_id = p.id), '{}'),
                    coalesce((SELECT array_agg(DISTINCT left(r, 2) || '0000000') FROM memberships m
                              JOIN organizations o ON o.id = m.organization_id CROSS JOIN LATERAL unnest(o.regions) AS r
                              WHERE m.person_id = p.id), '{}'),
                    coalesce(l.load, 0)
                FROM call_reviewers cr
                JOIN people p ON p.id = cr.person_id
                LEFT JOIN (
                    SELECT a.person_id, count(*)::int AS load FROM call_assignments a JOIN call_applications x ON x.id = a.application_id
                    WHERE x.call_id = $1 GROUP BY a.person_id
                ) l ON l.person_id = p.id
                WHERE cr.call_id = $1
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

    /// What the conflict-of-interest rules (`ReviewConflict`) are judged on for some applications
    /// and some people, read on `connection` in a few statements whatever their number, so that
    /// an assignment is judged on what its transaction sees.
    struct ConflictFacts {
        struct Subject {
            let id: UUID
            let ngo: UUID
            let project: UUID
            let call: UUID
            let governmentBody: UUID
        }

        /// Each person's organizations.
        let organizations: [UUID: Set<UUID>]
        /// The people read who belong to each organization.
        let members: [UUID: [UUID]]
        /// Who declared a conflict with each application.
        let declared: [UUID: Set<UUID>]
        /// The organizations each application's reviewer may not belong to.
        let parties: [UUID: ReviewConflict.Parties]

        init(of subjects: [Subject], people: [UUID], on connection: Connection) throws {
            var organizations: [UUID: Set<UUID>] = [:]
            var members: [UUID: [UUID]] = [:]
            for row in try connection.query(
                "SELECT person_id, organization_id FROM memberships WHERE person_id = ANY ($1::uuid[]) ORDER BY person_id, organization_id", [people]
            ).rows {
                let (person, organization) = (try row.decode(UUID.self, at: 0), try row.decode(UUID.self, at: 1))
                organizations[person, default: []].insert(organization)
                members[organization, default: []].append(person)
            }
            var declared: [UUID: Set<UUID>] = [:]
            for row in try connection.query(
                "SELECT application_id, person_id FROM call_declared_conflicts WHERE application_id = ANY ($1::uuid[]) AND person_id = ANY ($2::uuid[])",
                [subjects.map(\.id), people]
            ).rows {
                declared[try row.decode(UUID.self, at: 0), default: []].insert(try row.decode(UUID.self, at: 1))
            }
            var projects: [UUID: (focusAreas: [String], regions: [String])] = [:]
            for row in try connection.query("SELECT id, focus_areas, regions FROM projects WHERE id = ANY ($1::uuid[])", [Array(Set(subjects.map(\.project)))]).rows {
                projects[try row.decode(UUID.self, at: 0)] = (try row.decode([String].self, at: 1), try row.decode([String].self, at: 2))
            }
            let earmarked = Dictionary(grouping: try connection.query(
                """
                \(CallRepository.pledgeColumns)
                WHERE call_id = ANY ($1::uuid[]) AND withdrawn_at IS NULL AND (cardinality(earmark_focus_areas) > 0 OR cardinality(earmark_places) > 0)
                """,
                [Array(Set(subjects.map(\.call)))]
            ).rows.map(CallRepository.decodePledge), by: \.callID)
            // Past partners of each NGO; the call's own government body is left out below, per application.
            var partners: [UUID: Set<UUID>] = [:]
            for row in try connection.query(
                """
                SELECT DISTINCT x.ngo_id, party FROM partnerships x
                CROSS JOIN LATERAL unnest(partnership_parties(x.id)) AS party
                WHERE x.ngo_id = ANY ($1::uuid[]) AND x.state IN ('approved', 'active', 'completed') AND party <> x.ngo_id
                """,
                [Array(Set(subjects.map(\.ngo)))]
            ).rows {
                partners[try row.decode(UUID.self, at: 0), default: []].insert(try row.decode(UUID.self, at: 1))
            }
            var parties: [UUID: ReviewConflict.Parties] = [:]
            for subject in subjects where parties[subject.id] == nil {
                let project = projects[subject.project] ?? ([], [])
                parties[subject.id] = ReviewConflict.Parties(
                    applicant: subject.ngo,
                    earmarkedCoFunders: Set((earmarked[subject.call] ?? []).filter { $0.admits(focusAreas: project.focusAreas, regions: project.regions) }.map(\.businessID)),
                    pastPartners: (partners[subject.ngo] ?? []).subtracting([subject.governmentBody])
                )
            }
            self.organizations = organizations
            self.members = members
            self.declared = declared
            self.parties = parties
        }

        /// Every conflict between a person read and an application read.
        func conflicts(of person: UUID, with application: UUID) -> [ReviewConflict] {
            guard let parties = parties[application] else { return [] }
            return ReviewConflict.between(
                reviewerOrganizations: organizations[person] ?? [], declared: declared[application]?.contains(person) ?? false, and: parties
            )
        }

        /// The people read who have a conflict with the application: only someone who belongs to
        /// one of its parties, or declared one, can have one.
        func conflicted(with application: UUID) -> Set<UUID> {
            guard let parties = parties[application] else { return [] }
            var candidates = declared[application] ?? []
            for organization in [parties.applicant] + parties.earmarkedCoFunders + parties.pastPartners {
                candidates.formUnion(members[organization] ?? [])
            }
            return candidates.filter { !conflicts(of: $0, with: application).isEmpty }
        }
    }

    /// Every (application, reviewer) pair of the call's submitted applications and its pool that
    /// has a conflict: what automatic assignment must avoid. The same facts as `assign` judges a
    /// pair on, read in a few statements for the whole call.
    public func conflictedPairs(of call: UUID) async throws -> [UUID: Set<UUID>] {
        try await pool.withConnection { connection in
            let found = try Self.find(call, on: connection)
            let reviewers = try connection.query("SELECT person_id FROM call_reviewers WHERE call_id = $1", [call]).rows.map { try $0.decode(UUID.self, at: 0) }
            let subjects = try connection.query(
                "SELECT id, ngo_id, project_id FROM call_applications WHERE call_id = $1 AND state = 'submitted'", [call]
            ).rows.map { row in
                ConflictFacts.Subject(
                    id: try row.decode(UUID.self, at: 0), ngo: try row.decode(UUID.self, at: 1), project: try row.decode(UUID.self, at: 2),
                    call: call, governmentBody: found.governmentBodyID
                )
            }
            let facts = try ConflictFacts(of: subjects, people: reviewers, on: connection)
            var conflicted: [UUID: Set<UUID>] = [:]
            for subject in subjects {
                let people = facts.conflicted(with: subject.id)
                if !people.isEmpty { conflicted[subject.id] = people }
            }
            return conflicted
        }
    }

    /// Assigns each (application, person) pair once `check` accepts it, given the call, the
    /// application, whether the person is in the call's pool, whether every reviewer assigned so
    /// far has scored it, and the conflicts found, all read in the same transaction, the
    /// applications locked against a concurrent change. Pairs are judged in order, each as if
    /// the pairs before it had been inserted; the first refusal undoes them all. A batch's reads
    /// and its insert are a few statements whatever its size.
    public func assign(
        _ pairs: [(application: UUID, person: UUID)], automatic: Bool,
        check: @escaping @Sendable (Call, CallApplicationSummary, _ inPool: Bool, _ reviewsComplete: Bool, [ReviewConflict]) throws -> Void
    ) async throws -> [CallAssignment] {
        try await pool.withTransaction { connection in
            guard !pairs.isEmpty else { return [] }
            let applicationIDs = Array(Set(pairs.map(\.application)))
            let people = Array(Set(pairs.map(\.person)))
            // Locked as `lockCallAndApplication` locks one: the calls first (FOR SHARE), then the
            // applications (FOR UPDATE), each in id order.
            var calls: [UUID: Call] = [:]
            for row in try connection.query(
                "SELECT DISTINCT call_id FROM call_applications WHERE id = ANY ($1::uuid[]) ORDER BY call_id", [applicationIDs]
            ).rows {
                let id = try row.decode(UUID.self, at: 0)
                calls[id] = try Self.find(id, on: connection, share: true)
            }
            var applications: [UUID: CallApplicationSummary] = [:]
            for row in try connection.query("\(Self.summaryColumns) WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id FOR UPDATE OF a", [applicationIDs]).rows {
                let application = try Self.decodeSummary(row)
                applications[application.id] = application
            }
            var inPool: [UUID: Set<UUID>] = [:]
            for row in try connection.query(
                "SELECT call_id, person_id FROM call_reviewers WHERE call_id = ANY ($1::uuid[]) AND person_id = ANY ($2::uuid[])", [Array(calls.keys), people]
            ).rows {
                inPool[try row.decode(UUID.self, at: 0), default: []].insert(try row.decode(UUID.self, at: 1))
            }
            // Each application's reviewers so far and whether they have scored it (see `reviewsComplete`).
            var reviewers: [UUID: [UUID: Bool]] = [:]
            for row in try connection.query(
                """
                SELECT a.application_id, a.person_id, r.person_id IS NOT NULL FROM call_assignments a
                LEFT JOIN call_reviews r ON r.application_id = a.application_id AND r.person_id = a.person_id
                WHERE a.application_id = ANY ($1::uuid[])
                """,
                [applicationIDs]
            ).rows {
                reviewers[try row.decode(UUID.self, at: 0), default: [:]][try row.decode(UUID.self, at: 1)] = try row.decode(Bool.self, at: 2)
            }
            let facts = try ConflictFacts(
                of: applications.values.compactMap { application in
                    calls[application.callID].map {
                        ConflictFacts.Subject(id: application.id, ngo: application.ngoID, project: application.projectID, call: $0.id, governmentBody: $0.governmentBodyID)
                    }
                },
                people: people, on: connection
            )
            for pair in pairs {
                guard let application = applications[pair.application], let call = calls[application.callID] else {
                    throw DomainError.notFound(resource: "application")
                }
                let assigned = reviewers[application.id] ?? [:]
                let complete = !assigned.isEmpty && assigned.values.allSatisfy { $0 }
                try check(call, application, inPool[call.id]?.contains(pair.person) ?? false, complete, facts.conflicts(of: pair.person, with: application.id))
                // As the insert below will have it for the pairs after this one.
                if assigned[pair.person] == nil { reviewers[application.id, default: [:]][pair.person] = false }
            }
            struct Key: Hashable {
                let application: UUID
                let person: UUID
            }
            var inserted: [Key: Date] = [:]
            for row in try connection.reusingPlans({
                try connection.query(
                    """
                    INSERT INTO call_assignments (application_id, person_id, automatic)
                    SELECT a, p, $3::boolean FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(a, p, o) ORDER BY o
                    ON CONFLICT DO NOTHING RETURNING application_id, person_id, assigned_at
                    """,
                    [pairs.map(\.application), pairs.map(\.person), automatic]
                )
            }).rows {
                inserted[Key(application: try row.decode(UUID.self, at: 0), person: try row.decode(UUID.self, at: 1))] = try row.decode(Date.self, at: 2)
            }
            return pairs.compactMap { pair in
                inserted.removeValue(forKey: Key(application: pair.application, person: pair.person)).map {
                    CallAssignment(applicationID: pair.application, personID: pair.person, automatic: automatic, assignedAt: $0)
                }
            }
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
    /// Who moderated: a person of the call's body through the pages; nil through the body's API token.
    public let personID: UUID?
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
            // Reviews and assignments grouped once for the call, not looked up for each application.
            for row in try connection.query(
                """
                SELECT x.id, coalesce(r.totals, '{}'), coalesce(a.assigned, 0), m.score
                FROM call_applications x
                LEFT JOIN (
                    SELECT r.application_id, array_agg(r.total ORDER BY r.total) AS totals FROM call_reviews r
                    JOIN call_applications y ON y.id = r.application_id WHERE y.call_id = $1 GROUP BY r.application_id
                ) r ON r.application_id = x.id
                LEFT JOIN (
                    SELECT a.application_id, count(*)::int AS assigned FROM call_assignments a
                    JOIN call_applications y ON y.id = a.application_id WHERE y.call_id = $1 GROUP BY a.application_id
                ) a ON a.application_id = x.id
                LEFT JOIN call_moderations m ON m.application_id = x.id
                WHERE x.call_id = $1 AND x.state = 'submitted'
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
        _ application: UUID, by person: UUID?, score: Double, comment: String,
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
                INSERT INTO call_moderations (application_id, person_id, score, comment, organization_id) VALUES ($1, $2, $3, $4, $5)
                RETURNING moderated_at
                """,
                [application, person, score, comment, call.governmentBodyID]
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
