import Domain
import Foundation
import Postgres

/// An application as assigning reviewers and allocating read it: what they judge and weigh,
/// without the answers and results framework.
public struct CallApplicationSummary: Sendable, Equatable {
    public let id: UUID
    public let callID: UUID
    public let ngoID: UUID
    public let projectID: UUID
    public let amountKZT: Int64
    public let state: CallApplicationState
    public let createdAt: Date
    public let submittedAt: Date?
}

/// Calls for proposals, the businesses' pledges to them and the NGOs' applications.
public struct CallRepository: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    // MARK: - Calls

    public func create(_ terms: CallTerms, by governmentBody: UUID) async throws -> Call {
        try await pool.withTransaction { connection in
            let id = try connection.query(
                "INSERT INTO calls (\(Self.termColumns), government_body_id) VALUES (\(Self.termPlaceholders), $24) RETURNING id",
                Self.termValues(terms) + [governmentBody]
            ).rows[0].decode(UUID.self, at: 0)
            try Self.replaceParts(of: id, terms, on: connection)
            return try Self.find(id, on: connection)
        }
    }

    /// Changes a draft's terms when `version` is still its version.
    public func update(_ id: UUID, to terms: CallTerms, ifMatch: Set<Int>?, check: @escaping @Sendable (Call) throws -> Void) async throws -> Call {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            try check(current)
            if let ifMatch, !ifMatch.contains(current.version) { throw DomainError.preconditionFailed(currentVersion: current.version) }
            try connection.query(
                "UPDATE calls SET (\(Self.termColumns)) = (\(Self.termPlaceholders)), version = version + 1 WHERE id = $24",
                Self.termValues(terms) + [id]
            )
            try Self.replaceParts(of: id, terms, on: connection)
            return try Self.find(id, on: connection)
        }
    }

    /// Publishes a draft once `check` accepts it as it stands under the row lock.
    public func publish(_ id: UUID, ifMatch: Set<Int>?, check: @escaping @Sendable (Call) throws -> Void) async throws -> Call {
        try await pool.withTransaction { connection in
            let current = try Self.find(id, on: connection, lock: true)
            try check(current)
            if let ifMatch, !ifMatch.contains(current.version) { throw DomainError.preconditionFailed(currentVersion: current.version) }
            try connection.query(
                "UPDATE calls SET state = 'published', published_at = clock_timestamp(), version = version + 1 WHERE id = $1", [id]
            )
            return try Self.find(id, on: connection)
        }
    }

    public func find(_ id: UUID) async throws -> Call {
        try await pool.withConnection { try Self.find(id, on: $0) }
    }

    /// Published calls (of `governmentBody` when given), with the drafts of `draftsOf` (a government
    /// body's own) or every draft (`allDrafts`, for admins), the latest deadline first.
    public func list(governmentBody: UUID?, draftsOf: UUID?, allDrafts: Bool, limit: Int) async throws -> [Call] {
        try await pool.withConnection { connection in
            let ids = try connection.query(
                """
                SELECT id FROM calls
                WHERE ($1::uuid IS NULL OR government_body_id = $1)
                  AND (state <> 'draft' OR government_body_id = $2::uuid OR $3::bool)
                ORDER BY closes_at DESC, id LIMIT $4
                """,
                [governmentBody, draftsOf, allDrafts, limit]
            ).rows.map { try $0.decode(UUID.self, at: 0) }
            return try Self.find(ids, on: connection)
        }
    }

    // MARK: - Pledges

    /// Records a business's pledge; the database refuses one its budget cannot cover
    /// (`call_pledges_within_budget`), reported on `amount_kzt` with what is left.
    public func pledge(
        to call: UUID, by business: UUID, amountKZT: Int64, focusAreas: [String], places: [String],
        check: @escaping @Sendable (Call) throws -> Void
    ) async throws -> CallPledge {
        try await pool.withTransaction { connection in
            try check(try Self.find(call, on: connection, share: true))
            // The lock the trigger takes, first and on its own: a statement's snapshot predates its
            // wait for a lock, so only the next statement sees what the holder committed.
            try connection.query("SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE", [business])
            let left = try connection.query(
                "SELECT coalesce(annual_csr_budget_kzt, 0) - business_commitments_kzt(id, NULL, NULL) FROM organizations WHERE id = $1",
                [business]
            ).first?.decode(Int64.self, at: 0) ?? 0
            guard amountKZT <= left else {
                throw DomainError.invalid([FieldIssue(
                    field: "amount_kzt", code: "over_budget",
                    message: "The pledge exceeds what is left of the business's declared budget: \(max(0, left)) KZT."
                )])
            }
            let id = try connection.query(
                """
                INSERT INTO call_pledges (call_id, business_id, amount_kzt, earmark_focus_areas, earmark_places)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """,
                [call, business, amountKZT, focusAreas, places]
            ).rows[0].decode(UUID.self, at: 0)
            return try Self.pledge(id, on: connection)
        }
    }

    public func pledges(of call: UUID) async throws -> [CallPledge] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.pledgeColumns) WHERE call_id = $1 ORDER BY created_at, id", [call]).rows.map(Self.decodePledge)
        }
    }

    public func findPledge(_ id: UUID) async throws -> CallPledge {
        try await pool.withConnection { try Self.pledge(id, on: $0) }
    }

    /// Withdraws a live pledge while `check` (given the call) allows it.
    public func withdrawPledge(_ id: UUID, check: @escaping @Sendable (Call, CallPledge) throws -> Void) async throws -> CallPledge {
        try await pool.withTransaction { connection in
            let (call, pledge) = try Self.lockCallAndPledge(id, on: connection)
            try check(call, pledge)
            try connection.query("UPDATE call_pledges SET withdrawn_at = clock_timestamp() WHERE id = $1 AND withdrawn_at IS NULL", [id])
            return try Self.pledge(id, on: connection)
        }
    }

    // MARK: - Applications

    /// A new draft application of `ngo`'s; one per project and call.
    public func apply(to call: UUID, by ngo: UUID, _ draft: CallApplicationDraft, check: @escaping @Sendable (Call) throws -> Void) async throws -> CallApplication {
        try await pool.withTransaction { connection in
            try check(try Self.find(call, on: connection, share: true))
            let id: UUID
            do {
                id = try connection.query(
                    """
                    INSERT INTO call_applications (call_id, ngo_id, project_id, amount_kzt, indicators, reporting_period_days)
                    VALUES ($1, $2, $3, $4, \(Self.indicatorsJSON(from: 5)), $9) RETURNING id
                    """,
                    [call, ngo, draft.projectID, draft.amountKZT] + Self.indicatorValues(draft.framework) + [draft.framework.reportingPeriodDays]
                ).rows[0].decode(UUID.self, at: 0)
            } catch let error as PostgresError where error.isUniqueViolation {
                throw DomainError.conflict(code: "already_applied", message: "This project has an application to this call already; change that one.")
            }
            try Self.replaceAnswers(of: id, draft.answers, on: connection)
            return try Self.application(id, on: connection)
        }
    }

    /// Changes an application under its row lock once `check` accepts the call and the application as they stand.
    public func updateApplication(
        _ id: UUID, to draft: CallApplicationDraft, ifMatch: Set<Int>?, check: @escaping @Sendable (Call, CallApplication) throws -> Void
    ) async throws -> CallApplication {
        try await pool.withTransaction { connection in
            let (call, current) = try Self.lockCallAndApplication(id, on: connection)
            try check(call, current)
            if let ifMatch, !ifMatch.contains(current.version) { throw DomainError.preconditionFailed(currentVersion: current.version) }
            try connection.query(
                """
                UPDATE call_applications SET amount_kzt = $2, indicators = \(Self.indicatorsJSON(from: 3)), reporting_period_days = $7,
                    version = version + 1, updated_at = clock_timestamp()
                WHERE id = $1
                """,
                [id, draft.amountKZT] + Self.indicatorValues(draft.framework) + [draft.framework.reportingPeriodDays]
            )
            try Self.replaceAnswers(of: id, draft.answers, on: connection)
            return try Self.application(id, on: connection)
        }
    }

    /// Moves an application to `state` once `check` accepts it, given the call and what the
    /// eligibility rules are judged on, read under the application's row lock.
    public func setApplicationState(
        _ id: UUID, to state: CallApplicationState, ifMatch: Set<Int>?, now: Date, graceDays: Int,
        check: @escaping @Sendable (Call, CallApplication, CallEligibility.Applicant) throws -> Void
    ) async throws -> CallApplication {
        try await pool.withTransaction { connection in
            let (call, current) = try Self.lockCallAndApplication(id, on: connection)
            try check(call, current, try Self.applicant(current.ngoID, project: current.draft.projectID, now: now, graceDays: graceDays, on: connection))
            if let ifMatch, !ifMatch.contains(current.version) { throw DomainError.preconditionFailed(currentVersion: current.version) }
            try connection.query(
                """
                UPDATE call_applications SET state = $2, version = version + 1, updated_at = clock_timestamp(),
                    submitted_at = CASE WHEN $2 = 'submitted' THEN clock_timestamp() ELSE submitted_at END
                WHERE id = $1
                """,
                [id, state.rawValue]
            )
            return try Self.application(id, on: connection)
        }
    }

    public func findApplication(_ id: UUID) async throws -> CallApplication {
        try await pool.withConnection { try Self.application(id, on: $0) }
    }

    /// The applications with these ids, by id, in one statement.
    public func findApplications(_ ids: [UUID]) async throws -> [UUID: CallApplication] {
        try await pool.withConnection { connection in
            let found = try connection.query("\(Self.applicationColumns) WHERE a.id = ANY ($1::uuid[])", [ids]).rows.map(Self.decodeApplication)
            return Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
        }
    }

    /// The calls with these ids, by id, in three statements.
    public func find(_ ids: [UUID]) async throws -> [UUID: Call] {
        try await pool.withConnection { connection in
            Dictionary(uniqueKeysWithValues: try Self.find(ids, on: connection).map { ($0.id, $0) })
        }
    }

    /// A call's applications (those never submitted only when `includingDrafts`), oldest first.
    public func applications(of call: UUID, includingDrafts: Bool) async throws -> [CallApplication] {
        try await pool.withConnection { connection in
            try connection.query(
                "\(Self.applicationColumns) WHERE a.call_id = $1 AND (a.submitted_at IS NOT NULL OR $2) ORDER BY a.created_at, a.id", [call, includingDrafts]
            ).rows.map { try Self.decodeApplication($0) }
        }
    }

    /// A call's submitted applications without their answers and results frameworks, which
    /// allocating does not read: read whole, 5,000 applications took ten times as long, measured.
    public func submittedApplications(of call: UUID) async throws -> [CallApplicationSummary] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.summaryColumns) WHERE a.call_id = $1 AND a.state = 'submitted'", [call]).rows.map(Self.decodeSummary)
        }
    }

    /// An NGO's applications to every call, newest first.
    public func applications(ofNGO ngo: UUID) async throws -> [CallApplication] {
        try await pool.withConnection { connection in
            try connection.query("\(Self.applicationColumns) WHERE a.ngo_id = $1 ORDER BY a.created_at DESC, a.id", [ngo])
                .rows.map { try Self.decodeApplication($0) }
        }
    }

    /// Who owns a project and its status; nil when there is no such project.
    public func project(_ id: UUID) async throws -> (owner: UUID, status: ProjectStatus)? {
        try await pool.withConnection { connection in
            try connection.query("SELECT organization_id, status FROM projects WHERE id = $1", [id]).first.map { row in
                (try row.decode(UUID.self, at: 0), ProjectStatus(rawValue: try row.decode(String.self, at: 1)) ?? .draft)
            }
        }
    }

    static func applicant(_ ngo: UUID, project: UUID, now: Date, graceDays: Int, on connection: Connection) throws -> CallEligibility.Applicant {
        guard let row = try connection.query(
            """
            SELECT o.verification, o.nationwide, o.regions, o.founded_year,
                (SELECT count(*)::int FROM partnerships x
                 WHERE x.ngo_id = o.id AND x.state = 'active' AND partnership_report_due(x) + make_interval(days => $3) < $4),
                coalesce((SELECT regions FROM projects WHERE id = $2), '{}')
            FROM organizations o WHERE o.id = $1
            """,
            [ngo, project, Int64(graceDays), now]
        ).first else { throw DomainError.notFound(resource: "organization") }
        return CallEligibility.Applicant(
            verification: Verification(rawValue: try row.decode(String.self, at: 0)) ?? .unverified,
            nationwide: try row.decode(Bool.self, at: 1), regions: try row.decode([String].self, at: 2),
            foundedYear: try row.decode(Int?.self, at: 3), overduePartnerships: try row.decode(Int.self, at: 4),
            projectRegions: try row.decode([String].self, at: 5)
        )
    }

    // MARK: - Rows

    static let termColumns = """
        title_kk, title_ru, title_en, description_kk, description_ru, description_en, focus_areas, territory,
        state_budget_kzt, min_grant_kzt, max_grant_kzt, partial_funding, verified_only, territory_only, min_years_active,
        no_overdue_reports, pass_mark, reviewers_per_application, moderation_spread, opens_at, closes_at, reviews_due_at, results_at
        """
    static let termPlaceholders = (1...23).map { "$\($0)" }.joined(separator: ", ")

    static func termValues(_ terms: CallTerms) -> [any PostgresEncodable] {
        let trimmed = { (text: String?) -> String? in
            let value = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return value.isEmpty ? nil : value
        }
        return [
            trimmed(terms.title.kk), trimmed(terms.title.ru), trimmed(terms.title.en),
            trimmed(terms.description.kk), trimmed(terms.description.ru), trimmed(terms.description.en),
            terms.focusAreas, terms.territory, terms.stateBudgetKZT, terms.minGrantKZT, terms.maxGrantKZT, terms.partialFunding,
            terms.eligibility.verifiedOnly, terms.eligibility.territoryOnly, terms.eligibility.minYearsActive, terms.eligibility.noOverdueReports,
            terms.passMark, terms.reviewersPerApplication, terms.moderationSpread, terms.opensAt, terms.closesAt, terms.reviewsDueAt, terms.resultsAt,
        ]
    }

    static func replaceParts(of id: UUID, _ terms: CallTerms, on connection: Connection) throws {
        let text = { (value: String?) -> String? in
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return trimmed.isEmpty ? nil : trimmed
        }
        try connection.query("DELETE FROM call_questions WHERE call_id = $1", [id])
        try connection.query("DELETE FROM call_criteria WHERE call_id = $1", [id])
        if !terms.questions.isEmpty {
            try connection.query(
                """
                INSERT INTO call_questions (call_id, position, text_kk, text_ru, text_en, max_length)
                SELECT $1, o, kk, ru, en, m FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS q(kk, ru, en, m, o)
                """,
                [id, terms.questions.map { text($0.text.kk) }, terms.questions.map { text($0.text.ru) },
                 terms.questions.map { text($0.text.en) }, terms.questions.map(\.maxLength)]
            )
        }
        if !terms.criteria.isEmpty {
            try connection.query(
                """
                INSERT INTO call_criteria (call_id, position, name_kk, name_ru, name_en, guidance_kk, guidance_ru, guidance_en, weight, scale_max)
                SELECT $1, o, nk, nr, ne, gk, gr, ge, w, s
                FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[])
                    WITH ORDINALITY AS c(nk, nr, ne, gk, gr, ge, w, s, o)
                """,
                [id, terms.criteria.map { text($0.name.kk) }, terms.criteria.map { text($0.name.ru) }, terms.criteria.map { text($0.name.en) },
                 terms.criteria.map { text($0.guidance.kk) }, terms.criteria.map { text($0.guidance.ru) }, terms.criteria.map { text($0.guidance.en) },
                 terms.criteria.map(\.weight), terms.criteria.map(\.scaleMax)]
            )
        }
    }

    /// The call (held FOR SHARE) and then the application (FOR UPDATE): every writer takes a
    /// call's rows in this order, the call first, so none waits in a circle with another (an
    /// allocation locks the call and then, through its foreign keys, the applications).
    static func lockCallAndApplication(_ id: UUID, on connection: Connection) throws -> (call: Call, application: CallApplication) {
        guard let callID = try connection.query("SELECT call_id FROM call_applications WHERE id = $1", [id]).first?.decode(UUID.self, at: 0) else {
            throw DomainError.notFound(resource: "application")
        }
        let call = try find(callID, on: connection, share: true)
        return (call, try application(id, on: connection, lock: true))
    }

    /// The call (FOR SHARE) and then the pledge (FOR UPDATE), in the order `lockCallAndApplication` explains.
    static func lockCallAndPledge(_ id: UUID, on connection: Connection) throws -> (call: Call, pledge: CallPledge) {
        guard let callID = try connection.query("SELECT call_id FROM call_pledges WHERE id = $1", [id]).first?.decode(UUID.self, at: 0) else {
            throw DomainError.notFound(resource: "pledge")
        }
        let call = try find(callID, on: connection, share: true)
        return (call, try pledge(id, on: connection, lock: true))
    }

    /// `share`: holds the call's row against a concurrent change of its state (publishing, award)
    /// until the transaction ends; `lock`: for changing it.
    static func find(_ id: UUID, on connection: Connection, lock: Bool = false, share: Bool = false) throws -> Call {
        let suffix = lock ? " FOR UPDATE" : share ? " FOR SHARE" : ""
        guard let row = try connection.query("\(callColumns) WHERE id = $1\(suffix)", [id]).first else {
            throw DomainError.notFound(resource: "call")
        }
        return try calls(from: [row], on: connection)[0]
    }

    /// The calls with these ids, in their order (an unknown id is left out): three statements
    /// whatever their number.
    static func find(_ ids: [UUID], on connection: Connection) throws -> [Call] {
        let rows = try connection.query("\(callColumns) WHERE id = ANY ($1::uuid[])", [ids]).rows
        let found = Dictionary(uniqueKeysWithValues: try calls(from: rows, on: connection).map { ($0.id, $0) })
        return ids.compactMap { found[$0] }
    }

    static let callColumns = "SELECT id, government_body_id, state, version, created_at, published_at, \(termColumns) FROM calls"

    /// Calls from rows of `callColumns`, with their questions and criteria read for all at once.
    static func calls(from rows: [Row], on connection: Connection) throws -> [Call] {
        let ids = try rows.map { try $0.decode(UUID.self, "id") }
        var questions: [UUID: [CallQuestion]] = [:]
        for row in try connection.query(
            "SELECT call_id, text_kk, text_ru, text_en, max_length FROM call_questions WHERE call_id = ANY ($1::uuid[]) ORDER BY call_id, position", [ids]
        ).rows {
            questions[try row.decode(UUID.self, at: 0), default: []].append(CallQuestion(
                text: LocalizedText(kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3)),
                maxLength: try row.decode(Int.self, at: 4)
            ))
        }
        var criteria: [UUID: [CallCriterion]] = [:]
        for row in try connection.query(
            """
            SELECT call_id, name_kk, name_ru, name_en, guidance_kk, guidance_ru, guidance_en, weight, scale_max
            FROM call_criteria WHERE call_id = ANY ($1::uuid[]) ORDER BY call_id, position
            """,
            [ids]
        ).rows {
            criteria[try row.decode(UUID.self, at: 0), default: []].append(CallCriterion(
                name: LocalizedText(kk: try row.decode(String?.self, at: 1), ru: try row.decode(String?.self, at: 2), en: try row.decode(String?.self, at: 3)),
                guidance: LocalizedText(kk: try row.decode(String?.self, at: 4), ru: try row.decode(String?.self, at: 5), en: try row.decode(String?.self, at: 6)),
                weight: try row.decode(Int.self, at: 7), scaleMax: try row.decode(Int.self, at: 8)
            ))
        }
        return try zip(ids, rows).map { id, row in
            let questions = questions[id] ?? []
            let criteria = criteria[id] ?? []
            let terms = CallTerms(
                title: LocalizedText(kk: try row.decode(String?.self, "title_kk"), ru: try row.decode(String?.self, "title_ru"), en: try row.decode(String?.self, "title_en")),
                description: LocalizedText(
                    kk: try row.decode(String?.self, "description_kk"), ru: try row.decode(String?.self, "description_ru"), en: try row.decode(String?.self, "description_en")
                ),
                focusAreas: try row.decode([String].self, "focus_areas"),
                territory: try row.decode(String?.self, "territory"),
                stateBudgetKZT: try row.decode(Int64.self, "state_budget_kzt"),
                minGrantKZT: try row.decode(Int64.self, "min_grant_kzt"),
                maxGrantKZT: try row.decode(Int64.self, "max_grant_kzt"),
                partialFunding: try row.decode(Bool.self, "partial_funding"),
                eligibility: CallEligibility(
                    verifiedOnly: try row.decode(Bool.self, "verified_only"), territoryOnly: try row.decode(Bool.self, "territory_only"),
                    minYearsActive: try row.decode(Int.self, "min_years_active"), noOverdueReports: try row.decode(Bool.self, "no_overdue_reports")
                ),
                passMark: try row.decode(Double.self, "pass_mark"),
                reviewersPerApplication: try row.decode(Int.self, "reviewers_per_application"),
                moderationSpread: try row.decode(Double.self, "moderation_spread"),
                opensAt: try row.decode(Date.self, "opens_at"), closesAt: try row.decode(Date.self, "closes_at"),
                reviewsDueAt: try row.decode(Date.self, "reviews_due_at"), resultsAt: try row.decode(Date.self, "results_at"),
                questions: questions, criteria: criteria
            )
            return Call(
                id: id, governmentBodyID: try row.decode(UUID.self, "government_body_id"), terms: terms,
                state: CallState(rawValue: try row.decode(String.self, "state")) ?? .draft, version: try row.decode(Int.self, "version"),
                createdAt: try row.decode(Date.self, "created_at"), publishedAt: try row.decode(Date?.self, "published_at")
            )
        }
    }

    static let pledgeColumns = """
        SELECT id, call_id, business_id, amount_kzt, earmark_focus_areas, earmark_places, created_at, withdrawn_at FROM call_pledges
        """

    static func pledge(_ id: UUID, on connection: Connection, lock: Bool = false) throws -> CallPledge {
        guard let row = try connection.query("\(pledgeColumns) WHERE id = $1\(lock ? " FOR UPDATE" : "")", [id]).first else {
            throw DomainError.notFound(resource: "pledge")
        }
        return try decodePledge(row)
    }

    static func decodePledge(_ row: Row) throws -> CallPledge {
        CallPledge(
            id: try row.decode(UUID.self, at: 0), callID: try row.decode(UUID.self, at: 1), businessID: try row.decode(UUID.self, at: 2),
            amountKZT: try row.decode(Int64.self, at: 3), earmarkFocusAreas: try row.decode([String].self, at: 4),
            earmarkPlaces: try row.decode([String].self, at: 5), createdAt: try row.decode(Date.self, at: 6), withdrawnAt: try row.decode(Date?.self, at: 7)
        )
    }

    /// `jsonb` of the indicators passed as four arrays from parameter `first` on (names, units, baselines, targets).
    static func indicatorsJSON(from first: Int) -> String {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object('name', n, 'unit', u, 'baseline', b, 'target', t) ORDER BY o), '[]')
         FROM unnest($\(first)::text[], $\(first + 1)::text[], $\(first + 2)::float8[], $\(first + 3)::float8[]) WITH ORDINALITY AS x(n, u, b, t, o))
        """
    }

    static func indicatorValues(_ framework: ResultsFramework) -> [any PostgresEncodable] {
        [framework.indicators.map { $0.name.trimmingCharacters(in: .whitespacesAndNewlines) },
         framework.indicators.map { $0.unit.trimmingCharacters(in: .whitespacesAndNewlines) },
         framework.indicators.map(\.baseline), framework.indicators.map(\.target)]
    }

    static func replaceAnswers(of id: UUID, _ answers: [String], on connection: Connection) throws {
        try connection.query("DELETE FROM call_answers WHERE application_id = $1", [id])
        guard !answers.isEmpty else { return }
        try connection.query(
            "INSERT INTO call_answers (application_id, position, answer) SELECT $1, o, a FROM unnest($2::text[]) WITH ORDINALITY AS x(a, o)",
            [id, answers]
        )
    }

    static let applicationColumns = """
        SELECT a.id, a.call_id, a.ngo_id, a.project_id, a.amount_kzt, a.reporting_period_days, a.state, a.version,
            a.created_at, a.updated_at, a.submitted_at,
            coalesce((SELECT array_agg(x->>'name' ORDER BY o) FROM jsonb_array_elements(a.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg(x->>'unit' ORDER BY o) FROM jsonb_array_elements(a.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg((x->>'baseline')::float8 ORDER BY o) FROM jsonb_array_elements(a.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg((x->>'target')::float8 ORDER BY o) FROM jsonb_array_elements(a.indicators) WITH ORDINALITY AS e(x, o)), '{}'),
            coalesce((SELECT array_agg(answer ORDER BY position) FROM call_answers WHERE application_id = a.id), '{}')
        FROM call_applications a
        """

    static let summaryColumns = "SELECT a.id, a.call_id, a.ngo_id, a.project_id, a.amount_kzt, a.state, a.created_at, a.submitted_at FROM call_applications a"

    static func decodeSummary(_ row: Row) throws -> CallApplicationSummary {
        CallApplicationSummary(
            id: try row.decode(UUID.self, at: 0), callID: try row.decode(UUID.self, at: 1), ngoID: try row.decode(UUID.self, at: 2),
            projectID: try row.decode(UUID.self, at: 3), amountKZT: try row.decode(Int64.self, at: 4),
            state: CallApplicationState(rawValue: try row.decode(String.self, at: 5)) ?? .draft,
            createdAt: try row.decode(Date.self, at: 6), submittedAt: try row.decode(Date?.self, at: 7)
        )
    }

    static func application(_ id: UUID, on connection: Connection, lock: Bool = false) throws -> CallApplication {
        guard let row = try connection.query("\(applicationColumns) WHERE a.id = $1\(lock ? " FOR UPDATE OF a" : "")", [id]).first else {
            throw DomainError.notFound(resource: "application")
        }
        return try decodeApplication(row)
    }

    static func decodeApplication(_ row: Row) throws -> CallApplication {
        let id = try row.decode(UUID.self, at: 0)
        let names = try row.decode([String].self, at: 11)
        let units = try row.decode([String].self, at: 12)
        let baselines = try row.decode([Double].self, at: 13)
        let targets = try row.decode([Double].self, at: 14)
        let indicators = names.indices.map { Indicator(name: names[$0], unit: units[$0], baseline: baselines[$0], target: targets[$0]) }
        let answers = try row.decode([String].self, at: 15)
        return CallApplication(
            id: id, callID: try row.decode(UUID.self, at: 1), ngoID: try row.decode(UUID.self, at: 2),
            draft: CallApplicationDraft(
                projectID: try row.decode(UUID.self, at: 3), amountKZT: try row.decode(Int64.self, at: 4), answers: answers,
                framework: ResultsFramework(indicators: indicators, reportingPeriodDays: try row.decode(Int.self, at: 5))
            ),
            state: CallApplicationState(rawValue: try row.decode(String.self, at: 6)) ?? .draft, version: try row.decode(Int.self, at: 7),
            createdAt: try row.decode(Date.self, at: 8), updatedAt: try row.decode(Date.self, at: 9), submittedAt: try row.decode(Date?.self, at: 10)
        )
    }
}
